import { describe, expect, it } from "vitest";
import { accessRevokedNotice, budgetReply, revokedReply, type UserSummary, usersReport } from "../../src/admin/admin-replies";

const NOW = Date.UTC(2026, 10, 22, 12, 0);
const base: UserSummary = {
  lastActiveAt: NOW - 5 * 60_000,
  state: "idle",
  heldUntil: null,
  queued: 0,
  spentTodayUsd: 0.42,
  spentMonthUsd: 3.1,
  dailyBudgetUsd: 20,
  budgetSetByAdmin: false,
  monthlyBudgetUsd: null,
  timeZone: "UTC",
};

describe("usersReport", () => {
  it("one line per user, then the denied numbers", () => {
    const text = usersReport(
      [
        { phone: "+15550001900", sources: ["admin"], summary: base },
        { phone: "+15550001901", sources: ["config"], summary: { ...base, lastActiveAt: null, state: "busy", queued: 2 } },
        { phone: "+15550001902", sources: ["allowlist"], summary: { ...base, state: "held", heldUntil: Date.UTC(2026, 10, 23), queued: 1, dailyBudgetUsd: 0.4, budgetSetByAdmin: true, monthlyBudgetUsd: 100 } },
        { phone: "+15550001903", sources: ["allowlist"], summary: null },
      ],
      { denied: ["+15550001904"], directoryAnswered: true, now: NOW },
    );
    expect(text.split("\n")).toEqual([
      "Users (4):",
      "+15550001900 (admin) · active 5 min ago · idle · today $0.42, month $3.10 · budget $20.00/day",
      "+15550001901 (config) · never wrote · busy, 2 waiting · today $0.42, month $3.10 · budget $20.00/day",
      "+15550001902 (allowlist) · active 5 min ago · held by budget until Mon 23 Nov 00:00, 1 waiting · today $0.42, month $3.10 · budget $0.40/day (set by an admin), $100.00/month",
      "+15550001903 (allowlist) · its agent did not answer",
      "Denied: +15550001904.",
    ]);
  });

  it("names a chat that stopped taking messages, with what the app said", () => {
    const stopped = { ...base, stoppedChats: [{ channel: "telegram", chat: "7006", detail: "Forbidden: bot was blocked by the user" }] };
    expect(usersReport([{ phone: "tg-7006", sources: ["allowlist"], summary: stopped }], { denied: [], directoryAnswered: true, now: NOW }).split("\n")[1]).toBe(
      "Telegram 7006 (allowlist) · active 5 min ago · idle · today $0.42, month $3.10 · budget $20.00/day · 📵 telegram chat 7006 stopped (Forbidden: bot was blocked by the user)",
    );
  });

  it("says when the directory did not answer", () => {
    expect(usersReport([], { denied: [], directoryAnswered: false, now: NOW })).toBe(
      "Users (0):\n⚠️ The directory did not answer: numbers allowed with /allow are missing from this list.",
    );
  });
});

describe("what /deny says", () => {
  it.each([
    [{ dropped: 0, stoppedRun: false, pausedTasks: 0 }, "🚫 An admin has removed your access to this agent. Messages you send now are not read."],
    [{ dropped: 2, stoppedRun: true, pausedTasks: 1 }, "🚫 An admin has removed your access to this agent: I stopped the current run, dropped 2 waiting messages and paused 1 scheduled task. Messages you send now are not read."],
    [{ dropped: 1, stoppedRun: false, pausedTasks: 0 }, "🚫 An admin has removed your access to this agent: I dropped 1 waiting message. Messages you send now are not read."],
  ])("to the user: %j", (r, text) => {
    expect(accessRevokedNotice(r)).toBe(text);
  });

  it.each([
    [{ already: false, dropped: 2, stoppedRun: true, pausedTasks: 0 }, "Denied +15550001905: its run stopped and 2 waiting messages dropped; they were told once."],
    [{ already: false, dropped: 0, stoppedRun: false, pausedTasks: 3 }, "Denied +15550001905: 3 scheduled tasks paused; they were told once."],
    [{ already: false, dropped: 0, stoppedRun: false, pausedTasks: 0 }, "Denied +15550001905: nothing was waiting; they were told once."],
    [{ already: true, dropped: 0, stoppedRun: false, pausedTasks: 0 }, "+15550001905 was already denied; nothing was waiting."],
  ])("to the admin: %j", (r, text) => {
    expect(revokedReply("+15550001905", r)).toBe(text);
  });
});

describe("what /budget says", () => {
  it.each([
    [{ dailyUsd: 50, setByAdmin: true, spentTodayUsd: 3.2, heldBefore: true, heldNow: false, queued: 2 }, "Daily budget of +15550001905 is now $50.00 a day; spent today $3.20. Released: 2 waiting messages run now."],
    [{ dailyUsd: 1, setByAdmin: true, spentTodayUsd: 3.2, heldBefore: false, heldNow: true, queued: 0 }, "Daily budget of +15550001905 is now $1.00 a day; spent today $3.20. The cap is reached: new runs wait for its reset."],
    [{ dailyUsd: 20, setByAdmin: false, spentTodayUsd: 0, heldBefore: false, heldNow: false, queued: 0 }, "Daily budget of +15550001905 is now $20.00 a day (the configured default); spent today $0.00."],
  ])("%j", (c, text) => {
    expect(budgetReply("+15550001905", c)).toBe(text);
  });
});
