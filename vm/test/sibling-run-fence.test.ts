// No run acts from inside another run of the same user (same uid): with the real CLI and the real
// VM, one run is held live at an approval while a second run's command tries to read the first
// CLI's environment and memory and to attach to it with ptrace. The kernel refuses all three (each
// CLI is in a Landlock domain of its own, core/agent-fence.ts), while the same command succeeds on
// a process of its own run, and a process of the same uid outside any run still reads the first
// CLI's environment: the refusal is the fence's, not the uid's.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { readAgentRecords } from "../src/cli/agent-records";
import { fenceScript } from "../src/core/agent-fence";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { resultsOf, uniqueId, useHarness } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 0, spareAgents: 0 });
const userId = "+15550003401";
const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;

/** The Landlock ABI this kernel offers, by the VM's own launcher; null without one. */
function landlockAbi(): number | null {
  const script = process.platform === "linux" ? fenceScript(process.arch) : null;
  if (!script) return null;
  try {
    return Number(execFileSync("perl", ["-e", script, "--", "--abi"], { encoding: "utf8" }).trim()) || null;
  } catch {
    return null;
  }
}
const ABI = landlockAbi();

/** ptrace's syscall number and PTRACE_ATTACH / PTRACE_DETACH. */
const PTRACE = ({ x64: 101, arm64: 117 } as Record<string, number>)[process.arch];

/**
 * `probe <pid>` as a perl program: one line `<pid> environ=<ok|refused> mem=<…> attach=<…>`. An
 * attach that succeeds is detached at once, so the target goes on.
 */
const PROBE = [
  "my $p = shift;",
  'my $env = open(my $e, "<", "/proc/$p/environ") ? "ok" : "refused";',
  'my $mem = open(my $m, "<", "/proc/$p/mem") ? "ok" : "refused";',
  `my $attach = syscall(${PTRACE}, 16, $p + 0, 0, 0) == 0 ? "ok" : "refused";`,
  `if ($attach eq "ok") { waitpid($p, 0x40000000); syscall(${PTRACE}, 17, $p + 0, 0, 0); }`,
  'print "$p environ=$env mem=$mem attach=$attach\\n";',
].join(" ");

const probeCommand = (targets: number[]) =>
  [
    // A process of its own run: the same probes must succeed there.
    "tail -f /dev/null & own=$!",
    `for p in $own ${targets.join(" ")}; do perl -e '${PROBE}' "$p"; done > probes.txt`,
    "kill $own",
    "cat probes.txt",
  ].join("\n");

it.skipIf(ABI === null || ABI < 2 || PTRACE === undefined)("a run cannot read the memory or environment of, or attach to, a sibling run of the same user; it can its own processes", async () => {
  // The user's own run, held live at its first question.
  const mineId = uniqueId("mine");
  const mine = await h.startRun({ runId: mineId, userId, workspace: "two", text: bash("touch asked.txt"), options: { approvals: { mode: "on" } } });
  const asked = await mine.waitFor((e) => e.type === "approval_request");
  if (asked.type !== "approval_request") throw new Error("not an approval request");
  try {
    const siblings = readAgentRecords(h.dataDir) ?? [];
    expect(siblings.length).toBeGreaterThan(0);
    const pids = siblings.map((s) => s.pid);

    // The same uid outside any run: reads the CLI's environment (no hidepid here keeps it, nor the uid).
    const ids = siblings[0]!.ids;
    const outside = spawnSync("perl", ["-e", `my $p = shift; print open(my $e, "<", "/proc/$p/environ") ? "ok" : "refused: $!"`, String(pids[0])], {
      encoding: "utf8",
      ...(ids && process.getuid?.() === 0 ? { uid: ids.uid, gid: ids.gid } : {}),
    });
    expect(outside.stdout).toBe("ok");

    // The sibling run (an issue's, say), its command run without asking.
    const events = await (await h.startRun({ userId, workspace: "one", text: bash(probeCommand(pids)), options: { permissionMode: "bypassPermissions" } })).end();
    const lines = readFileSync(join(workspaceDirOf(userPathsOf(h.dataDir, userId), "one"), "probes.txt"), "utf8").trim().split("\n");
    expect(lines, JSON.stringify(resultsOf(events))).toHaveLength(1 + pids.length);
    // Its own process: everything allowed.
    expect(lines[0]).toMatch(/^\d+ environ=ok mem=ok attach=ok$/);
    // The other run's CLI: everything refused.
    for (const [i, pid] of pids.entries()) expect(lines[1 + i]).toBe(`${pid} environ=refused mem=refused attach=refused`);
  } finally {
    expect((await h.call("POST", `/v1/runs/${mineId}/approval`, { requestId: asked.requestId, decision: "allow" })).status).toBe(202);
    // The held run still answers: nothing the sibling tried reached it.
    expect(resultsOf(await mine.end())[0]?.isError).toBe(false);
  }
}, 120_000);
