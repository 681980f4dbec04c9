// A VM server killed outright (SIGKILL) leaves its CLI running: it leads a process group of its own,
// so it outlives the server, re-parented. The next server on the same DATA_DIR ends that group
// before it listens, so the relay's next run never shares a session or workspace with it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { AgentRecordSchema, parseProcStat, type AgentRecord } from "../src/core/leftover-agents";
import { userPathsOf } from "../src/users/user-paths";
import { processesIn, readEvents, TOKEN } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";
import { spawnVm, type VmChild } from "./helpers/vm-child";

let api: AnthropicStandIn;
beforeAll(async () => {
  api = await startAnthropicStandIn();
});
afterAll(() => api.close());

/** The live (not zombie) processes of a process group, from /proc. */
function liveMembersOf(pgid: number): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, "utf8"));
        return stat && stat.pgid === pgid && stat.state !== "Z" && stat.state !== "X" ? [stat.pid] : [];
      } catch {
        return [];
      }
    });
}

function recordsIn(dataDir: string): AgentRecord[] {
  const dir = join(dataDir, ".agents");
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => AgentRecordSchema.parse(JSON.parse(readFileSync(join(dir, name), "utf8"))));
}

it("ends the CLI a SIGKILLed server left running before the next server answers /health", async () => {
  const dataDir = tempDir("vm-previous-");
  const env = { DATA_DIR: dataDir, ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: "sk-offline-test" };
  const userId = "+15550001700";
  const children: VmChild[] = [];
  let leftover: number | null = null;
  try {
    const first = await spawnVm(env);
    children.push(first);
    const res = await fetch(`${first.url}/v1/runs`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ runId: "killed-run", userId, sessionId: null, messages: [{ id: "m1", text: "[[slow 60000]]" }], options: { permissionMode: "acceptEdits" } }),
    });
    const reader = readEvents(res);
    await reader.waitFor((e) => e.type === "session");

    // The server recorded the CLI's group: the process working in the user's workspace leads it.
    const [record, ...more] = recordsIn(dataDir);
    expect(more).toEqual([]);
    if (!record) throw new Error("no agent record");
    leftover = record.pgid;
    expect(record.pgid).toBe(record.pid);
    expect(processesIn(userPathsOf(dataDir, userId).workspace)).toContain(record.pid);
    expect(first.idSwitches()).toEqual([]);

    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    await reader.end().catch(() => []);
    // What the issue saw: the CLI lives on without its server.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(liveMembersOf(record.pgid)).toContain(record.pid);

    const second = await spawnVm(env);
    children.push(second);
    // Listening means the leftovers were ended first: no request can have been answered before.
    expect(liveMembersOf(record.pgid)).toEqual([]);
    expect(second.output()).toMatch(/previous_agents_ended count=1\b/);
    const health = await fetch(`${second.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    // The leftover's record is gone with it. (The new server may record a CLI of its own: at boot
    // it starts one resuming the cut run's session, for the relay's restart of that run.)
    const recorded = readdirSync(dataDir).includes(".agents") ? recordsIn(dataDir).map((r) => r.pgid) : [];
    expect(recorded).not.toContain(record.pgid);
    // The records read and the leftovers found without the server switching its ids (id-switch-preload.mjs).
    expect(second.idSwitches()).toEqual([]);
  } finally {
    for (const { child, exited } of children) {
      child.kill("SIGKILL");
      await exited;
    }
    // Whatever the outcome, no CLI of this test outlives it: the leftover, and any the second server started.
    const groups = [...(leftover !== null ? [leftover] : []), ...(readdirSync(dataDir).includes(".agents") ? recordsIn(dataDir).map((r) => r.pgid) : [])];
    for (const pgid of new Set(groups)) if (liveMembersOf(pgid).length > 0) process.kill(-pgid, "SIGKILL");
  }
});
