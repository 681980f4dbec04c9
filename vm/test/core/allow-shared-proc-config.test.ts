// ALLOW_SHARED_PROC as the VM reads it: unset or 0 is refused as root, 1 allows; anything else
// stops the VM at start, naming the setting.
import { describe, expect, it } from "vitest";
import { describeConfigError, loadVmConfig } from "../../src/config";
import { ZodError } from "zod";

const load = (env: Record<string, string>) => loadVmConfig({ VM_TOKEN: "t".repeat(32), CLAUDE_BIN: "/bin/true", ...env });

describe("ALLOW_SHARED_PROC", () => {
  it.each([
    [{}, false],
    [{ ALLOW_SHARED_PROC: "" }, false],
    [{ ALLOW_SHARED_PROC: "0" }, false],
    [{ ALLOW_SHARED_PROC: "1" }, true],
  ])("%j → %s", (env, allowed) => expect(load(env).allowSharedProc).toBe(allowed));

  it.each(["true", "yes", "2"])("refuses %s in one line naming it", (value) => {
    let error: unknown = null;
    try {
      load({ ALLOW_SHARED_PROC: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ZodError);
    expect(describeConfigError(error as ZodError)).toContain("ALLOW_SHARED_PROC must be 1 or unset");
  });
});
