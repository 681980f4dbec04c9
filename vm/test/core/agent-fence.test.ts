// The launcher that starts each agent process in a Landlock domain of its own: its command line,
// its exec failure read back as the spawn's own error, and the VM's start line for each kernel.
import { constants } from "node:os";
import { describe, expect, it } from "vitest";
import { fenceExecError, fencedCommand, fenceReport, fenceScript } from "../../src/core/agent-fence";

describe("fencedCommand", () => {
  it("runs the CLI itself without a launcher", () => {
    expect(fencedCommand(null, "/cli/claude", ["-p", "x"])).toEqual({ bin: "/cli/claude", args: ["-p", "x"] });
  });
  it("puts the CLI and its arguments after the launcher's script, whatever they look like", () => {
    expect(fencedCommand({ bin: "perl", script: "S" }, "/cli/claude", ["--abi", "-e", "x"])).toEqual({ bin: "perl", args: ["-e", "S", "--", "/cli/claude", "--abi", "-e", "x"] });
  });
});

describe("fenceScript", () => {
  it.each([
    ["x64", "syscall(157, 38,"],
    ["arm64", "syscall(167, 38,"],
  ])("knows prctl's number on %s", (arch, prctl) => {
    expect(fenceScript(arch)).toContain(prctl);
  });
  it("is null where the numbers are not known", () => {
    expect(fenceScript("ia32")).toBeNull();
  });
});

describe("fenceExecError", () => {
  it.each([
    [127, `relay-fence-exec-failed: ${constants.errno.ENOENT}\n`, "ENOENT"],
    [127, `some output\nrelay-fence-exec-failed: ${constants.errno.EACCES}\n`, "EACCES"],
    [127, "relay-fence-exec-failed: 99999\n", "errno 99999"],
    // The CLI's own exit 127 and stderr: not the launcher's.
    [127, "claude: command not found\n", null],
    [1, `relay-fence-exec-failed: ${constants.errno.ENOENT}\n`, null],
    [null, "", null],
  ])("exit %s with %j: %s", (code, stderr, expected) => {
    expect(fenceExecError(code, stderr)).toBe(expected);
  });
});

describe("fenceReport", () => {
  it.each([
    [{ landlockAbi: 7, ptraceScope: null }, true, /Landlock domain of its own \(ABI 7\).*the kernel has no Yama$/],
    [{ landlockAbi: 2, ptraceScope: 1 }, true, /ABI 2.*ptrace_scope is 1/],
    [{ landlockAbi: 1, ptraceScope: 1 }, false, /ABI 1 is older than 2; Yama's ptrace_scope is 1.*no run attaches to another; each can still read the environment/],
    [{ landlockAbi: null, ptraceScope: 2 }, false, /no Landlock.*ptrace_scope is 2/],
    [{ landlockAbi: null, ptraceScope: 0 }, false, /no Landlock.*ptrace_scope is 0: a run can attach to, and read the memory of, another run of the same user/],
    [{ landlockAbi: null, ptraceScope: null }, false, /no Landlock.*no Yama: a run can attach to/],
  ])("%j: fence %s", (facts, fence, line) => {
    const report = fenceReport(facts);
    expect(report.fence).toBe(fence);
    expect(report.line).toMatch(line);
  });
});
