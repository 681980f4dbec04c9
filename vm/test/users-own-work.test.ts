// An agent of its own uid still does all of its own work: files, its temp directory, git with the
// relay's identity, its sessions resumed in a new process and after a VM restart, and the relay
// tools, whose MCP server (a child of the CLI) runs as the same uid.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AgentIdTableSchema } from "../src/core/agent-ids";
import { userPathsOf } from "../src/users/user-paths";
import { IS_ROOT, processesIn, resultsOf, uniqueId, useHarness } from "./helpers/harness";

const userId = "+15550001601";
const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;
const uidOfProcess = (pid: number) => Number(/\nUid:\t(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);

describe.skipIf(!IS_ROOT)("as root, an agent of its own uid (skipped when not root: only root can switch uids)", () => {
  // No warm sessions: each resume below is a fresh CLI reading the session from disk.
  const h = useHarness({ warmSessionMs: 0 });
  const paths = () => userPathsOf(h.dataDir, userId);
  const agentUid = () => AgentIdTableSchema.parse(JSON.parse(readFileSync(join(h.dataDir, ".agent-ids.json"), "utf8"))).users[paths().key];

  it("writes files, uses its temp directory and git, and resumes its sessions, after a restart too", async () => {
    const gitIdentity = { name: "Ada Lovelace", email: "ada@example.com" };
    const command = "echo one > a.txt && git init -q && git add a.txt && git commit -qm first && git log --format='%an %ae %s' > git.out && mktemp > tmp.out";
    const first = await (await h.startRun({ userId, gitIdentity, text: bash(command), options: { permissionMode: "bypassPermissions" } })).end();
    const sessionId = resultsOf(first)[0]?.sessionId ?? null;
    expect(resultsOf(first)[0]?.isError).toBe(false);
    const { workspace, tmp } = paths();
    expect(readFileSync(join(workspace, "git.out"), "utf8")).toBe("Ada Lovelace ada@example.com first\n");
    expect(readFileSync(join(workspace, "tmp.out"), "utf8").startsWith(`${tmp}/`)).toBe(true);
    for (const file of ["a.txt", ".git", "git.out"]) expect(statSync(join(workspace, file)).uid, file).toBe(agentUid());

    const second = await (await h.startRun({ userId, sessionId, text: "which file?" })).end();
    expect(resultsOf(second)[0]?.text).toContain("This conversation has 2 user messages");
    await h.restart();
    const third = await (await h.startRun({ userId, sessionId, text: "still there?" })).end();
    expect(resultsOf(third)[0]?.text).toContain("This conversation has 3 user messages");
    expect(h.spawns).toHaveLength(3);
  });

  it("uses the relay tools: the CLI runs as the agent's uid and starts nothing else for them", async () => {
    const runId = uniqueId("run");
    const text = '[[tool schedule_create {"kind":"every","every":"2h","prompt":"check the build"}]]';
    const reader = await h.startRun({ runId, userId, text, options: { permissionMode: "default", scheduleTools: true } });
    const call = await reader.waitFor((e) => e.type === "tool_call");
    if (call.type !== "tool_call") throw new Error("not a tool call");

    // While the call waits for the relay: the CLI alone in the workspace (the tools are the VM's own endpoint).
    const pids = processesIn(paths().workspace);
    const commandLines = pids.map((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8"));
    expect(commandLines.length).toBeGreaterThan(0);
    expect(commandLines.filter((line) => !line.split("\0")[0]!.includes("claude"))).toEqual([]);
    expect(new Set(pids.map(uidOfProcess))).toEqual(new Set([agentUid()]));

    expect((await h.call("POST", `/v1/runs/${runId}/tool-result`, { callId: call.callId, ok: true, text: "Task #1 scheduled." })).status).toBe(202);
    const events = await reader.end();
    expect(resultsOf(events)[0]?.text).toBe("[offline model] The mcp__relay__schedule_create tool answered: Task #1 scheduled.");
  });
});
