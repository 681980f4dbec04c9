import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ask, bodies, eventually, makeTasksDue, query, releaseVm, rewriteStorage, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";

type TaskRunRow = { id: string; status: string; result_excerpt: string | null; cost_usd: number; error: string | null };
const taskRuns = (phone: string) => query<TaskRunRow>(phone, "SELECT id, status, result_excerpt, cost_usd, error FROM task_runs ORDER BY claimed_at");
const nextRun = async (phone: string) => (await query<{ next_run_at: number }>(phone, "SELECT next_run_at FROM schedules"))[0]!.next_run_at;
const sessionOf = async (phone: string) => (await query<{ session_id: string | null }>(phone, "SELECT session_id FROM conversations WHERE id = 1"))[0]?.session_id;
const taskStarts = async (phone: string) => (await vmRequests(phone)).filter((r) => r.kind === "start" && r.messages?.[0]?.id.startsWith("task-"));

describe("a due task runs through the queue, once", () => {
  it("runs when its alarm fires, in a fresh session, logs the run and moves to the next slot", async () => {
    const phone = "+15550000130";
    await ask(phone, "hello");
    const session = await sessionOf(phone);
    await ask(phone, "/schedule every 1h summarize the open PRs");
    const dueAt = await nextRun(phone);

    expect(await runDurableObjectAlarm(stubFor(phone))).toBe(true);
    const reply = await eventually(async () => (await sentTo(phone)).find((m) => m.body?.startsWith("⏰")));
    expect(reply.body).toBe("⏰ Task #1\n\necho: summarize the open PRs");
    const [start] = await taskStarts(phone);
    expect(start!.sessionId).toBeNull();
    expect(start!.messages).toEqual([{ id: `task-1-${dueAt}`, text: "summarize the open PRs" }]);
    expect(start!.options).toMatchObject({ scheduleTools: false });
    expect(start!.options!.appendSystemPrompt).toContain("scheduled task running unattended");
    // The user's conversation is untouched by the fresh session.
    expect(await sessionOf(phone)).toBe(session);
    const runs = await eventually(async () => {
      const rows = await taskRuns(phone);
      return rows[0]?.status === "succeeded" && rows;
    });
    expect(runs[0]).toMatchObject({ result_excerpt: "echo: summarize the open PRs", cost_usd: 0.001, error: null });
    expect(await nextRun(phone)).toBe(dueAt + 3600_000);
    expect(await ask(phone, "/schedule log 1")).toMatch(/succeeded .*echo: summarize the open PRs/);

    // The next user message resumes the conversation, not the task's session.
    await ask(phone, "and now?");
    const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
    expect(starts.at(-1)!.sessionId).toBe(session);
  });

  it("an alarm delivered twice claims and runs the task once", async () => {
    const phone = "+15550000131";
    await ask(phone, "/schedule every 1h ping the service");
    const dueAt = await nextRun(phone);
    await runDurableObjectAlarm(stubFor(phone));
    // The platform redelivers the same alarm (at-least-once): same scheduled time again.
    await rewriteStorage(phone, (storage) => storage.setAlarm(dueAt));
    await runDurableObjectAlarm(stubFor(phone));
    await eventually(async () => (await sentTo(phone)).some((m) => m.body?.startsWith("⏰")));
    expect(await taskStarts(phone)).toHaveLength(1);
    expect((await taskRuns(phone)).map((r) => r.id)).toEqual([`task-1-${dueAt}`]);
  });

  it("a task due during a user's run runs beside it at once, in its own session, survives a reset, and runs once", async () => {
    const phone = "+15550000132";
    await ask(phone, "/schedule every 1h nightly report");
    await sendInbound(phone, "deploy it [[vm:hold]]");
    await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "start"));
    // The task comes due: claimed (next slot set) and started beside the live run, not behind it.
    const dueAt = await nextRun(phone);
    await makeTasksDue(phone);
    await eventually(async () => (await taskStarts(phone)).length === 1);
    expect(await nextRun(phone)).toBeGreaterThan(Date.now());
    // Its result comes while the user's run still goes, named by its conversation (two runs were live).
    await eventually(async () => (await sentTo(phone)).some((m) => m.body?.includes("⏰")));
    expect(bodies(await sentTo(phone))).not.toContain("echo: deploy it [[vm:hold]]");

    // A deploy resets the object while the user's run goes on: nothing of the task runs again.
    await abortAllDurableObjects();
    await releaseVm(phone);
    await runDurableObjectAlarm(stubFor(phone));
    await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.endsWith("echo: deploy it [[vm:hold]]")));
    expect(bodies(await sentTo(phone)).filter((b) => b?.includes("⏰"))).toHaveLength(1);
    expect(await taskStarts(phone)).toHaveLength(1);
    expect(dueAt).toBeGreaterThan(0);
  });

  it("a user's message during a task run starts beside it: the task's session is its own", async () => {
    const phone = "+15550000133";
    await ask(phone, "/schedule every 1h long audit [[vm:hold]]");
    // Due now: the platform's own alarm runs it (it streams until released, so not awaited here).
    await makeTasksDue(phone);
    await eventually(async () => (await taskStarts(phone)).length === 1);
    // Answered while the task still runs, tagged: two runs are live.
    expect(await ask(phone, "are you there?")).toBe("[main] echo: are you there?");
    // Not injected into the task's fresh session.
    expect((await vmRequests(phone)).filter((r) => r.kind === "input")).toEqual([]);
    await releaseVm(phone);
    await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.includes("⏰")));
  });
});

describe("a failing task", () => {
  it("backs off 30 s then 1 min and tells the user once", async () => {
    const phone = "+15550000134";
    await ask(phone, "/schedule every 1h check certs [[vm:error time_limit]]");
    const dueAt = await nextRun(phone);
    await runDurableObjectAlarm(stubFor(phone));
    const notice = await eventually(async () => (await sentTo(phone)).find((m) => m.body?.includes("Scheduled task #1 failed")));
    expect(notice.body).toContain("won't message you about it again");
    // Times are relative to the alarm's scheduled time, which the handler takes as its first
    // now (the test fires it early), moved on by the real time its steps took before the failure.
    const firstRetry = await nextRun(phone);
    expect(firstRetry - dueAt).toBeGreaterThanOrEqual(30_000);
    expect(firstRetry - dueAt).toBeLessThan(31_000);

    await runDurableObjectAlarm(stubFor(phone));
    await eventually(async () => (await taskRuns(phone)).filter((r) => r.status === "failed").length === 2);
    const secondRetry = await nextRun(phone);
    expect(secondRetry - firstRetry).toBeGreaterThanOrEqual(60_000);
    expect(secondRetry - firstRetry).toBeLessThan(61_000);
    const notices = (await sentTo(phone)).filter((m) => m.body?.includes("failed"));
    expect(notices).toHaveLength(1);
    const [schedule] = await query<{ consecutive_failures: number }>(phone, "SELECT consecutive_failures FROM schedules");
    expect(schedule!.consecutive_failures).toBe(2);
  });
});
