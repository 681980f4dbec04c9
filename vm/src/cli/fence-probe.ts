// Learns, once at start, how the kernel keeps one run's processes from another's: whether the
// launcher of core/agent-fence.ts can make a Landlock domain here (by running it: a kernel built
// without Landlock, or one that boots without it, answers only by trying), and Yama's ptrace_scope.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fenceReport, fenceScript, type AgentFence } from "../core/agent-fence";

const YAMA_SCOPE = "/proc/sys/kernel/yama/ptrace_scope";

function ptraceScope(): number | null {
  try {
    const scope = Number(readFileSync(YAMA_SCOPE, "utf8").trim());
    return Number.isInteger(scope) ? scope : null;
  } catch {
    return null;
  }
}

function landlockAbi(script: string): Promise<number | null> {
  return new Promise((resolve) => {
    execFile("perl", ["-e", script, "--", "--abi"], { env: {}, cwd: "/", timeout: 10_000 }, (error, stdout) => {
      const abi = Number(stdout.trim());
      resolve(error || !Number.isInteger(abi) || abi < 1 ? null : abi);
    });
  });
}

/** The launcher every agent process starts through, or null; and the line the VM logs about it. */
export async function probeAgentFence(platform: string = process.platform, arch: string = process.arch): Promise<{ fence: AgentFence | null; line: string }> {
  // The syscall numbers are Linux's (another system would take them for other calls).
  const script = platform === "linux" ? fenceScript(arch) : null;
  const report = fenceReport({ landlockAbi: script ? await landlockAbi(script) : null, ptraceScope: ptraceScope() });
  return { fence: report.fence && script ? { bin: "perl", script } : null, line: report.line };
}
