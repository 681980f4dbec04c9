import { describe, expect, it } from "vitest";
import { type ArchiveView, archiveLine, machinesReport } from "../../src/machines/machine-report";
import { usersReport } from "../../src/admin/admin-replies";

const NOW = Date.UTC(2026, 10, 26, 9);
const DAY = 86_400_000;

describe("archiveLine: what /vm and /users say of a user's archive", () => {
  it.each<[string, ArchiveView | null, string | null]>([
    ["none", null, null],
    ["archived: its age and size", { status: "archived", archivedAt: NOW - 9 * DAY, bytes: 4_400_000, lastError: null }, "archive: archived 9 d ago, 4.2 MB"],
    ["a failed attempt: the last error", { status: "archiving", archivedAt: null, bytes: null, lastError: "archive: R2 refused part user.json" }, "archive: being archived · last error: archive: R2 refused part user.json"],
    ["the destroy refused: checked, the error", { status: "checked", archivedAt: NOW - 60_000, bytes: 900, lastError: "discard: unavailable 503" }, "archive: archived, Machine being deleted 1 min ago, 900 B · last error: discard: unavailable 503"],
    ["restored, kept until used", { status: "restored", archivedAt: NOW - 2 * DAY, bytes: 2048, lastError: null }, "archive: restored, archive kept until used 2 d ago, 2.0 KB"],
  ])("%s", (_n, view, expected) => expect(archiveLine(view, NOW)).toBe(expected));

  it("/vm names the archive beside the Machine", () => {
    const report = machinesReport({ users: [{ phone: "+15550000380", machine: null, archive: { status: "archived", archivedAt: NOW - DAY, bytes: 1024, lastError: null } }], orphans: { machines: [], volumes: [] }, app: "agents", now: NOW });
    expect(report.split("\n")[1]).toBe("+15550000380 · no Machine yet · archive: archived 24 h ago, 1.0 KB");
  });

  it("/users names it too, in shared mode as well", () => {
    const summary = { lastActiveAt: NOW - 8 * DAY, state: "idle" as const, heldUntil: null, queued: 0, spentTodayUsd: 0, spentMonthUsd: 0, dailyBudgetUsd: 20, budgetSetByAdmin: false, monthlyBudgetUsd: null, timeZone: "UTC", archive: { status: "archived" as const, archivedAt: NOW - DAY, bytes: 10, lastError: null } };
    const text = usersReport([{ phone: "+15550000381", sources: ["config"], summary }], { denied: [], directoryAnswered: true, now: NOW });
    expect(text).toContain("· archive: archived 24 h ago, 10 B");
  });
});
