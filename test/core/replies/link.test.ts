import { describe, expect, it } from "vitest";
import { usersReport, type UserSummary } from "../../../src/admin/admin-replies";
import { doorsOf, openLinkRequest } from "../../../src/directory/link-doors";
import { doorChangedNotice, LINK_ALREADY, linkAsk, linkedReply, linkedThereNotice, linkRefusedReply, linkRefusedThereNotice, linkWaitingReply, notifyReply, unlinkedReply } from "../../../src/directory/link-replies";

const NOW = 1_764_000_000_000;
const TG_CHAT = { channel: "telegram" as const, chat: "424242" };
const TG_42 = { channel: "telegram" as const, chat: "42" };
const summary: UserSummary = { lastActiveAt: null, state: "idle", heldUntil: null, queued: 0, spentTodayUsd: 0, spentMonthUsd: 0, dailyBudgetUsd: 20, budgetSetByAdmin: false, monthlyBudgetUsd: null, timeZone: "UTC" };

describe("what /link and /unlink say", () => {
  it("a link names both doors, masked, and what happens to the Telegram chat's own history", () => {
    const said = linkedReply({ home: "+15550001111", chat: TG_CHAT, pausedTasks: 0 });
    expect(said).toContain("WhatsApp (+1555***1111) and on Telegram (424242)");
    expect(said.split("\n").at(-1)).toBe("What the Telegram chat had with an agent of its own before stays there, untouched, and comes back on /unlink.");
    expect(linkedReply({ home: "+15550001111", chat: TG_CHAT, pausedTasks: 2 })).toContain(
      "comes back on /unlink. Its 2 scheduled tasks are paused; after /unlink, /schedule resume <id> starts them again.",
    );
    expect(linkedReply({ home: "+15550001111", chat: TG_CHAT, pausedTasks: 1 })).toContain("Its 1 scheduled task is paused; after /unlink, /schedule resume <id> starts it again.");
    expect(linkedReply({ home: "+15550001111", chat: TG_CHAT, pausedTasks: null })).toContain("could not be paused just now");
    expect(unlinkedReply({ home: "+15550001111", chat: TG_CHAT })).toBe(
      "Unlinked: WhatsApp (+1555***1111) keeps this agent; Telegram (424242) goes back to an agent of its own, with what it had before linking.",
    );
  });

  it.each([
    [{ now: TG_42, before: null }, "🔗 Telegram (42) now reaches this agent too. /unlink separates them."],
    [{ now: null, before: TG_42 }, "Telegram (42) no longer reaches this agent."],
    [{ now: TG_42, before: { ...TG_42 } }, null],
    [{ now: null, before: null }, null],
  ])("the home's own chat is told of a change made from the other: %j", (change, notice) => {
    expect(doorChangedNotice(change)).toBe(notice);
  });

  it("a chat linked already is told which doors its agent has", () => {
    expect(LINK_ALREADY).toBe("This agent already has a WhatsApp and a Telegram door. /unlink separates them; then /link gives a new code.");
  });

  it("a link names how /notify picks one app", () => {
    expect(linkedReply({ home: "+15550001111", chat: TG_CHAT, pausedTasks: 0 }).split("\n")[1]).toBe(
      "A reply goes to the chat you wrote from; a scheduled task's result to the chat that created it (/notify whatsapp|telegram picks one for all).",
    );
  });

  it.each(["unknown", "expired", "same_channel", "already_linked"] as const)("a %s code is refused in one line", (reason) => {
    const said = linkRefusedReply(reason);
    expect(said.length).toBeGreaterThan(10);
    expect(said).not.toContain("\n");
  });

  it("/notify says where results go, and what to do next", () => {
    expect(notifyReply(null, doorsOf("+15550001111", null))).toContain("/link adds a chat of the other app");
    expect(notifyReply(null, doorsOf("+15550001111", TG_42))).toContain("/notify whatsapp or /notify telegram");
    expect(notifyReply("telegram", doorsOf("+15550001111", TG_42))).toBe("Scheduled tasks' results go to Telegram. /notify default sends each to the chat that created it.");
  });
});

describe("/users shows each user's doors", () => {
  it.each([
    [{ phone: "+15550001111", linked: null }, "+15550001111 (config) · never wrote"],
    [{ phone: "+15550001111", linked: { channel: "telegram" as const, chat: "424242" } }, "+15550001111 + Telegram 424242 (config) · never wrote"],
    [{ phone: "tg-777", linked: null }, "Telegram 777 (config) · never wrote"],
  ])("%j", (user, start) => {
    const lines = usersReport([{ ...user, sources: ["config"], summary }], { denied: [], directoryAnswered: true, now: NOW }).split("\n");
    expect(lines[1]!.startsWith(start)).toBe(true);
  });
});

describe("what a /link request asks and answers: one line each, naming the other chat's app and account", () => {
  const WA = { channel: "whatsapp" as const, chat: "+15550001111" };
  // A Telegram user's code sent from the phone: the Telegram chat would join the phone's agent.
  const code = { code: "ABCDEF", issuedBy: TG_CHAT, home: "tg-424242", expiresAt: NOW };
  const request = openLinkRequest(code, { chat: WA, home: WA.chat }, { chat: TG_CHAT, home: WA.chat }, NOW);
  it.each<[string, string]>([
    [linkAsk(request, "redeemer"), "🔗 Link request: Telegram (424242) would reach this agent, its conversations, files and budget, as you. /link yes to confirm, /link no to refuse, within 10 minutes; nothing is joined until both chats say yes."],
    [linkAsk(request, "issuer"), "🔗 Link request: this chat would reach the agent of WhatsApp (+1555***1111) instead of its own (yours stays, unused, until /unlink). /link yes to confirm, /link no to refuse, within 10 minutes; nothing is joined until both chats say yes."],
    [linkWaitingReply(request, "redeemer"), "Confirmed here; waiting for Telegram (424242) to send /link yes."],
    [linkWaitingReply(request, "issuer"), "Confirmed here; waiting for WhatsApp (+1555***1111) to send /link yes."],
    [linkRefusedThereNotice(request, "redeemer"), "WhatsApp (+1555***1111) said no: nothing was joined."],
    [linkedThereNotice(request), "🔗 Linked: this chat now reaches the agent of WhatsApp (+1555***1111). /unlink separates them."],
  ])("%s", (said, expected) => {
    expect(said).toBe(expected);
    expect(said).not.toContain("\n");
  });
});
