// Runs the VM as `npm run vm` does (vm/package.json's start command: node, its flags, the main
// module under tsx) in a child process, for the behaviours that end the process (idle exit,
// SIGTERM), or as the image does (its bundle and CMD flags). Node started as root runs with the
// image's capabilities (image-caps.ts), as the entrypoint leaves them.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TOKEN } from "./harness";
import { ID_SWITCH_GUARD_FLAG } from "./id-switch-guard";
import { asImageRuns } from "./image-caps";

const VM_DIR = fileURLToPath(new URL("../..", import.meta.url));

export { ID_SWITCH_GUARD_FLAG };
const ID_SWITCH_MARK = "vm-test: id switch attempted: ";

/** The start script's words after `node`, run with this Node (the repository's pinned one). */
export function startScriptArgs(): string[] {
  const manifest = JSON.parse(readFileSync(join(VM_DIR, "package.json"), "utf8")) as { scripts: { start: string } };
  const [command, ...args] = manifest.scripts.start.split(/\s+/);
  if (command !== "node") throw new Error(`vm's start script should run node: ${manifest.scripts.start}`);
  return args;
}

export type VmChild = {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Every id switch the server attempted (with the guard loaded: this node, as the test's own user). */
  idSwitches: () => string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
};

/**
 * The VM in a child process: by default as `npm run vm` starts it, or with the node arguments
 * given, or through another command (the image's entrypoint) given the whole argument vector.
 * A node started as the test's own user loads the id-switch guard first, through setpriv with the
 * image's capabilities when that user is root; another command adds ID_SWITCH_GUARD_FLAG itself
 * where it starts node, and sets the capabilities it means.
 */
export async function spawnVm(
  env: Record<string, string>,
  args: string[] = startScriptArgs(),
  command: string = process.execPath,
  ids: { uid?: number; gid?: number } = {},
  cwd: string = VM_DIR,
): Promise<VmChild> {
  const asImage = command === process.execPath && ids.uid === undefined ? asImageRuns([ID_SWITCH_GUARD_FLAG, ...args]) : { command, args };
  const child = spawn(asImage.command, asImage.args, {
    ...ids,
    cwd,
    // ALLOW_SHARED_PROC: as in harness.ts; a test of the entrypoint's hidepid or of the refusal sets it "".
    env: { PATH: process.env.PATH ?? "", VM_TOKEN: TOKEN, PORT: "0", HOST: "127.0.0.1", ALLOW_SHARED_PROC: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then(() => reject(new Error(`vm exited before listening: ${output}`)));
    // A spawn that fails (EACCES on a node the user cannot run) emits no exit: fail, never hang.
    child.on("error", (error) => reject(new Error(`vm could not start: ${error.message}`)));
  });
  const idSwitches = () => output.split("\n").filter((line) => line.startsWith(ID_SWITCH_MARK)).map((line) => line.slice(ID_SWITCH_MARK.length));
  return { child, url, output: () => output, idSwitches, exited };
}
