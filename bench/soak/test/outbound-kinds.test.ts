// What each message the relay sends is, read from its text, with notices built by src/core/notices.ts.
import { expect, it } from "vitest";
import { ackQueued, agentErrorReply, deliveryFailedNotice, giveUpNotice, SESSION_LOST } from "../../../src/core/notices";
import { classifyOutbound, noticeNames, tokensIn, type OutboundKind } from "../outbound-kinds";

const reply = (quoted: string, count = 1) => `[offline model] You said: «${quoted}». This conversation has ${count} user message${count === 1 ? "" : "s"}.`;

it.each<[string, string, OutboundKind]>([
  ["a reply to one message", reply("#1-2"), { kind: "reply", tokens: ["#1-2"] }],
  ["a reply to a batch, directives and all", `${reply("#1-2 [[slow 3000]] #1-3 #1-4", 5).slice(0, -1)}; earlier: «#1-1».`, { kind: "reply", tokens: ["#1-2", "#1-3", "#1-4"] }],
  ["a reply whose quote was clipped inside a token", reply("#1-2 #1-3 #1-…"), { kind: "reply", tokens: ["#1-2", "#1-3"] }],
  ["a reply to something else", reply("hello"), { kind: "reply", tokens: [] }],
  ["the acknowledgement", ackQueued(1), { kind: "ack" }],
  ["the acknowledgement naming how many wait", ackQueued(4), { kind: "ack" }],
  ["the session-lost notice", SESSION_LOST, { kind: "session_lost" }],
  ["a give-up naming the message", giveUpNotice("failed_after_retries", "#2-7 [[slow 4000]]"), { kind: "notice", reason: "failed_after_retries", names: "#2-7 [[slow 4000]]" }],
  ["a give-up naming none", giveUpNotice("failed_after_retries", null), { kind: "notice", reason: "failed_after_retries", names: null }],
  ["an auth failure", giveUpNotice("auth_failed", "#2-7"), { kind: "notice", reason: "auth_failed", names: "#2-7" }],
  ["an interruption", giveUpNotice("interrupted", "#2-7"), { kind: "notice", reason: "interrupted", names: null }],
  ["a time limit", giveUpNotice("time_limit", null), { kind: "notice", reason: "time_limit", names: null }],
  ["a reply Twilio refused for good", deliveryFailedNotice("21211"), { kind: "notice", reason: "delivery_failed", names: null }],
  ["an agent error", agentErrorReply("overloaded"), { kind: "notice", reason: "agent_error", names: null }],
  ["anything else", "⚠️ something new", { kind: "other" }],
])("%s", (_, body, kind) => {
  expect(classifyOutbound(body)).toEqual(kind);
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
  ["#1-2 [[slow 3000]]", "#1-2  [[slow 3000]]\n", true],
  ["#1-2", "#1-2", true],
  ["#1-2", "#1-20", false],
  // The relay quotes at most 60 characters: a long text is named by its excerpt.
  [`#1-2 ${"x".repeat(54)}…`, `#1-2 ${"x".repeat(80)}`, true],
])("noticeNames(%j, %j)", (names, text, expected) => {
  expect(noticeNames(names, text)).toBe(expected);
});
