import { describe, expect, it } from "vitest";
import { type ArchiveFacts, type Demand, type IdleFacts, archiveAfterMs, archiveHoldsRuns, archiveRetryDelayMs, nextArchiveChore, SCHEDULE_MARGIN_MS } from "../../src/archive/archive-plan";

type UserActivity = Demand & IdleFacts & { lastRunEndedAt: number | null };
const readsOf = (a: UserActivity) => ({ idle: () => a, lastRunEndedAt: () => a.lastRunEndedAt });

const DAY = 86_400_000;
const after = 7 * DAY;
const live: ArchiveFacts = { status: "live", retryAt: null, restoredAt: null };
const idle: UserActivity = { lastUseAt: 1_000, runOpen: false, queued: 0, nextScheduleAt: null, hasFiles: true, lastRunEndedAt: 900 };

describe("nextArchiveChore: what the archive unit does next", () => {
  it.each<[string, ArchiveFacts, UserActivity, number | null, ReturnType<typeof nextArchiveChore>]>([
    ["unused: archived ARCHIVE_AFTER_DAYS after the last use", live, idle, after, { kind: "archive", at: 1_000 + after }],
    ["no archive bucket: never", live, idle, null, null],
    ["never used: nothing to archive", live, { ...idle, lastUseAt: null }, after, null],
    ["no volume (machines mode): nothing to archive", live, { ...idle, hasFiles: false }, after, null],
    ["a run open: not now", live, { ...idle, runOpen: true }, after, null],
    ["a message waits: not now", live, { ...idle, queued: 1 }, after, null],
    ["a task due within a day of it: after the task", live, { ...idle, nextScheduleAt: 1_000 + after + 3_600_000 }, after, { kind: "archive", at: 1_000 + after + 3_600_000 + SCHEDULE_MARGIN_MS }],
    ["a task due later than a day after it: on time", live, { ...idle, nextScheduleAt: 1_000 + after + 2 * DAY }, after, { kind: "archive", at: 1_000 + after }],
    ["a failed attempt: at its retry", { ...live, status: "archiving", retryAt: 1_000 + after + 60_000 }, idle, after, { kind: "archive", at: 1_000 + after + 60_000 }],
    ["cut off mid-way (evicted): picked up at the retry it set first", { ...live, status: "archiving", retryAt: 5 }, { ...idle, lastUseAt: 0 }, 1, { kind: "archive", at: 5 }],
    ["checked, nobody came: discard", { ...live, status: "checked" }, idle, after, { kind: "discard", at: 0 }],
    ["checked, the destroy failed: at its retry", { ...live, status: "checked", retryAt: 9_000 }, idle, after, { kind: "discard", at: 9_000 }],
    ["checked, but a message came: abandon now, even behind a retry", { ...live, status: "checked", retryAt: 9_000 }, { ...idle, queued: 1 }, after, { kind: "abandon", at: 0 }],
    ["archived and quiet: nothing", { ...live, status: "archived" }, idle, after, null],
    ["archived, a message waits: tell, then restore", { ...live, status: "archived" }, { ...idle, queued: 2 }, after, { kind: "announce", at: 0 }],
    ["restoring: restore", { ...live, status: "restoring" }, { ...idle, queued: 1 }, after, { kind: "restore", at: 0 }],
    ["a restore failed: at its retry", { ...live, status: "restoring", retryAt: 7_000 }, { ...idle, queued: 1 }, after, { kind: "restore", at: 7_000 }],
    ["restored, not used yet: the archive is kept", { status: "restored", retryAt: null, restoredAt: 5_000 }, { ...idle, lastRunEndedAt: 900 }, after, null],
    ["restored and a run ended since: forget the archive", { status: "restored", retryAt: null, restoredAt: 5_000 }, { ...idle, lastRunEndedAt: 6_000 }, after, { kind: "forget", at: 0 }],
    ["restored, the run still open: not yet", { status: "restored", retryAt: null, restoredAt: 5_000 }, { ...idle, runOpen: true, lastRunEndedAt: 6_000 }, after, null],
  ])("%s", (_name, row, activity, afterMs, expected) => {
    expect(nextArchiveChore(row, activity, readsOf(activity), afterMs)).toEqual(expected);
  });

  it.each<[string, ArchiveFacts, Demand]>([
    ["a message waits", live, { runOpen: false, queued: 1 }],
    ["a run is open", live, { runOpen: true, queued: 0 }],
    ["restored, a run open", { status: "restored", retryAt: null, restoredAt: 5 }, { runOpen: true, queued: 0 }],
  ])("on a message's way (%s), the costly idle facts are not read", (_name, row, demand) => {
    const unread = () => {
      throw new Error("read");
    };
    expect(nextArchiveChore(row, demand, { idle: unread, lastRunEndedAt: unread }, after)).toBeNull();
  });
});

describe("the archive's settings and holds", () => {
  it.each([
    [7, 7 * DAY],
    [0.00003, 2_592],
    [0.5, DAY / 2],
  ])("ARCHIVE_AFTER_DAYS %s is %s ms", (days, ms) => expect(archiveAfterMs(days)).toBe(ms));

  it.each([
    ["live", false],
    ["archiving", false],
    ["checked", true],
    ["archived", true],
    ["restoring", true],
    ["restored", false],
  ] as const)("runs wait while %s: %s", (status, holds) => expect(archiveHoldsRuns(status)).toBe(holds));

  it.each([
    ["from 30 s", after, 1, 30_000],
    ["doubling", after, 2, 60_000],
    ["from ARCHIVE_AFTER_DAYS when shorter", 2_592, 1, 2_592],
    ["never under 1 s", 10, 1, 1_000],
  ])("backs off %s", (_n, afterMs, failures, ms) => expect(archiveRetryDelayMs(failures, 0.5, afterMs)).toBe(ms));

  it("backs off to 6 h at most, spread by a fifth", () => {
    expect(archiveRetryDelayMs(40, 0.999, after)).toBeLessThanOrEqual(6 * 3_600_000 * 1.2);
    expect(archiveRetryDelayMs(40, 0, after)).toBeGreaterThanOrEqual(6 * 3_600_000 * 0.8);
  });
});
