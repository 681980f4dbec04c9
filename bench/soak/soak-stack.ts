// The real local stack for a soak (wrangler dev, the VM with the real Claude Code CLI on the
// offline model, the Twilio emulator), from a fresh copy of the repository on free ports, through
// the same scripts/stack modules as `npm start`. Every part registers its teardown as it starts.
// wrangler dev persists the Durable Objects under the copy's `.wrangler/state` (its default:
// the stack plan passes no --persist-to), so a restart in the same directory finds the same state.
import { createWriteStream } from "node:fs";
import type { LocalVars } from "../../scripts/stack/dev-vars";
import { descendantsOf, readProcessTable } from "../../emulator/tools/process-tree";
import { launchStack, type Stack } from "../../scripts/stack/stack";
import { localUrls, type ChildName, type StackUrls } from "../../scripts/stack/stack-children";
import { freeStackPorts, planTestStack, writeTestDevVars } from "../../test/e2e/helpers/e2e-stack";
import { makeFreshClone } from "../../test/e2e/helpers/fresh-clone";
import type { TimedLine } from "./log-events";
import type { Teardowns } from "./teardowns";

export type SoakStack = {
  urls: StackUrls;
  vars: LocalVars;
  stack: Stack;
  /** Every prefixed line the children wrote, with when it arrived. */
  lines: TimedLine[];
  /** Children that exited without the soak killing them. */
  unplannedExits: { name: ChildName; at: number; exit: string }[];
  /** SIGKILL to the child's process group and every process it started: what a machine crash does. */
  crash(name: ChildName): Promise<void>;
};

export type SoakStackOptions = { label: string; phones: readonly string[]; logPath: string; teardowns: Teardowns };

/** The test runner's or the shell's environment without what could point the stack elsewhere, and never a real credential. */
function childEnv(phones: readonly string[]): Record<string, string | undefined> {
  const hidden = /^(VITEST.*|NODE_ENV|TEST|ANTHROPIC_.*|CLAUDE_CODE_OAUTH_TOKEN|DATA_DIR|IDLE_TIMEOUT_MS|PORT|HOST)$/;
  const shell = Object.fromEntries(Object.entries(process.env).filter(([key]) => !hidden.test(key)));
  return { ...shell, WRANGLER_SEND_METRICS: "false", EMULATOR_USERS: phones.map((phone, i) => `${phone}:Sender ${i + 1}`).join(",") };
}

export async function startSoakStack(options: SoakStackOptions): Promise<SoakStack> {
  const { teardowns, phones } = options;
  const stackPorts = await freeStackPorts();
  const urls = localUrls(stackPorts.ports);
  const clone = makeFreshClone(options.label);
  teardowns.add("the repository copy", () => clone.remove());

  const vars = writeTestDevVars(clone.root, urls, phones);

  const stream = createWriteStream(options.logPath);
  let logOpen = true;
  const log = { write: (text: string) => logOpen && stream.write(text) };
  teardowns.add("the stack log", () => {
    logOpen = false;
    return new Promise<void>((resolve) => stream.end(resolve));
  });
  const lines: TimedLine[] = [];
  const unplannedExits: SoakStack["unplannedExits"] = [];
  const killing = new Set<number>();
  const specs = planTestStack(clone.root, stackPorts, vars, childEnv(phones));
  const stack = launchStack(specs, {
    write: (line) => {
      lines.push({ at: Date.now(), line });
      log.write(`${new Date().toISOString()} ${line}\n`);
    },
    onUnexpectedExit: (name, exit) => {
      const pid = stack.child(name)?.pid;
      if (pid !== undefined && killing.has(pid)) return;
      unplannedExits.push({ name, at: Date.now(), exit: JSON.stringify(exit) });
      log.write(`${new Date().toISOString()} [soak]   ${name} exited unexpectedly: ${JSON.stringify(exit)}\n`);
    },
  });
  teardowns.add("the stack's processes", () => stack.stop());
  await stack.ready;

  return {
    urls,
    vars,
    stack,
    lines,
    unplannedExits,
    async crash(name) {
      const child = stack.child(name);
      if (!child || child.hasExited()) return;
      killing.add(child.pid);
      // The VM runs each CLI in a group of its own: find them before their parent dies.
      const tree = descendantsOf([child.pid], await readProcessTable());
      log.write(`${new Date().toISOString()} [soak]   SIGKILL ${name} (group ${child.pid} and ${tree.length} descendants)\n`);
      for (const pid of [-child.pid, ...tree]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
      await Promise.race([child.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    },
  };
}
