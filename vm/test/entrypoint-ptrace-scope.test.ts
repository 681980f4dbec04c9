// The image's entrypoint raises Yama's ptrace_scope from 0 to 1 (a process then attaches only to
// its own descendants: no run acts from inside a sibling run of the same uid), keeps a stricter
// one, and says so when it cannot. A file stands in for /proc/sys/kernel/yama/ptrace_scope: the
// test machine's kernel may have no Yama, and the real one is the whole machine's.
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { IS_ROOT } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";

const ENTRYPOINT = fileURLToPath(new URL("../docker-entrypoint.sh", import.meta.url));
const hasUnshare = spawnSync("unshare", ["--version"]).status === 0;

describe.skipIf(!IS_ROOT || !hasUnshare)("the entrypoint and Yama's ptrace_scope (skipped when not root or without unshare: it remounts /proc)", () => {
  /**
   * The entrypoint with `true` in place of the server, in its own mount and pid namespace (its
   * /proc remount stays there); `scope` null: no file (a kernel without Yama). `readOnly`: the
   * file 0444 and the entrypoint without CAP_DAC_OVERRIDE, so even root cannot write it.
   */
  function entrypoint(scope: string | null, readOnly = false): { stderr: string; scope: string | null } {
    const dir = tempDir("vm-entry-yama-");
    const path = join(dir, "ptrace_scope");
    if (scope !== null) {
      writeFileSync(path, `${scope}\n`);
      chmodSync(path, readOnly ? 0o444 : 0o644);
    }
    const drop = readOnly ? ["setpriv", "--bounding-set=-dac_override", "--"] : [];
    const done = spawnSync("unshare", ["--mount", "--pid", "--fork", "--mount-proc", "--", ...drop, "sh", ENTRYPOINT, "true"], {
      env: { PATH: process.env.PATH ?? "", DATA_DIR: join(dir, "data"), FLY_API_SOCKET: join(dir, "no-fly-api"), YAMA_PTRACE_SCOPE: path },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(done.status, done.stderr).toBe(0);
    return { stderr: done.stderr, scope: scope === null ? null : readFileSync(path, "utf8").trim() };
  }

  it.each([
    ["0", "1"],
    ["1", "1"],
    ["2", "2"],
    ["3", "3"],
  ])("ptrace_scope %s becomes %s, and nothing is said", (before, after) => {
    const ran = entrypoint(before);
    expect(ran.scope).toBe(after);
    expect(ran.stderr).not.toContain("ptrace_scope");
  });

  it("says so in one line when it cannot raise it, and the server still starts", () => {
    const ran = entrypoint("0", true);
    expect(ran.scope).toBe("0");
    expect(ran.stderr.split("\n").filter((l) => l.includes("ptrace_scope"))).toEqual([
      expect.stringMatching(/^vm-entrypoint: .*ptrace_scope could not be set to 1: processes of one uid can attach to each other where the server finds no Landlock either$/),
    ]);
  });

  it("says nothing where the kernel has no Yama", () => {
    const ran = entrypoint(null);
    expect(ran.stderr).not.toContain("ptrace_scope");
  });
});
