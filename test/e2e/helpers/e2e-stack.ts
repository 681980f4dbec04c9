// Starts the real local stack for a test (wrangler dev, the VM running the real Claude Code CLI
// against the offline model, the Twilio emulator; in machines mode the Fly stand-in instead of the
// VM, with a Machine per phone) on free ports, through the same scripts/ modules as `npm start`,
// from a fresh clone whose `.dev.vars` is the shipped example with the test's ports. Logs go to
// test/artifacts/e2e/<label>.log.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { readLocalVars, type LocalVars } from "../../../scripts/stack/dev-vars";
import { readMachinesSettings, type MachinesMode } from "../../../scripts/stack/machines-plan";
import { machinesModeFor, writeMachinesFiles } from "../../../scripts/stack/machines-setup";
import type { ModelChoice } from "../../../scripts/stack/model-choice";
import { freeListenPorts } from "../../../scripts/stack/ports";
import { launchStack, type Stack } from "../../../scripts/stack/stack";
import type { GithubPlan } from "../../../scripts/stack/github-plan";
import { freshGithubPlan, freshTelegramSecrets, registerTelegramWebhook } from "../../../scripts/stack/stand-ins-setup";
import { planStack, type StackMode } from "../../../scripts/stack/stack-plan";
import { DEFAULT_PORTS, HOST, localUrls, type PortName, type Ports, type StackUrls } from "../../../scripts/stack/stack-children";
import { chooseTelegram, type TelegramPlan } from "../../../scripts/stack/telegram-plan";
import type { Resources } from "../../helpers/resources";
import { type AnthropicStandIn, startAnthropicStandIn } from "../../stand-ins/anthropic-api";
import { makeFreshClone, REPO_ROOT } from "./fresh-clone";

/** Six allowed people: Alice and Bob as in the example, and four more so each test has its own phone. */
export const PHONES = ["+15551230001", "+15551230002", "+15551230003", "+15551230004", "+15551230005", "+15551230006"] as const;
const PEOPLE = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank"];

export type E2eStack = {
  urls: StackUrls;
  vars: LocalVars;
  root: string;
  stack: Stack;
  /** Every prefixed line the children wrote so far. */
  lines: string[];
  /** In machines mode: the stand-in's settings (its directory, the API token). */
  machines: MachinesMode | null;
  /** With `standIns`: the Telegram stand-in's token and secret, the GitHub stand-in's tokens. */
  standIns: StandIns;
  /** With `recordModel`: the offline model, run in this process, whose `requests` are every request the CLI made. */
  model: AnthropicStandIn | null;
  /** Ctrl-C and `npm start` again in the same copy: every child stopped, then started on the same data. */
  restart(): Promise<void>;
};

export type E2eStackOptions = {
  /** Machines mode (`npm start -- --machines`), with these settings from the environment (MACHINE_IDLE_MS…). */
  machines?: Record<string, string>;
  /** The Telegram Bot API and GitHub stand-ins as `npm start` runs them, the webhook registered (the shared mode: the VM gets GITHUB_*). */
  standIns?: boolean;
  /**
   * The VM holds the model's credential as a subscription's (CLAUDE_CODE_OAUTH_TOKEN instead of
   * ANTHROPIC_API_KEY), as for a user on a plan: the CLI then reads the offline model's usage limits.
   */
  subscription?: boolean;
  /** The offline model in the test's own process instead of a child, so the test reads what the agent asked the model. */
  recordModel?: boolean;
};

/** Pure: `.dev.vars` text with the given keys' values replaced, everything else kept. */
export function withValues(text: string, values: Record<string, string>): string {
  return text
    .split("\n")
    .map((line) => {
      const key = /^([A-Z_]+)=/.exec(line)?.[1];
      return key && key in values ? `${key}=${values[key]}` : line;
    })
    .join("\n");
}

/**
 * Writes a fresh copy's `.dev.vars`: the shipped example with this stack's ports, a random
 * VM_TOKEN and the test's phones allowed. Returns the parsed settings (throws if unusable).
 */
export function writeTestDevVars(root: string, urls: StackUrls, phones: readonly string[]): LocalVars {
  const devVars = withValues(readFileSync(join(root, ".dev.vars.example"), "utf8"), {
    TWILIO_API_BASE: urls.twilio,
    TWILIO_MESSAGING_API_BASE: urls.twilio,
    TWILIO_CONTENT_API_BASE: urls.twilio,
    PUBLIC_URL: urls.worker,
    VM_URL: urls.vm,
    VM_TOKEN: randomBytes(16).toString("hex"),
    ALLOWED_SENDERS: phones.join(","),
  });
  writeFileSync(join(root, ".dev.vars"), devVars);
  const parsed = readLocalVars(devVars);
  if (!parsed.ok) throw new Error(`test .dev.vars: ${parsed.problems.join("; ")}`);
  return parsed.vars;
}

/**
 * Free loopback ports for a test stack, outside the ephemeral range: still free when restart()
 * takes them again. One more for wrangler's inspector, which would otherwise be 9229 for every
 * stack starting at the same moment (stack-plan.ts, `inspectorPort`).
 */
export async function freeStackPorts(): Promise<TestStackPorts> {
  const names = Object.keys(DEFAULT_PORTS) as PortName[];
  const block = await freeListenPorts(HOST, names.length + 1);
  return { ports: Object.fromEntries(names.map((name, i) => [name, block[i]!])) as Ports, inspectorPort: block[names.length]! };
}

/** A test stack's ports: its children's, and wrangler's inspector's. */
export type TestStackPorts = { ports: Ports; inspectorPort: number };

/** The model of every test stack: the offline one, on the stack's port. */
const offlineModel = (ports: Ports): ModelChoice => ({ kind: "offline", url: localUrls(ports).model });

/**
 * The children of a test stack in a fresh copy at `root`: the VM on the offline model, its data
 * under the copy (or the mode given), this process's Node and the repository's wrangler.
 */
export function planTestStack(root: string, { ports, inspectorPort }: TestStackPorts, vars: LocalVars, baseEnv: Record<string, string | undefined>, mode: StackMode = { kind: "shared", dataDir: join(root, ".data/vm") }, standIns: StandIns = {}) {
  return planStack({
    root,
    ports,
    inspectorPort,
    vars,
    model: offlineModel(ports),
    mode,
    baseEnv,
    nodePath: process.execPath,
    wranglerCli: join(dirname(createRequire(join(REPO_ROOT, "package.json")).resolve("wrangler/package.json")), "bin", "wrangler.js"),
    runningAsRoot: process.getuid?.() === 0,
    ...standIns,
  });
}

type StandIns = { telegram?: TelegramPlan; github?: GithubPlan };

/** The VM's environment with the offline model's credential as an OAuth token: the proxy hands the CLI its own token in that variable. */
function asSubscription(env: Record<string, string>): Record<string, string> {
  const { ANTHROPIC_API_KEY: key, ...rest } = env;
  if (key === undefined) throw new Error("the test stack's VM has no ANTHROPIC_API_KEY to turn into a subscription's token");
  return { ...rest, CLAUDE_CODE_OAUTH_TOKEN: key };
}

/** The test's environment minus what a user's shell would not have, and never a real credential. */
function shellEnv(): Record<string, string | undefined> {
  const hidden = /^(VITEST.*|NODE_ENV|TEST|ANTHROPIC_.*|CLAUDE_CODE_OAUTH_TOKEN|DATA_DIR|IDLE_TIMEOUT_MS|PORT|HOST)$/;
  const shell = Object.fromEntries(Object.entries(process.env).filter(([key]) => !hidden.test(key)));
  return { ...shell, EMULATOR_USERS: PHONES.map((phone, i) => `${phone}:${PEOPLE[i]}`).join(",") };
}

/**
 * Every part is tracked in `resources` the moment it exists (the clone, then the stack), so a
 * failure anywhere in the file's set-up, here or in a step running beside this one, leaves no
 * process and no directory behind once the resources are released. A stack that does not get
 * ready is stopped and its clone removed before this rejects.
 */
export function startE2eStack(label: string, resources: Resources, options: E2eStackOptions = {}): Promise<E2eStack> {
  // Tracked as a whole too, so that releasing waits for a start still under way.
  return resources.track(launchE2eStack(label, resources, options));
}

/** Machines mode in the copy: the stand-in's directory under it, as `npm start -- --machines` in an open checkout. */
function testMachinesMode(root: string, ports: Ports, settingsEnv: Record<string, string>): MachinesMode {
  const settings = readMachinesSettings(settingsEnv);
  if (!settings.ok) throw new Error(`machines settings: ${settings.problems.join("; ")}`);
  const mode = machinesModeFor({
    root,
    dataDir: join(root, ".data/fly"),
    settings: settings.settings,
    model: offlineModel(ports),
    baseEnv: shellEnv(),
    runningAsRoot: process.getuid?.() === 0,
    nodePath: process.execPath,
  });
  writeMachinesFiles(mode, localUrls(ports));
  return mode;
}

async function launchE2eStack(label: string, resources: Resources, options: E2eStackOptions): Promise<E2eStack> {
  const stackPorts = await freeStackPorts();
  const { ports } = stackPorts;
  const urls = localUrls(ports);
  const clone = resources.track(makeFreshClone(label), (c) => c.remove());
  try {
    const vars = writeTestDevVars(clone.root, urls, PHONES);

    const logDir = join(REPO_ROOT, "test/artifacts/e2e");
    mkdirSync(logDir, { recursive: true });
    const logPath = join(logDir, `${label}.log`);
    writeFileSync(logPath, "");
    const lines: string[] = [];
    const machines = options.machines ? testMachinesMode(clone.root, ports, options.machines) : null;
    // The GitHub stand-in's repositories under the copy, which goes with the test.
    const standIns: StandIns = options.standIns ? { telegram: chooseTelegram({}, freshTelegramSecrets()), github: freshGithubPlan(join(clone.root, ".data/github"), true) } : {};
    const planned = planTestStack(clone.root, stackPorts, vars, shellEnv(), machines ?? undefined, standIns);
    const subscribed = options.subscription ? planned.map((spec) => (spec.name === "vm" ? { ...spec, env: asSubscription(spec.env) } : spec)) : planned;
    const model = options.recordModel ? resources.track(await startAnthropicStandIn({ port: ports.model, host: HOST }), (m) => m.close()) : null;
    const specs = model ? subscribed.filter((spec) => spec.name !== "model") : subscribed;
    const launch = async (): Promise<Stack> => {
      const launched = launchStack(specs, {
        write: (line) => {
          lines.push(line);
          appendFileSync(logPath, `${line}\n`);
        },
        onUnexpectedExit: (name, exit) => appendFileSync(logPath, `[e2e] ${name} exited unexpectedly: ${JSON.stringify(exit)}\n`),
      });
      resources.track(launched, (s) => s.stop());
      try {
        await launched.ready;
        const registered = standIns.telegram ? await registerTelegramWebhook(standIns.telegram, urls) : null;
        registered?.lines.forEach((line) => appendFileSync(logPath, `[e2e] ${line}\n`));
        if (registered?.fatal) throw new Error(registered.lines.join("; "));
      } catch (error) {
        await launched.stop();
        throw new Error(`${error instanceof Error ? error.message : String(error)} (log: ${logPath})`, { cause: error });
      }
      return launched;
    };
    const started: E2eStack = {
      urls, vars, root: clone.root, stack: await launch(), lines, machines, standIns, model,
      async restart() {
        await started.stack.stop();
        // As `npm start` does at each start: the Worker's settings again, the data kept.
        if (machines) writeMachinesFiles(machines, urls);
        started.stack = await launch();
      },
    };
    return started;
  } catch (error) {
    // A failed start cleans up after itself (a stack that did not get ready stopped itself), not only when the resources are released.
    clone.remove();
    throw error;
  }
}
