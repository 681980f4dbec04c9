// `npm run typecheck`, and the first half of `npm test`: tsc over each of the repository's projects
// in turn. A process of its own rather than a chain of tsc in npm's shell, for one reason: a
// signal sent to npm alone (an IDE's stop button, a CI runner's timeout) reaches that shell, which
// dies at once and leaves the tsc it was waiting on running to its end, unseen. This process
// passes the signal on to its tsc, and stops it too when the shell that started it is gone.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { stopWithNpm } from "./stack/stop-with-npm";

/** Every tsconfig of the repository: the Worker, the pure units, the Node scripts, the emulator, the VM, the bench. */
const PROJECTS = ["tsconfig.json", "tsconfig.units.json", "tsconfig.node.json", "emulator/tsconfig.json", "vm/tsconfig.json", "bench/tsconfig.json"];

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
let current: ChildProcess | null = null;
let stopped = false;
const release = stopWithNpm((signal) => {
  stopped = true;
  current?.kill(signal);
});

let exitCode = 0;
const startedAt = Date.now();
for (const project of PROJECTS) {
  if (stopped) break;
  const child = spawn(process.execPath, [tsc, "-p", project], { stdio: "inherit" });
  current = child;
  const code = await new Promise<number>((resolve) => child.once("exit", (status) => resolve(status ?? 1)));
  current = null;
  if (code !== 0 && !stopped) {
    console.error(`typecheck: tsc -p ${project} failed`);
    exitCode = code;
    break;
  }
}
release();
// tsc says nothing when a project is clean: one line, so a log shows the check ran.
if (!stopped && exitCode === 0) console.log(`typecheck: ${PROJECTS.length} projects, no errors (${Math.round((Date.now() - startedAt) / 1000)} s)`);
process.exit(stopped ? 130 : exitCode);
