import { describe, expect, it } from "vitest";
import { duplicateReply, findDuplicate } from "../../src/schedules/schedule-duplicate";
import type { ScheduleSpec } from "../../src/schedules/schedule-math";

type Task = { id: number; status: "active" | "paused" | "completed"; spec: ScheduleSpec; prompt: string; context: "fresh" | "chat"; conversationId: number };
const standup: Task = { id: 1, status: "active", spec: { kind: "cron", expr: "0 9 * * 1-5" }, prompt: "write my standup", context: "fresh", conversationId: 1 };
const build: Task = { id: 2, status: "paused", spec: { kind: "interval", everyMs: 7_200_000, anchorAt: 1_000 }, prompt: "check the build", context: "chat", conversationId: 1 };
const once: Task = { id: 3, status: "completed", spec: { kind: "once", at: 5_000 }, prompt: "push the branch", context: "fresh", conversationId: 1 };
const existing = [standup, build, once];

describe("findDuplicate", () => {
  it.each<[string, Omit<Task, "id" | "status">, number | null]>([
    ["the same cron, task, context and conversation", { spec: { kind: "cron", expr: "0 9 * * 1-5" }, prompt: "write my standup", context: "fresh", conversationId: 1 }, 1],
    ["the same task, spaced and cased otherwise", { spec: { kind: "cron", expr: "0 9 * * 1-5" }, prompt: "  Write my   standup ", context: "fresh", conversationId: 1 }, 1],
    ["another time", { spec: { kind: "cron", expr: "0 10 * * 1-5" }, prompt: "write my standup", context: "fresh", conversationId: 1 }, null],
    ["another task", { spec: { kind: "cron", expr: "0 9 * * 1-5" }, prompt: "write my weekly report", context: "fresh", conversationId: 1 }, null],
    ["another conversation", { spec: { kind: "cron", expr: "0 9 * * 1-5" }, prompt: "write my standup", context: "fresh", conversationId: 2 }, null],
    ["in the chat rather than a fresh session", { spec: { kind: "cron", expr: "0 9 * * 1-5" }, prompt: "write my standup", context: "chat", conversationId: 1 }, null],
    ["the same interval, its grid starting later (a paused task counts)", { spec: { kind: "interval", everyMs: 7_200_000, anchorAt: 99_000 }, prompt: "check the build", context: "chat", conversationId: 1 }, 2],
    ["another interval", { spec: { kind: "interval", everyMs: 3_600_000, anchorAt: 99_000 }, prompt: "check the build", context: "chat", conversationId: 1 }, null],
    ["a completed one-off task does not count", { spec: { kind: "once", at: 5_000 }, prompt: "push the branch", context: "fresh", conversationId: 1 }, null],
    ["the same words as an interval and as a cron", { spec: { kind: "interval", everyMs: 86_400_000, anchorAt: 0 }, prompt: "write my standup", context: "fresh", conversationId: 1 }, null],
  ])("%s", (_name, candidate, id) => {
    expect(findDuplicate(existing, candidate)?.id ?? null).toBe(id);
  });
});

describe("duplicateReply", () => {
  it("names the task, what it does, and that nothing changed, in one line", () => {
    expect(duplicateReply(standup, "UTC")).toBe("Task #1 already does this (weekdays 09:00 (cron 0 9 * * 1-5): “write my standup”). Nothing changed.");
  });
  it("says how to start a paused one again", () => {
    expect(duplicateReply(build, "UTC")).toBe("Task #2 already does this (every 2h: “check the build”), paused (/schedule resume 2 starts it again). Nothing changed.");
  });
});
