import { describe, expect, it } from "vitest";
import { type ListedTask, type ManageOutcome, manageReply, scheduledReply, schedulesList, timeZoneReply, timeZoneSetReply } from "../../../src/schedules/schedules-replies";
import { describeSchedule, formatInZone } from "../../../src/schedules/schedule-format";
import type { ScheduleSpec } from "../../../src/schedules/schedule-math";

const NOW = Date.UTC(2026, 10, 22, 12, 0);
const ZONE = "Europe/London";
const DAILY: ScheduleSpec = { kind: "interval", everyMs: 86_400_000, anchorAt: NOW };
const every = describeSchedule(DAILY, ZONE);
const at = (t: number) => formatInZone(t, ZONE);

describe("scheduledReply", () => {
  it.each<[ListedTask["context"], string | null, string]>([
    ["fresh", "api", `in a fresh session in api's project`],
    ["chat", "api", "in api, in its session"],
    ["fresh", null, "in a fresh session in this conversation's project"],
  ])("%s in %s", (context, conversation, where) => {
    expect(scheduledReply({ id: 4, spec: DAILY, context, conversation }, NOW + 60_000, ZONE, true)).toBe(`Task #4 scheduled: ${every}, ${where}. First run ${at(NOW + 60_000)} (${ZONE}).`);
  });

  it("says how to set the zone while the user has not chosen one", () => {
    expect(scheduledReply({ id: 4, spec: DAILY, context: "fresh", conversation: "api" }, NOW + 60_000, "UTC", false)).toBe(
      `Task #4 scheduled: ${describeSchedule(DAILY, "UTC")}, in a fresh session in api's project. First run ${formatInZone(NOW + 60_000, "UTC")} (UTC). Times are in UTC until you set your zone, e.g. /tz Europe/London.`,
    );
  });
});

describe("schedulesList", () => {
  const task: ListedTask = { id: 2, spec: DAILY, context: "fresh", conversation: "main", status: "active", nextRunAt: NOW + 3_600_000, prompt: "summarise the news", last: null, from: "made by you" };
  it.each<[string, ListedTask[], number, string[]]>([
    ["nothing", [], 0, ["No scheduled tasks. Try /schedule every 1d <prompt> or /help."]],
    [
      "nothing, one message held",
      [],
      1,
      ["No scheduled tasks. Try /schedule every 1d <prompt> or /help.", "📬 1 message waiting: WhatsApp allows them only within 24 h of your last message, so send anything to receive them."],
    ],
    ["an active task", [task], 0, [`Your tasks (${ZONE}):`, `#2 [main] ${every}: next ${at(NOW + 3_600_000)}`, "   summarise the news", "   made by you"]],
    [
      "a task an event's run made",
      [{ ...task, from: "made by a run of acme/api#12 issue: asks before every action (/schedule trust 2)" }],
      0,
      [`Your tasks (${ZONE}):`, `#2 [main] ${every}: next ${at(NOW + 3_600_000)}`, "   summarise the news", "   made by a run of acme/api#12 issue: asks before every action (/schedule trust 2)"],
    ],
    [
      "a paused task of a deleted conversation, last run quoted, two held",
      [{ ...task, status: "paused", conversation: null, last: { status: "succeeded", resultExcerpt: "x".repeat(70) } }],
      2,
      [
        `Your tasks (${ZONE}):`,
        `#2 [a deleted conversation] ${every}: paused, last: succeeded “${"x".repeat(60)}”`,
        "   summarise the news",
        "   made by you",
        "📬 2 messages waiting: WhatsApp allows them only within 24 h of your last message, so send anything to receive them.",
      ],
    ],
    ["a failed last run with no excerpt, a long prompt cut", [{ ...task, last: { status: "failed", resultExcerpt: null }, prompt: "p".repeat(100) }], 0, [`Your tasks (${ZONE}):`, `#2 [main] ${every}: next ${at(NOW + 3_600_000)}, last: failed`, `   ${"p".repeat(80)}`, "   made by you"]],
  ])("%s", (_, tasks, held, lines) => {
    expect(schedulesList(tasks, held, ZONE).split("\n")).toEqual(lines);
  });
});

describe("manageReply", () => {
  const run = { claimedAt: NOW, startedAt: NOW + 1000, finishedAt: NOW + 13_400, status: "succeeded", costUsd: 0.0123, resultExcerpt: "done", error: null };
  it.each<[ManageOutcome, string]>([
    [{ kind: "missing" }, "There is no task #5. /schedules lists yours."],
    [{ kind: "not_active", status: "paused" }, "Task #5 is paused, not running."],
    [{ kind: "paused" }, "Task #5 paused."],
    [{ kind: "not_paused", status: "completed" }, "Task #5 is completed, not paused."],
    [{ kind: "no_run_left" }, "Task #5 has no run left (its time has passed)."],
    [{ kind: "resumed", nextRunAt: NOW }, `Task #5 resumed; next run ${at(NOW)}.`],
    [{ kind: "deleted" }, "Task #5 deleted."],
    [{ kind: "log", runs: [] }, "Task #5 has not run yet."],
    [{ kind: "log", runs: [run] }, `Task #5, last runs:\n${at(NOW)}: succeeded in 12 s, $0.0123 – done`],
    [{ kind: "log", runs: [{ ...run, startedAt: null, costUsd: 0, error: "e".repeat(90) }] }, `Task #5, last runs:\n${at(NOW)}: succeeded – ${"e".repeat(80)}`],
    [{ kind: "log", runs: [{ ...run, status: "queued", startedAt: null, finishedAt: null, costUsd: 0, resultExcerpt: null }] }, `Task #5, last runs:\n${at(NOW)}: queued`],
  ])("%j", (outcome, expected) => {
    expect(manageReply(5, outcome, ZONE)).toBe(expected);
  });
});

describe("time zone replies", () => {
  it.each<[string, string]>([
    [timeZoneReply("UTC", NOW), "Your time zone is UTC (now Sun 22 Nov 12:00). Change it with /tz Europe/London."],
    [timeZoneSetReply("Asia/Tokyo", NOW), "Time zone set to Asia/Tokyo. It is now Sun 22 Nov 21:00 there."],
  ])("%s", (text, expected) => {
    expect(text).toBe(expected);
  });
});
