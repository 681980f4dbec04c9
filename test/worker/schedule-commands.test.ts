import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ask, query, stubFor, vmRequests } from "./helpers";

type ScheduleRow = { id: number; status: string; next_run_at: number | null; context: string; prompt: string };
const schedulesOf = (phone: string) => query<ScheduleRow>(phone, "SELECT id, status, next_run_at, context, prompt FROM schedules ORDER BY id");

describe("/schedule commands", () => {
  const phone = "+15550000126";

  it("creates an interval task and sets the alarm to its first run", async () => {
    const before = Date.now();
    const reply = await ask(phone, "/schedule every 2h check the build");
    expect(reply).toMatch(/^Task #1 scheduled: every 2h, in a fresh session in main's project\. First run .* \(UTC\)\. Times are in UTC until you set your zone, e\.g\. \/tz Europe\/London\.$/);
    const [task] = await schedulesOf(phone);
    expect(task).toMatchObject({ id: 1, status: "active", context: "fresh", prompt: "check the build" });
    expect(task!.next_run_at! - before).toBeGreaterThanOrEqual(2 * 3600_000);
    expect(task!.next_run_at! - Date.now()).toBeLessThanOrEqual(2 * 3600_000);
    const alarm = await runInDurableObject(stubFor(phone), (_a, state) => state.storage.getAlarm());
    expect(alarm).toBe(task!.next_run_at);
    expect(await vmRequests(phone)).toEqual([]);
  });

  it("lists, pauses, resumes, logs and deletes", async () => {
    expect(await ask(phone, "/schedules")).toMatch(/#1 \[main\] every 2h: next .*\n {3}check the build/);
    expect(await ask(phone, "/schedule pause 1")).toBe("Task #1 paused.");
    expect((await schedulesOf(phone))[0]).toMatchObject({ status: "paused", next_run_at: null });
    // Nothing else is due but the archive (ARCHIVE_AFTER_DAYS, 3 by default, after the last message): a paused task leaves no alarm of its own.
    expect(await runInDurableObject(stubFor(phone), (_a, state) => state.storage.getAlarm())).toBeGreaterThan(Date.now() + 2 * 86_400_000);
    expect(await ask(phone, "/schedule resume #1")).toMatch(/^Task #1 resumed; next run /);
    expect(await ask(phone, "/schedule log 1")).toBe("Task #1 has not run yet.");
    expect(await ask(phone, "/schedule delete 1")).toBe("Task #1 deleted.");
    expect(await schedulesOf(phone)).toEqual([]);
    expect(await runInDurableObject(stubFor(phone), (_a, state) => state.storage.getAlarm())).toBeGreaterThan(Date.now() + 2 * 86_400_000);
    expect(await ask(phone, "/schedule pause 1")).toBe("There is no task #1. /schedules lists yours.");
  });

  it("moves cron tasks when the time zone changes", async () => {
    await ask(phone, '/schedule cron "0 9 * * *" --in-chat standup');
    const [before] = await schedulesOf(phone);
    expect(before!.context).toBe("chat");
    expect(await ask(phone, "/tz Asia/Kolkata")).toMatch(/^Time zone set to Asia\/(Kolkata|Calcutta)\./);
    const [after] = await schedulesOf(phone);
    expect(new Date(after!.next_run_at!).getUTCHours() * 60 + new Date(after!.next_run_at!).getUTCMinutes()).toBe(3 * 60 + 30);
    expect(after!.next_run_at).not.toBe(before!.next_run_at);
    // The zone is the user's now: a new task's reply no longer says how to set it.
    expect(await ask(phone, "/schedule every weekday at 9am standup")).toMatch(/^Task #3 scheduled: weekdays 09:00 \(cron 0 9 \* \* 1-5\), in a fresh session in main's project\. First run .* \(Asia\/(Kolkata|Calcutta)\)\.$/);
  });
});

describe("bad schedule input is refused in one line, storing nothing", () => {
  const phone = "+15550000127";
  it.each([
    ['/schedule cron "61 * * * *" report', /^Invalid cron "61 \* \* \* \*"/],
    ["/schedule every 0m ping", /^The interval must be more than zero\.$/],
    ["/schedule every -5m ping", /^The interval must be positive/],
    ["/schedule at 2020-01-01 09:00 ping", /past/],
    ["/tz Mars/Olympus", /^Unknown time zone "Mars\/Olympus"\./],
    ["/schedule every 1h", /prompt/],
    [`/schedule every 1h ${"x".repeat(2001)}`, /^The prompt is too long: 2001 characters, at most 2000\.$/],
  ])("%s", async (command, reason) => {
    const reply = await ask(phone, command);
    expect(reply).toMatch(reason);
    expect(reply).not.toContain("\n");
    expect(await schedulesOf(phone)).toEqual([]);
  });

  it("refuses a 51st task", async () => {
    await runInDurableObject(stubFor(phone), (_a, state) => {
      for (let i = 0; i < 50; i++) {
        state.storage.sql.exec(
          "INSERT INTO schedules (spec_json, prompt, context, status, next_run_at, created_at, updated_at) VALUES (?, 'p', 'fresh', 'paused', NULL, 0, 0)",
          JSON.stringify({ kind: "interval", everyMs: 3600_000, anchorAt: 0 }),
        );
      }
    });
    expect(await ask(phone, "/schedule every 1h one more")).toBe("You already have 50 tasks, the most allowed. Delete one first.");
    expect(await schedulesOf(phone)).toHaveLength(50);
  });
});

describe("a task identical to one the user has is refused with its number", () => {
  const phone = "+15550000227";

  it("refuses /schedule sent twice in one line, changing nothing; another time, task or --in-chat is a new task", async () => {
    expect(await ask(phone, "/schedule every weekday at 9am write my standup")).toMatch(/^Task #1 scheduled: /);
    const again = await ask(phone, "/schedule every weekday at 9am  write my standup");
    expect(again).toBe("Task #1 already does this (weekdays 09:00 (cron 0 9 * * 1-5): “write my standup”). Nothing changed.");
    expect(await schedulesOf(phone)).toHaveLength(1);
    expect(await ask(phone, "/schedule every weekday at 10am write my standup")).toMatch(/^Task #2 scheduled: /);
    expect(await ask(phone, "/schedule every weekday at 9am --in-chat write my standup")).toMatch(/^Task #3 scheduled: /);
    expect(await ask(phone, "/schedule pause 1")).toBe("Task #1 paused.");
    expect(await ask(phone, "/schedule every weekday at 9am write my standup")).toBe(
      "Task #1 already does this (weekdays 09:00 (cron 0 9 * * 1-5): “write my standup”), paused (/schedule resume 1 starts it again). Nothing changed.",
    );
    expect((await schedulesOf(phone)).map((s) => s.id)).toEqual([1, 2, 3]);
  });
});
