// The reaper for real: a parent process guards a process group whose leader ignores SIGTERM and
// whose child left the group, and a directory; then the parent dies without cleaning up.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, expect, it } from "vitest";
import { commandLineOf, descendantsOf, isAlive, readProcessTable } from "../../emulator/tools/process-tree";
import { guardGroup } from "../../scripts/stack/reaper";

const REAPER = resolve(import.meta.dirname, "../../scripts/stack/reaper.ts");
// The guarded group's leader ignores SIGTERM (only SIGKILL ends it); its child sits in a group of its own.
const LEADER = `process.on("SIGTERM", () => {});
const stray = require("node:child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore" });
console.log(stray.pid); setInterval(() => {}, 1000);`;
const PARENT = `import { spawn } from "node:child_process";
import { guardGroup, guardPath } from ${JSON.stringify(REAPER)};
const leader = spawn(process.execPath, ["-e", ${JSON.stringify(LEADER)}], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
guardGroup(leader.pid);
guardPath(process.argv[2]);
leader.stdout.once("data", (d) => { console.log(JSON.stringify({ leader: leader.pid, stray: Number(String(d).trim()) })); });
setInterval(() => {}, 1000);`;

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).reverse().forEach((cleanup) => cleanup()));

async function guardedTree(): Promise<{ parent: ReturnType<typeof spawn>; leader: number; stray: number; dir: string }> {
  const root = mkdtempSync(join(tmpdir(), "reaper-test-"));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, "guarded");
  mkdirSync(dir);
  writeFileSync(join(root, "parent.ts"), PARENT);
  const parent = spawn(process.execPath, ["--import", "tsx", join(root, "parent.ts"), dir], { stdio: ["ignore", "pipe", "inherit"] });
  const pids: number[] = [];
  cleanups.push(() => [parent.pid!, ...pids].forEach((pid) => isAlive(pid) && process.kill(pid, "SIGKILL")));
  const line = await new Promise<string>((done, fail) => {
    parent.stdout!.once("data", (d) => done(String(d)));
    parent.once("exit", () => fail(new Error("the parent exited before it was ready")));
  });
  const { leader, stray } = JSON.parse(line) as { leader: number; stray: number };
  pids.push(leader, stray);
  return { parent, leader, stray, dir };
}

async function expectGone(pids: number[], dir: string): Promise<void> {
  // The watchdog waits 5 s for SIGTERM to work before it sends SIGKILL.
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && (pids.some(isAlive) || existsSync(dir))) await new Promise((r) => setTimeout(r, 100));
  expect(pids.filter(isAlive)).toEqual([]);
  expect(existsSync(dir)).toBe(false);
}

it("a SIGKILLed parent's guarded group and its stray child are ended, and its directory removed, by the watchdog", { timeout: 30_000 }, async () => {
  const { parent, leader, stray, dir } = await guardedTree();
  expect([leader, stray].every(isAlive)).toBe(true);
  parent.kill("SIGKILL");
  await expectGone([leader, stray], dir);
});

it("a parent that gets SIGTERM and handles no signal ends its groups and dies of the same signal", { timeout: 30_000 }, async () => {
  const { parent, leader, stray, dir } = await guardedTree();
  const exit = new Promise<NodeJS.Signals | null>((done) => parent.once("exit", (_code, signal) => done(signal)));
  parent.kill("SIGTERM");
  expect(await exit).toBe("SIGTERM");
  await expectGone([leader, stray], dir);
});

it("with nothing left to guard the watchdog ends, so a test that counts the processes it started finds none", { timeout: 30_000 }, async () => {
  const sleeper = spawn("sleep", ["300"], { detached: true, stdio: "ignore" });
  cleanups.push(() => isAlive(sleeper.pid!) && process.kill(-sleeper.pid!, "SIGKILL"));
  const release = guardGroup(sleeper.pid);
  // What this process started, by command line (`ps` itself is one of our children while it runs).
  const ours = async () =>
    descendantsOf([process.pid], await readProcessTable()).flatMap((pid) => {
      const args = commandLineOf(pid);
      return /reaper-watchdog|sleep 300/.test(args) ? [args] : [];
    });
  expect((await ours()).length).toBe(2);
  process.kill(-sleeper.pid!, "SIGKILL");
  release();
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && (await ours()).length > 0) await new Promise((r) => setTimeout(r, 100));
  expect(await ours()).toEqual([]);
});
