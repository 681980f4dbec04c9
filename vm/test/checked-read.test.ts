// The server's whole-file reads of what an agent may have planted (files/checked-open.ts), for a VM
// whose agents are its own user (`readOwnText`) and, as root, for agents of their own uids
// (`readUserText`): the file's text, null when there is none, and a throw, at once, for a FIFO, a
// link, a path that leads out of the folder through a linked directory, or more than the limit.
import { chownSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readOwnText, readUserText } from "../src/files/checked-open";
import type { AgentIds } from "../src/core/agent-ids";
import { IS_ROOT } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";

let base = "";
let dir = "";
beforeAll(() => {
  base = tempDir("checked-read-");
  dir = join(base, "workspace");
  mkdirSync(dir);
  mkdirSync(join(base, "elsewhere"));
  writeFileSync(join(base, "elsewhere", "secret.txt"), "not the workspace's\n");
  writeFileSync(join(dir, "own.txt"), "hello\n");
  writeFileSync(join(dir, "big.txt"), "x".repeat(2048));
  execFileSync("mkfifo", [join(dir, "fifo")]);
  symlinkSync(join(base, "elsewhere", "secret.txt"), join(dir, "link.txt"));
  symlinkSync(join(base, "elsewhere"), join(dir, "sub"));
});

const cases: Array<{ name: string; path: string; answer: string | null | RegExp }> = [
  { name: "the folder's own file", path: "own.txt", answer: "hello\n" },
  { name: "a file that does not exist yet", path: "none.txt", answer: null },
  { name: "a FIFO (never waited on)", path: "fifo", answer: /not a regular file/ },
  { name: "a link to a file outside", path: "link.txt", answer: /ELOOP|symbolic link/ },
  { name: "a file reached through a linked directory", path: "sub/secret.txt", answer: /elsewhere/ },
  { name: "a file over the limit", path: "big.txt", answer: /larger than 1024 bytes/ },
];

it.each(cases)("readOwnText: $name", ({ path, answer }) => {
  const read = () => readOwnText(dir, join(dir, path), 1024);
  if (answer instanceof RegExp) expect(read).toThrow(answer);
  else expect(read()).toBe(answer);
});

describe.skipIf(!IS_ROOT)("readUserText as root (skipped when not root: agents have uids of their own only there)", () => {
  const ids: AgentIds = { uid: 20_995, gid: 20_995 };
  it("reads the user's own file within the limit, and refuses it past the limit", () => {
    for (const name of ["own.txt", "big.txt"]) chownSync(join(dir, name), ids.uid, ids.gid);
    expect(readUserText(ids, base, join(dir, "own.txt"), 1024)).toBe("hello\n");
    expect(() => readUserText(ids, base, join(dir, "big.txt"), 1024)).toThrow(/larger than 1024 bytes/);
  });
});
