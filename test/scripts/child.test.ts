// A stack child is stopped as a whole: its process group, and what left the group, leaving nothing behind.
import { expect, it } from "vitest";
import { spawnChild } from "../../scripts/stack/child";
import { isAlive } from "../../emulator/tools/process-tree";
import type { ChildSpec } from "../../scripts/stack/stack-children";

/** Ignores SIGTERM forever, as a stuck process would. */
const STUBBORN = "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);";

/** A leader with one stubborn child in its group and one that moved to a group of its own. */
const LEADER = `
const { spawn } = require("node:child_process");
const inGroup = spawn(process.execPath, ["-e", ${JSON.stringify(STUBBORN)}], { stdio: "ignore" });
const ownGroup = spawn(process.execPath, ["-e", ${JSON.stringify(STUBBORN)}], { stdio: "ignore", detached: true });
process.stdout.write("pids " + inGroup.pid + " " + ownGroup.pid + "\\nno newline at the end");
process.stderr.write("to stderr\\n");
setInterval(() => {}, 1000);
`;

function spec(script: string): ChildSpec {
  return { name: "vm", command: process.execPath, args: ["-e", script], cwd: process.cwd(), env: { PATH: process.env.PATH ?? "" }, readyUrl: "" };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

it("prefixes stdout and stderr lines, then stops the group and a stray in its own group that ignores SIGTERM", { timeout: 30_000 }, async () => {
  const lines: string[] = [];
  const child = spawnChild(spec(LEADER), (line) => lines.push(line));
  await until(() => lines.some((line) => line.includes("pids")) && lines.some((line) => line.includes("stderr")));
  const [inGroup, ownGroup] = (/pids (\d+) (\d+)/.exec(lines.join("\n")) ?? []).slice(1).map(Number);
  expect(lines).toContain("[vm]     to stderr");
  expect([inGroup, ownGroup].every((pid) => pid !== undefined && isAlive(pid))).toBe(true);

  await child.stop(500);

  expect(child.hasExited()).toBe(true);
  expect([child.pid, inGroup!, ownGroup!].filter(isAlive)).toEqual([]);
  // The last line, without its newline, still came out when the stream ended.
  await until(() => lines.includes("[vm]     no newline at the end"));
  expect(lines).toContain("[vm]     no newline at the end");
});

it("reports a command that cannot start instead of throwing", async () => {
  const child = spawnChild({ ...spec(""), command: "/nonexistent/command" }, () => {});
  expect(await child.exited).toMatchObject({ code: null, error: expect.stringContaining("ENOENT") });
  await child.stop(100);
});
