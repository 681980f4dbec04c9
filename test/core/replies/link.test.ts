import { describe, expect, it } from "vitest";
import { usersReport, type UserSummary } from "../../../src/core/admin-replies";
import { doorsOf } from "../../../src/core/link-doors";
import { linkedReply, linkRefusedReply, notifyReply, unlinkedReply } from "../../../src/core/replies/link";

const NOW = 1_764_000_000_000;
const summary: UserSummary = { lastActiveAt: null, state: "idle", heldUntil: null, queued: 0, spentTodayUsd: 0, spentMonthUsd: 0, dailyBudgetUsd: 20, budgetSetByAdmin: false, monthlyBudgetUsd: null, timeZone: "UTC" };

describe("what /link and /unlink say", () => {
  it("a link names both doors, masked, and what happens to the Telegram chat's own history", () => {
    const said = linkedReply({ home: "+15550001111", telegramUser: "424242" });
    expect(said).toContain("WhatsApp (+1555***1111) and on Telegram (424242)");
    expect(said).toContain("stays there, untouched, and comes back on /unlink");
    expect(unlinkedReply({ home: "+15550001111", telegramUser: "424242" })).toBe(
      "Unlinked: WhatsApp (+1555***1111) keeps this agent; Telegram (424242) goes back to an agent of its own, with what it had before linking.",
    );
  });

  it.each(["unknown", "expired", "same_channel", "already_linked"] as const)("a %s code is refused in one line", (reason) => {
    const said = linkRefusedReply(reason);
    expect(said.length).toBeGreaterThan(10);
    expect(said).not.toContain("\n");
  });

  it("/notify says where results go, and what to do next", () => {
    expect(notifyReply(null, doorsOf("+15550001111", null))).toContain("/link adds a chat of the other app");
    expect(notifyReply(null, doorsOf("+15550001111", "42"))).toContain("/notify whatsapp or /notify telegram");
    expect(notifyReply("telegram", doorsOf("+15550001111", "42"))).toBe("Scheduled tasks' results go to Telegram. /notify default sends each to the chat that created it.");
  });
});

describe("/users shows each user's doors", () => {
  it.each([
    [{ phone: "+15550001111", telegram: null }, "+15550001111 (config) · never wrote"],
    [{ phone: "+15550001111", telegram: "424242" }, "+15550001111 + Telegram 424242 (config) · never wrote"],
    [{ phone: "tg-777", telegram: null }, "Telegram 777 (config) · never wrote"],
  ])("%j", (user, start) => {
    const lines = usersReport([{ ...user, sources: ["config"], summary }], { denied: [], directoryAnswered: true, now: NOW }).split("\n");
    expect(lines[1]!.startsWith(start)).toBe(true);
  });
});
