// `POST /v1/runs/:runId/cancel` during a live run leaves no process behind within 2 s: the run's
// CLI and every process under it (the tool's shell, its command, a background job, and a job in a
// session of its own that the group's SIGTERM does not reach: the CLI ends its tools' processes
// itself), read from the process table, not only the `cancelled` event.
import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { userPathsOf } from "../src/users/user-paths";
import { processesIn, uniqueId, useHarness } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 60_000 });

/** pid → [parent pid, state] for every process, from /proc/<pid>/stat. */
function processTable(): Map<number, { ppid: number; state: string }> {
  const table = new Map<number, { ppid: number; state: string }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses: the fields after the last ")" are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state = "", ppid = "0"] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      table.set(Number(entry), { ppid: Number(ppid), state });
    } catch {
      // Gone meanwhile.
    }
  }
  return table;
}

function descendantsOf(root: number): number[] {
  const table = processTable();
  const found = [root];
  for (let i = 0; i < found.length; i++) for (const [pid, { ppid }] of table) if (ppid === found[i]) found.push(pid);
  return found;
}

/** Still running: listed, and not a zombie waiting for its parent to read its exit. */
const running = (pids: number[]) => {
  const table = processTable();
  return pids.filter((pid) => table.has(pid) && table.get(pid)?.state !== "Z");
};

it("leaves neither the CLI nor anything it started within 2 s of the cancel", async () => {
  const runId = uniqueId("run");
  const userId = "+15550001901";
  const workspace = userPathsOf(h.dataDir, userId).workspace;
  // A foreground command, a background job, and one in a session of its own (out of the CLI's
  // process group), all started by the tool's shell. (Not `sleep`: the CLI refuses a `sleep N`
  // followed by more, and points the model at run_in_background.)
  const wait = (ms: number) => `node -e \\"setTimeout(() => {}, ${ms})\\"`;
  const command = `setsid ${wait(300_002)} > /dev/null 2>&1 & ${wait(300_001)} & ${wait(300_000)}`;
  const reader = await h.startRun({ runId, userId, text: `[[tool Bash {"command":"${command}"}]]`, options: { permissionMode: "bypassPermissions" } });
  await reader.waitFor((e) => e.type === "progress");

  // The CLI is the VM's child working in the user's workspace; its tree must hold both commands.
  let cli = 0;
  let tree: number[] = [];
  await expect
    .poll(() => {
      cli = processesIn(workspace).find((pid) => processTable().get(pid)?.ppid === h.pid) ?? 0;
      tree = cli ? descendantsOf(cli) : [];
      const names = tree.map((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8"));
      return [300_000, 300_001, 300_002].every((ms) => names.some((n) => n.startsWith("node\0-e") && n.includes(String(ms))));
    }, { timeout: 10_000 })
    .toBe(true);
  expect(tree.length).toBeGreaterThanOrEqual(5);
  const groupOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[2];
  expect(new Set(tree.map(groupOf)).size).toBeGreaterThan(1);

  const cancelledAt = Date.now();
  expect((await h.call("POST", `/v1/runs/${runId}/cancel`)).status).toBe(202);
  await expect.poll(() => running(tree), { timeout: 2_000, interval: 50 }).toEqual([]);
  expect(Date.now() - cancelledAt).toBeLessThan(2_000);
  expect((await reader.end()).at(-1)).toMatchObject({ type: "error", code: "cancelled" });
  expect(processesIn(workspace)).toEqual([]);
});
