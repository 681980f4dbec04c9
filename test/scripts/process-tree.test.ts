// Finding every process a child started, even those that moved to a process group of their own.
import { expect, it } from "vitest";
import { descendantsOf, parseProcessTable } from "../../emulator/tools/process-tree";

const TABLE = [
  { pid: 10, ppid: 1 },
  { pid: 11, ppid: 10 },
  { pid: 12, ppid: 11 },
  { pid: 13, ppid: 11 },
  { pid: 20, ppid: 1 },
  { pid: 21, ppid: 20 },
];

it.each([
  ["children, grandchildren, in breadth order", [10], [11, 12, 13]],
  ["a leaf has none", [12], []],
  ["several roots", [11, 20], [12, 13, 21]],
  ["an unknown root", [99], []],
])("%s", (_name, roots, expected) => {
  expect(descendantsOf(roots, TABLE)).toEqual(expected);
});

it("survives a cycle in a corrupt table", () => {
  expect(descendantsOf([1], [{ pid: 2, ppid: 1 }, { pid: 1, ppid: 2 }])).toEqual([2]);
});

it("reads ps output and leaves zombies out", () => {
  const text = "    1     0 Ss\n  100     1 S+\n  101   100 Z\n  102   100 Rl\ngarbage\n";
  expect(parseProcessTable(text)).toEqual([
    { pid: 1, ppid: 0 },
    { pid: 100, ppid: 1 },
    { pid: 102, ppid: 100 },
  ]);
});
