// One started Machine as real processes: a watchdog (watchdog.mjs) and, under it, the Machine's
// command in a process group of its own. Suspend freezes the whole tree with SIGSTOP (memory
// kept), resume thaws it with SIGCONT; stop signals the main process and kills the rest after
// the timeout; kill ends everything at once.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { descendantsOf, isAlive, readProcessTable } from "../../tools/process-tree";

export type MachineExit = { code: number | null; signal: NodeJS.Signals | null };

export type MachineProcessSpec = {
  command: string[];
  cwd: string;
  env: Record<string, string>;
  /** Each line the Machine prints, for the stand-in's log. */
  log: (line: string) => void;
};

export type MachineProcess = {
  /** The main process: the leader of the Machine's process group. */
  pid: number;
  exited: Promise<MachineExit>;
  hasExited(): boolean;
  suspend(): Promise<void>;
  resume(): Promise<void>;
  /** `signal` to the main process; SIGKILL to the whole tree after `timeoutMs` if it has not exited. */
  stop(signal: NodeJS.Signals, timeoutMs: number): Promise<void>;
  kill(): Promise<void>;
};

const WATCHDOG = fileURLToPath(new URL("./watchdog.mjs", import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function send(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    // ESRCH: already gone.
  }
}

export function spawnMachineProcess(spec: MachineProcessSpec): Promise<MachineProcess> {
  const watchdog = spawn(process.execPath, [WATCHDOG, JSON.stringify(spec.command)], {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let exit: MachineExit | null = null;
  const exited = new Promise<MachineExit>((resolve) =>
    watchdog.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    }),
  );
  for (const stream of [watchdog.stdout, watchdog.stderr]) {
    let pending = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      const lines = (pending + chunk).split("\n");
      pending = lines.pop() ?? "";
      lines.forEach(spec.log);
    });
    stream?.on("end", () => pending && spec.log(pending));
  }

  return new Promise((resolve, reject) => {
    watchdog.once("error", reject);
    void exited.then(() => reject(new Error(`the Machine's command ended before it started: ${spec.command.join(" ")}`)));
    watchdog.once("message", (message: { pid?: number }) => {
      const pid = message.pid;
      if (typeof pid !== "number") return reject(new Error("the watchdog did not report a pid"));
      /** The group and every process that left it, as of now. */
      const tree = async () => [-pid, ...descendantsOf([pid], await readProcessTable())];
      const kill = async () => {
        (await tree()).forEach((target) => send(target, "SIGKILL"));
        send(-pid, "SIGCONT");
        await exited;
      };
      resolve({
        pid,
        exited,
        hasExited: () => exit !== null,
        async suspend() {
          // Twice: a process forked while the first pass froze its parent is caught by the second.
          for (let pass = 0; pass < 2; pass++) (await tree()).forEach((target) => send(target, "SIGSTOP"));
        },
        async resume() {
          (await tree()).forEach((target) => send(target, "SIGCONT"));
        },
        async stop(signal, timeoutMs) {
          send(pid, "SIGCONT");
          send(pid, signal);
          const deadline = Date.now() + timeoutMs;
          while (exit === null && isAlive(pid) && Date.now() < deadline) await sleep(50);
          await kill();
        },
        kill,
      });
    });
  });
}

/** Whether something accepts connections on the port within `timeoutMs`. */
export async function waitListening(port: number, timeoutMs: number, host = "127.0.0.1"): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return true;
    await sleep(25);
  }
  return false;
}
