// Whether an agent's uid, which owns nothing on the way, can run the CLI where it is; what the CLI
// file is; and the name of its installed copy.
import { describe, expect, it } from "vitest";
import { cliKindOf, closedToOthers, installKeyOf, interpreterNameOf, type PathStat } from "../../src/core/cli-reach";

const dir = (path: string, mode: number): PathStat => ({ path, mode: 0o040000 | mode, isDirectory: true });
const file = (path: string, mode: number): PathStat => ({ path, mode: 0o100000 | mode, isDirectory: false });

describe("closedToOthers", () => {
  const open = [dir("/", 0o755), dir("/app", 0o755)];
  const cases: Array<{ name: string; chain: PathStat[]; kind: "native" | "script" | "module"; closed: string | null }> = [
    { name: "all open, native", chain: [...open, file("/app/claude", 0o755)], kind: "native", closed: null },
    { name: "search-only directories are enough", chain: [dir("/", 0o711), dir("/app", 0o701), file("/app/claude", 0o711)], kind: "native", closed: null },
    { name: "a 0700 home on the way", chain: [dir("/", 0o755), dir("/root", 0o700), dir("/root/x", 0o755), file("/root/x/claude", 0o755)], kind: "native", closed: "/root" },
    { name: "the first closed directory is named", chain: [dir("/", 0o755), dir("/a", 0o750), dir("/a/b", 0o700), file("/a/b/c", 0o755)], kind: "native", closed: "/a" },
    { name: "a file only its owner runs", chain: [...open, file("/app/claude", 0o744)], kind: "native", closed: "/app/claude" },
    { name: "a native file needs no read", chain: [...open, file("/app/claude", 0o711)], kind: "native", closed: null },
    { name: "a script needs read as well", chain: [...open, file("/app/cli.js", 0o711)], kind: "script", closed: "/app/cli.js" },
    { name: "a readable script", chain: [...open, file("/app/cli.js", 0o755)], kind: "script", closed: null },
    { name: "a module node loads needs read only", chain: [...open, file("/app/main.cjs", 0o644)], kind: "module", closed: null },
    { name: "a module others cannot read", chain: [...open, file("/app/main.cjs", 0o600)], kind: "module", closed: "/app/main.cjs" },
  ];
  it.each(cases)("$name", ({ chain, kind, closed }) => {
    expect(closedToOthers(chain, kind)).toBe(closed);
  });
});

describe("cliKindOf and interpreterNameOf", () => {
  const cases: Array<{ head: string; kind: string; interpreter?: string }> = [
    { head: "\u007fELF\u0002\u0001\u0001", kind: "native" },
    { head: "#!/usr/bin/env node\nimport x from 'y';", kind: "script", interpreter: "node" },
    { head: "#!/usr/bin/env -S node --no-warnings\n", kind: "script", interpreter: "node" },
    { head: "#!/usr/local/bin/node --flag\n", kind: "script", interpreter: "node" },
    { head: "#!/bin/sh\nexec x", kind: "script", interpreter: "sh" },
    { head: "#! /bin/bash\n", kind: "script", interpreter: "bash" },
  ];
  it.each(cases)("$head", ({ head, kind, interpreter }) => {
    const found = cliKindOf(head);
    expect(found.kind).toBe(kind);
    if (found.kind === "script") expect(interpreterNameOf(found.interpreter)).toBe(interpreter);
  });
});

describe("installKeyOf", () => {
  const base = { version: "2.1.330", realPath: "/root/app/node_modules/@anthropic-ai/claude-code/bin/claude.exe", size: 381_121_040, mtimeMs: 1_763_889_000_123.4 };
  it("names the version and a digest of the file's place, size and time", () => {
    expect(installKeyOf(base)).toMatch(/^2\.1\.330-[0-9a-f]{12}$/);
    expect(installKeyOf(base)).toBe(installKeyOf({ ...base, mtimeMs: 1_763_889_000_123.9 }));
  });
  it.each([
    ["another size", { size: 1 }],
    ["another time", { mtimeMs: 1_763_889_999_000 }],
    ["another place", { realPath: "/srv/claude" }],
  ])("changes with %s", (_name, change) => {
    expect(installKeyOf({ ...base, ...change })).not.toBe(installKeyOf(base));
  });
  it.each([
    [null, "unversioned"],
    ["../../etc", "unversioned"],
    ["1.0.0-beta+build.7", "1.0.0-beta+build.7"],
  ])("a version %s is named %s", (version, name) => {
    expect(installKeyOf({ ...base, version }).startsWith(`${name}-`)).toBe(true);
  });
});
