// `npm test`'s type check stops with it: a signal sent to npm alone kills npm's shell, and the
// launcher (scripts/typecheck.ts) then stops the tsc it runs instead of leaving it to run to its
// end; a signal sent to the launcher is passed on to its tsc. Each case starts the real launcher
// under a shell, as npm does, in a process group of its own that is killed whatever happens.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { commandLineOf, descendantsOf, isAlive, readProcessTable } from "../../emulator/tools/process-tree";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
let shell: ChildProcess | null = null;

afterEach(() => {
  if (shell?.pid) {
    try {
      process.kill(-shell.pid, "SIGKILL");
    } catch {
      // Gone already: what the test wanted.
    }
  }
  shell = null;
});

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== null) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The launcher under `sh -c`, as npm runs a script; resolves once its first tsc runs. */
async function startTypecheck(): Promise<{ shellPid: number; launcherPid: number; tscPid: number; exit: Promise<number | null> }> {
  shell = spawn("sh", ["-c", `"${process.execPath}" --import tsx scripts/typecheck.ts && echo typechecked`], { cwd: ROOT, detached: true, stdio: "ignore" });
  const shellPid = shell.pid ?? 0;
  const exit = new Promise<number | null>((resolve) => shell?.once("exit", (code) => resolve(code)));
  const [launcherPid, tscPid] = await until("the launcher's first tsc", async () => {
    const table = await readProcessTable();
    const tree = descendantsOf([shellPid], table);
    const launcher = table.find((row) => row.ppid === shellPid)?.pid;
    // The launcher's tsc by its command line: tsx starts a child of its own too (esbuild's service).
    const tsc = launcher === undefined ? undefined : table.find((row) => row.ppid === launcher && commandLineOf(row.pid).includes("typescript/bin/tsc"))?.pid;
    return tsc !== undefined && launcher !== undefined && tree.includes(tsc) ? [launcher, tsc] : null;
  });
  return { shellPid, launcherPid, tscPid, exit };
}

it("stops its tsc when npm's shell is gone", async () => {
  const run = await startTypecheck();
  // What a signal to npm alone does to its shell: it dies at once, whatever it waits on.
  process.kill(run.shellPid, "SIGKILL");
  await until("the tsc to stop", async () => (isAlive(run.tscPid) ? null : true), 5_000);
  await until("the launcher to exit", async () => (isAlive(run.launcherPid) ? null : true), 5_000);
}, 60_000);

it("passes a signal on to its tsc and exits 130, and the shell goes no further", async () => {
  const run = await startTypecheck();
  process.kill(run.launcherPid, "SIGTERM");
  await until("the tsc to stop", async () => (isAlive(run.tscPid) ? null : true), 5_000);
  // `&& echo typechecked` did not run: the shell exits with the launcher's status.
  expect(await run.exit).toBe(130);
}, 60_000);
