// Runs the VM as `npm run vm` does (its main module under tsx) in a child process, for the
// behaviours that end the process: idle exit and SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { TOKEN } from "./harness.js";

const VM_DIR = fileURLToPath(new URL("../..", import.meta.url));

export type VmChild = {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
};

export async function spawnVm(env: Record<string, string>): Promise<VmChild> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: VM_DIR,
    env: { PATH: process.env.PATH ?? "", VM_TOKEN: TOKEN, PORT: "0", HOST: "127.0.0.1", ...env },
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
  });
  return { child, url, output: () => output, exited };
}
