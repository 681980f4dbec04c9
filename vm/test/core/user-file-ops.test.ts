// A user's file work as data: every path and byte in the child's environment (never its command
// line, which another agent's `ps` shows), modes in octal, and coreutils' messages read back as
// errno names.
import { describe, expect, it } from "vitest";
import { errnoOfMessage, userFileScript, type UserFileOp } from "../../src/core/user-file-ops";

describe("userFileScript", () => {
  const secret = "RELAY_TOOLS_SECRET=s3cr3t-value";
  const ops: UserFileOp[] = [
    { op: "mkdir", path: "/d/users/k/home" },
    { op: "write", path: "/d/users/k/tmp/relay mcp.json", text: secret, mode: 0o600 },
    { op: "create", path: "/d/users/k/home/.gitconfig", text: "", mode: 0o644 },
    { op: "write", path: "/d/users/k/bin/run", text: "#!/bin/sh\n", mode: 0o755 },
    { op: "remove", path: "/d/users/k/tmp/old.json" },
    { op: "removeIfStarts", path: "/d/users/k/home/.config/gh/hosts.yml", prefix: "# Written by the VM\n" },
    { op: "moveInto", from: "/d/users/k/.clone-x", to: "/d/users/k/workspace", mode: 0o700 },
  ];
  const { script, env } = userFileScript(ops);

  it("carries paths and contents in the environment only", () => {
    for (const value of [secret, "/d/users/k", "hosts.yml", "Written by"]) expect(script).not.toContain(value);
    expect(env).toMatchObject({
      P0: "/d/users/k/home",
      P1: "/d/users/k/tmp/relay mcp.json",
      C1: secret,
      D1: "/d/users/k/tmp",
      M1: "600",
      M2: "644",
      M3: "755",
      P5: "/d/users/k/home/.config/gh/hosts.yml",
      Q5: "# Written by the VM",
      M5: "20",
      P6: "/d/users/k/.clone-x",
      Q6: "/d/users/k/workspace",
      M6: "700",
      LC_ALL: "C",
    });
  });

  it("stops at the first failure, makes directories owner-only, and files of their mode", () => {
    expect(script.split("\n").slice(0, 2)).toEqual(["set -e", "umask 077"]);
    // 600 and 644 by the umask around the shell's own redirection; 755 (execute) by chmod.
    expect(script).toContain(`umask 177; printf '%s' "$C1" > "$P1".partial-$$; umask 077`);
    expect(script).toContain(`umask 133; printf '%s' "$C2" > "$P2"; umask 077`);
    expect(script).toContain(`printf '%s' "$C3" > "$P3".partial-$$; chmod "$M3" -- "$P3".partial-$$`);
    // Every variable reference is quoted: a path with spaces or globs is one word.
    expect(script.match(/(?<!")\$[PCQDM]\d/g)).toBeNull();
  });

  it("refuses what it cannot carry or mean", () => {
    expect(() => userFileScript([{ op: "write", path: "/x", text: "a\0b", mode: 0o600 }])).toThrow(/NUL/);
    expect(() => userFileScript([{ op: "write", path: "/x", text: "", mode: 0o10000 }])).toThrow(/not a file mode/);
    expect(userFileScript([])).toEqual({ script: "set -e\numask 077", env: { LC_ALL: "C" } });
  });
});

describe("errnoOfMessage", () => {
  const cases: Array<[string, string | null]> = [
    ["dd: error writing 'x': No space left on device", "ENOSPC"],
    ["mkdir: cannot create directory '/x/y': Permission denied", "EACCES"],
    ["mv: cannot move 'a' to 'b': Directory not empty", "ENOTEMPTY"],
    ["sh: 1: cannot create /x/y.partial-12: Directory nonexistent", null],
    ["chmod: cannot access 'a': No such file or directory", "ENOENT"],
    ["", null],
  ];
  for (const [said, code] of cases) it(`${JSON.stringify(said)} → ${code}`, () => expect(errnoOfMessage(said)).toBe(code));
});
