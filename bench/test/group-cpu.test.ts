import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { groupCpuMs, parseStat } from "../lib/group-cpu";

it.each([
  { line: "123 (node) S 1 123 123 0 -1 4194560 100 0 0 0 250 40 0 0 20 0 11 0", want: { name: "node", pgrp: 123, cpuTicks: 290 } },
  { line: "77 (my (odd) name) R 1 77 77 0 -1 0 0 0 0 0 5 6 0 0", want: { name: "my (odd) name", pgrp: 77, cpuTicks: 11 } },
  { line: "garbage", want: null },
])("parseStat($line)", ({ line, want }) => {
  expect(parseStat(line)).toEqual(want);
});

it.runIf(process.platform === "linux")("counts the CPU a busy process group burns, and nothing for a group that does not exist", async () => {
  const busy = spawn(process.execPath, ["-e", "const end = Date.now() + 400; while (Date.now() < end);"], { detached: true, stdio: "ignore" });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const used = groupCpuMs(busy.pid!);
  await new Promise((resolve) => busy.once("exit", resolve));
  expect(used.totalMs).toBeGreaterThan(0);
  expect(used.workerdMs).toBe(0);
  expect(groupCpuMs(2 ** 22 + 7)).toEqual({ totalMs: 0, workerdMs: 0 });
});
