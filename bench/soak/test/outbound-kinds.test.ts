// What each message the relay sends is, read from its text, with notices built by src/messages/notices.ts;
// and which soak message a notice's “…” quote names.
import { describe, expect, it } from "vitest";
import { CHANNELS } from "../../../src/channels";
import { ackQueued, agentErrorReply, deliveryFailedNotice, giveUpNotice, SESSION_LOST, stopReply } from "../../../src/messages/notices";
import type { GiveUpReason } from "../../../src/messages/run-failure";
import { progressUpdateText } from "../../../src/runs/progress-update";
import { classifyOutbound, quoteNames, quotesIn, tokensIn, type OutboundKind } from "../outbound-kinds";

const named = (...texts: string[]) => texts.map((body) => ({ body, scheduleId: null }));
const gaveUp = (reason: GiveUpReason, ...texts: string[]) => giveUpNotice(reason, named(...texts))!;

const reply = (quoted: string, count = 1) => `[offline model] You said: «${quoted}». This conversation has ${count} user message${count === 1 ? "" : "s"}.`;

describe("classifyOutbound", () => {
  it.each<[string, string, OutboundKind]>([
    ["a reply to one message", reply("#1-2"), { kind: "reply", tokens: ["#1-2"] }],
    ["a reply to a batch, directives and all", `${reply("#1-2 [[slow 3000]] #1-3 #1-4", 5).slice(0, -1)}; earlier: «#1-1».`, { kind: "reply", tokens: ["#1-2", "#1-3", "#1-4"] }],
    [
      "a carried turn's reply, the relay's note said apart (its words are not the turn's)",
      `[offline model] You said: «#5-1 [[slow 6366]] #5-2 #5-3 #5-4». The relay told me: «[relay] You already had the 4 messages above in a turn that was interrupted. Check what you already did (files, git status…». This conversation has 4 user messages.`,
      { kind: "reply", tokens: ["#5-1", "#5-2", "#5-3", "#5-4"] },
    ],
    ["a reply whose quote was clipped inside a token", reply("#1-2 #1-3 #1-…"), { kind: "reply", tokens: ["#1-2", "#1-3"] }],
    ["a reply to something else", reply("hello"), { kind: "reply", tokens: [] }],
    ["the acknowledgement", ackQueued(1), { kind: "ack" }],
    ["the acknowledgement naming how many wait", ackQueued(4), { kind: "ack" }],
    ["the session-lost notice", SESSION_LOST, { kind: "session_lost" }],
    ["a give-up quoting the message", gaveUp("failed_after_retries", "#2-7 [[slow 4000]]"), { kind: "notice", reason: "failed_after_retries", quotes: ["#2-7"] }],
    ["a give-up quoting two", gaveUp("failed_after_retries", "#2-7", "#2-8"), { kind: "notice", reason: "failed_after_retries", quotes: ["#2-7", "#2-8"] }],
    [
      "a give-up quoting five of seven",
      gaveUp("misconfigured", "#2-1", "#2-2", "#2-3", "#2-4", "#2-5", "#2-6", "#2-7"),
      { kind: "notice", reason: "misconfigured", quotes: ["#2-1", "#2-2", "#2-3", "#2-4", "#2-5"] },
    ],
    ["an auth failure", gaveUp("auth_failed", "#2-7"), { kind: "notice", reason: "auth_failed", quotes: ["#2-7"] }],
    ["an interruption", gaveUp("interrupted", "#2-7", "#2-9"), { kind: "notice", reason: "interrupted", quotes: ["#2-7", "#2-9"] }],
    ["a time limit", gaveUp("time_limit", "#2-7"), { kind: "notice", reason: "time_limit", quotes: ["#2-7"] }],
    ["/stop's answer naming what it dropped", stopReply({ stoppedRun: true, dropped: named("#1-4", "#1-5 [[slow 2000]]"), deniedApprovals: 0 }), { kind: "notice", reason: "stopped", quotes: ["#1-4", "#1-5"] }],
    ["/stop's answer with nothing running", stopReply({ stoppedRun: false, dropped: named("#1-4"), deniedApprovals: 0 }), { kind: "notice", reason: "stopped", quotes: ["#1-4"] }],
    ["/stop's answer with nothing dropped", stopReply({ stoppedRun: true, dropped: [], deniedApprovals: 0 }), { kind: "other" }],
    ["a reply Twilio refused for good", deliveryFailedNotice("21211", CHANNELS.whatsapp.serviceName), { kind: "notice", reason: "delivery_failed", quotes: [] }],
    ["an agent error", agentErrorReply("overloaded", []), { kind: "notice", reason: "agent_error", quotes: [] }],
    ["an agent error naming its message", agentErrorReply("API Error: 500", named("#2-7")), { kind: "notice", reason: "agent_error", quotes: ["#2-7"] }],
    ["an agent error naming two", agentErrorReply("overloaded", named("#2-7", "#2-9")), { kind: "notice", reason: "agent_error", quotes: ["#2-7", "#2-9"] }],
    [
      "a text notices.ts does not build that quotes messages",
      "Dropped for a reason nobody wrote down: “#1-4”, “#1-5 [[slow 2000]]”",
      { kind: "notice", reason: "unlisted", quotes: ["#1-4", "#1-5 [[slow 2000]]"] },
    ],
    ["a progress update, nothing seen yet", progressUpdateText([], 0, 20_000), { kind: "progress" }],
    ["a progress update with its steps", progressUpdateText(["Running: npm test", "Editing src/a.ts", "Writing src/b.ts"], 0, 4 * 60_000), { kind: "progress" }],
    ["a progress update's words in another text", "Still working (soon), I hope.", { kind: "other" }],
    ["anything else", "⚠️ something new", { kind: "other" }],
  ])("%s", (_, body, kind) => {
    expect(classifyOutbound(body)).toEqual(kind);
  });

  it("knows every give-up notice's wording, for one message or several", () => {
    for (const reason of ["failed_after_retries", "interrupted", "auth_failed", "misconfigured", "time_limit"] as const) {
      expect(classifyOutbound(gaveUp(reason, "#1-1"))).toMatchObject({ kind: "notice", reason });
      expect(classifyOutbound(gaveUp(reason, "#1-1", "#1-2", "#1-3"))).toMatchObject({ kind: "notice", reason });
    }
    // A cancel says nothing by itself: /stop names what it dropped.
    expect(giveUpNotice("cancelled", named("#1-1"))).toBeNull();
  });
});

it.each([
  ["#1-2", ["#1-2"]],
  ["#1-2 #13-140 [[slow 2000]]", ["#1-2", "#13-140"]],
  ["#1-2…", []],
  ["x#1-2 and #3", ["#1-2"]],
])("tokensIn(%j)", (text, tokens) => {
  expect(tokensIn(text)).toEqual(tokens);
});

it.each([
  ["no quote at all", []],
  ["one “a b”.", ["a b"]],
  ["two: “#1-1”, “#1-2 [[slow 3000]]”", ["#1-1", "#1-2 [[slow 3000]]"]],
  ["an empty “”", [""]],
  ["straight \"quotes\" and «guillemets» are not the relay's", []],
])("quotesIn(%j)", (body, quotes) => {
  expect(quotesIn(body)).toEqual(quotes);
});

describe("quoteNames", () => {
  const message = (text: string) => ({ token: text.split(" ")[0]!, text });
  it.each([
    ["its token alone", "#1-2", "#1-2 [[slow 3000]]", true],
    ["its whole text, whitespace collapsed", "#1-2 [[slow 3000]]", "#1-2  [[slow 3000]]\n", true],
    ["its token among other words", "about #1-2 and more", "#1-2", true],
    ["another message's token", "#1-20", "#1-2", false],
    ["a token that is its token's start", "#1-2", "#1-20 [[slow 2000]]", false],
    ["its first words, clipped", "#1-2 [[slow…", "#1-2 [[slow 3000]]", true],
    ["its first word, clipped after it", "#1-2…", "#1-2 [[slow 3000]]", true],
    ["a clip inside its token (could be #1-20)", "#1-…", "#1-2", false],
    ["a clip that is the start of a longer token", "#1-2…", "#1-20 [[slow 3000]]", false],
    // The relay quotes at most 60 characters: a long text is named by its excerpt.
    ["a long text's excerpt", `#1-2 ${"x".repeat(54)}…`, `#1-2 ${"x".repeat(80)}`, true],
    ["another text's first words", "#1-3 [[slow…", "#1-2 [[slow 3000]]", false],
    ["nothing quoted", "", "#1-2", false],
    ["an ellipsis alone", "…", "#1-2", false],
  ])("%s: %j names %j → %s", (_, quote, text, expected) => {
    expect(quoteNames(quote, message(text))).toBe(expected);
  });
});
