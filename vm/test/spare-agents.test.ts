// Spare CLIs (runs/spare-agents.ts): after a user's run a CLI waits in that workspace for the
// user's next new session; a run that starts one there takes it (no spawn), and another spare
// starts behind it; a workspace made for a new conversation gets one too. A spare never serves another user, another workspace, a resumed session or
// other options: those runs start a CLI of their own, and each run's agent sees its own uid,
// HOME and directory.
import { readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { userPathsOf } from "../src/users/user-paths";
import { IS_ROOT, processesIn, resultsOf, uniqueId, useHarness } from "./helpers/harness";

const taken: string[] = [];
/** Every run id this file started: none may appear in a spare's environment. */
const runIds: string[] = [];
const h = useHarness({ warmSessionMs: 60_000, spareAgents: 4 }, { onTiming: (runId, mark) => void (mark === "spare_taken" && taken.push(runId)) });
const alice = "+15550006201";
const bob = "+15550006202";
const OPTIONS = { permissionMode: "bypassPermissions" } as const;
/** The agent writes where it runs, as whom, and its HOME into a file of its workspace. */
const whereAmI = (file: string) => `[[tool Bash ${JSON.stringify({ command: `{ pwd; id -u; echo "$HOME"; } > ${file}` })}]]`;

async function run(userId: string, text: string, more: { sessionId?: string | null; workspace?: string; options?: object } = {}) {
  const runId = uniqueId("run");
  runIds.push(runId);
  const events = await (await h.startRun({ runId, userId, text, options: OPTIONS, ...more })).end();
  const result = resultsOf(events)[0];
  expect(result?.isError, JSON.stringify(events)).toBe(false);
  return { runId, sessionId: result?.sessionId ?? null };
}

/** The CLIs working in `dir` (not a command one of them runs there). */
const clisIn = (dir: string) =>
  processesIn(dir).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0]!.includes("claude");
    } catch {
      return false;
    }
  });
/** The spare is up: the workspace holds two CLIs (the run's, warm, and the spare). */
const twoIn = (dir: string) => expect.poll(() => clisIn(dir).length, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(2);

it("a new session takes the spare started after the last run, another starts behind it, and nobody else's run takes one", async () => {
  const a = userPathsOf(h.dataDir, alice);
  const first = await run(alice, "one");
  expect(h.spawns).toEqual([first.runId]);
  await twoIn(a.workspace);

  // /new in the same workspace: the spare takes it, no CLI is spawned.
  const fresh = await run(alice, `fresh ${whereAmI("alice-fresh.txt")}`);
  expect(taken).toEqual([fresh.runId]);
  expect(h.spawns).toEqual([first.runId]);
  expect(fresh.sessionId).not.toBe(first.sessionId);
  const [cwd, uid, home] = readFileSync(join(a.workspace, "alice-fresh.txt"), "utf8").trim().split("\n");
  expect(cwd).toBe(a.workspace);
  expect(home).toBe(a.home);
  if (IS_ROOT) expect(Number(uid)).not.toBe(0);
  // Another spare behind it (the first session's warm CLI was replaced by the new session's).
  await twoIn(a.workspace);

  // Bob's new session: never Alice's spare.
  const b = userPathsOf(h.dataDir, bob);
  const bobs = await run(bob, `hi ${whereAmI("bob.txt")}`);
  expect(h.spawns).toContain(bobs.runId);
  expect(taken).not.toContain(bobs.runId);
  const [bobCwd, bobUid, bobHome] = readFileSync(join(b.workspace, "bob.txt"), "utf8").trim().split("\n");
  expect([bobCwd, bobHome]).toEqual([b.workspace, b.home]);
  if (IS_ROOT) expect(bobUid).not.toBe(uid);

  // Alice resuming her session goes to its warm CLI; another workspace and other options start their own.
  const resumed = await run(alice, "again", { sessionId: fresh.sessionId });
  const otherWorkspace = await run(alice, "elsewhere", { workspace: "other" });
  const otherOptions = await run(alice, "careful", { options: { permissionMode: "acceptEdits" } });
  expect(taken).toEqual([fresh.runId]);
  expect(h.spawns).not.toContain(resumed.runId);
  expect(h.spawns).toEqual(expect.arrayContaining([otherWorkspace.runId, otherOptions.runId]));

  // Her spare follows her: after a run in "other", the next new session there takes one.
  const other = join(a.root, "workspaces", "other");
  await run(alice, "back there", { workspace: "other", sessionId: otherWorkspace.sessionId });
  await twoIn(other);
  const there = await run(alice, "new there", { workspace: "other" });
  expect(taken).toEqual([fresh.runId, there.runId]);
  expect(h.spawns).not.toContain(there.runId);
});

it("a spare's environment names its own user only, and no run", async () => {
  const a = userPathsOf(h.dataDir, alice);
  await run(alice, "once more");
  await twoIn(a.workspace);
  const environs = clisIn(a.workspace).map((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    } catch {
      return [];
    }
  });
  const cli = environs.filter((env) => env.includes(`HOME=${a.home}`));
  expect(cli.length).toBeGreaterThanOrEqual(2);
  for (const env of cli) {
    expect(env.join("\n")).not.toContain(userPathsOf(h.dataDir, bob).root);
    expect(runIds.filter((id) => env.some((line) => line.includes(id)))).toEqual([]);
    expect(env.filter((line) => line.startsWith("RELAY_"))).toEqual([]);
  }
});

it("a run that took a spare reaches the relay's tools through it, as its own run", async () => {
  // A third user: the VM keeps four spares here (SPARE_AGENTS), one each.
  const carol = "+15550006203";
  const WITH_TOOLS = { permissionMode: "default", scheduleTools: true } as const;
  await run(carol, "first", { options: WITH_TOOLS });
  // Named once she ran: a new user's first run may take the slot made ahead (its key is then hers).
  const c = userPathsOf(h.dataDir, carol);
  await twoIn(c.workspace);
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId: carol, text: '[[tool schedule_create {"kind":"every","every":"2h","prompt":"check"}]]', options: WITH_TOOLS });
  const call = await reader.waitFor((e) => e.type === "tool_call");
  expect(taken).toContain(runId);
  if (call.type !== "tool_call") throw new Error("not a tool call");
  expect((await h.call("POST", `/v1/runs/${runId}/tool-result`, { callId: call.callId, ok: true, text: "Task #1 scheduled." })).status).toBe(202);
  const events = await reader.end();
  expect(resultsOf(events)[0]?.text).toBe("[offline model] The mcp__relay__schedule_create tool answered: Task #1 scheduled.");
});

it("a workspace made for a new conversation gets a spare, started as the user's last run was; its first message takes it, even one sent before the spare is up", async () => {
  const dave = "+15550006204";
  const d = userPathsOf(h.dataDir, dave);
  const workspace = (name: string) => join(d.root, "workspaces", name);
  // Before any run of his since the server started there is nothing to start one as.
  expect((await h.call("POST", "/v1/workspaces", { userId: dave, workspace: "early" })).status).toBe(201);
  await run(dave, "one");
  await twoIn(d.workspace);
  expect(clisIn(workspace("early"))).toEqual([]);

  // /new api: the workspace is made, and his spare moves there (one per user).
  expect((await h.call("POST", "/v1/workspaces", { userId: dave, workspace: "api" })).status).toBe(201);
  await expect.poll(() => clisIn(workspace("api")).length, { timeout: 30_000, interval: 100 }).toBe(1);
  // Its default workspace keeps the last run's warm CLI only (`workspace` is a prefix of `workspaces/…`).
  const clisAt = (dir: string) => clisIn(dir).filter((pid) => readlinkSync(`/proc/${pid}/cwd`) === dir);
  await expect.poll(() => clisAt(d.workspace).length, { timeout: 30_000, interval: 100 }).toBe(1);
  // Made again (a retried request): nothing more starts.
  expect((await h.call("POST", "/v1/workspaces", { userId: dave, workspace: "api" })).status).toBe(200);

  const first = await run(dave, `first ${whereAmI("dave.txt")}`, { workspace: "api" });
  expect(taken).toContain(first.runId);
  expect(h.spawns).not.toContain(first.runId);
  const [cwd, , home] = readFileSync(join(workspace("api"), "dave.txt"), "utf8").trim().split("\n");
  expect([cwd, home]).toEqual([workspace("api"), d.home]);

  // A message right behind /new waits for the spare being started there rather than start a CLI of its own.
  await expect.poll(() => clisAt(workspace("api")).length, { timeout: 30_000, interval: 100 }).toBe(2);
  expect((await h.call("POST", "/v1/workspaces", { userId: dave, workspace: "web" })).status).toBe(201);
  const quick = await run(dave, "right away", { workspace: "web" });
  expect(taken).toContain(quick.runId);
  expect(h.spawns).not.toContain(quick.runId);
});
