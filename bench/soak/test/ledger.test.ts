// The ledger: every accepted message answered exactly once, doubled, told, or lost; table-driven.
import { describe, expect, it } from "vitest";
import { CHANNELS } from "../../../src/channels";
import { ackQueued, agentErrorReply, deliveryFailedNotice, giveUpNotice, stopReply } from "../../../src/messages/notices";
import type { GiveUpReason } from "../../../src/messages/run-failure";
import { progressUpdateText } from "../../../src/runs/progress-update";
import { checkLedger, isSettled, type Outbound, type SentMessage } from "../ledger";

const A = "+15551230001";
const B = "+15551230002";
const msg = (token: string, phone: string, firstPostAt: number, acceptedAt: number | null = firstPostAt + 10, extra = ""): SentMessage => ({
  token,
  phone,
  text: extra ? `${token} ${extra}` : token,
  firstPostAt,
  acceptedAt,
});
const out = (phone: string, body: string, createdAt: number): Outbound => ({ to: `whatsapp:${phone}`, body, createdAt });
const reply = (quoted: string) => `[offline model] You said: «${quoted}». This conversation has 3 user messages; earlier: «#1-0».`;

type Row = [string, SentMessage[], Outbound[], Record<string, string>];

const named = (...texts: string[]) => texts.map((body) => ({ body, scheduleId: null }));
const gaveUp = (reason: GiveUpReason, ...texts: string[]) => giveUpNotice(reason, named(...texts))!;
const stopped = (...texts: string[]) => stopReply({ stoppedRun: true, dropped: named(...texts), deniedApprovals: 0 });
/** A notice of an older wording: it says the run was cut off, and names no message. */
const INTERRUPTED_UNNAMED = "⚠️ Your agent was interrupted before it finished. What it sent above is all it produced; send a message to continue.";

const rows: Row[] = [
  ["one reply each: answered", [msg("#1-1", A, 0), msg("#2-1", B, 0)], [out(A, reply("#1-1"), 500), out(B, reply("#2-1"), 600)], { "#1-1": "answered", "#2-1": "answered" }],
  ["a batch's reply quotes all its messages", [msg("#1-1", A, 0), msg("#1-2", A, 100)], [out(A, ackQueued(1), 150), out(A, reply("#1-1 #1-2"), 900)], { "#1-1": "answered", "#1-2": "answered" }],
  ["two replies quoting it: doubled", [msg("#1-1", A, 0)], [out(A, reply("#1-1"), 500), out(A, reply("#1-1"), 700)], { "#1-1": "doubled" }],
  ["no reply and no notice: lost", [msg("#1-1", A, 0), msg("#1-2", A, 100)], [out(A, reply("#1-2"), 900)], { "#1-1": "lost", "#1-2": "answered" }],
  ["only the acknowledgement: lost", [msg("#1-1", A, 0)], [out(A, ackQueued(1), 50)], { "#1-1": "lost" }],
  ["a notice quoting its text: told", [msg("#1-1", A, 0, 10, "[[slow 3000]]")], [out(A, gaveUp("failed_after_retries", "#1-1 [[slow 3000]]"), 900)], { "#1-1": "told" }],
  ["a notice quoting its first words, clipped: told", [msg("#1-1", A, 0, 10, "[[slow 3000]]")], [out(A, gaveUp("failed_after_retries", "#1-1 [[slow…"), 900)], { "#1-1": "told" }],
  ["a notice quoting its token: told", [msg("#1-1", A, 0, 10, "[[slow 3000]]")], [out(A, gaveUp("auth_failed", "#1-1"), 900)], { "#1-1": "told" }],
  ["a notice quoting each of several: all told", [msg("#1-1", A, 0), msg("#1-2", A, 100), msg("#1-3", A, 200)], [out(A, stopped("#1-1", "#1-3"), 900)], { "#1-1": "told", "#1-2": "lost", "#1-3": "told" }],
  ["a notice quoting a batch's first message no longer tells the later ones", [msg("#1-1", A, 0), msg("#1-2", A, 100)], [out(A, gaveUp("failed_after_retries", "#1-1"), 900)], { "#1-1": "told", "#1-2": "lost" }],
  ["a notice quoting both of a batch tells both", [msg("#1-1", A, 0), msg("#1-2", A, 100)], [out(A, gaveUp("failed_after_retries", "#1-1", "#1-2"), 900)], { "#1-1": "told", "#1-2": "told" }],
  ["a notice quoting a later message does not tell an earlier one", [msg("#1-1", A, 0), msg("#1-2", A, 100)], [out(A, gaveUp("failed_after_retries", "#1-2"), 900)], { "#1-1": "lost", "#1-2": "told" }],
  ["a notice quoting a message whose token starts like its own tells only that one", [msg("#1-1", A, 0), msg("#1-10", A, 100)], [out(A, gaveUp("failed_after_retries", "#1-10"), 900)], { "#1-1": "lost", "#1-10": "told" }],
  ["a notice quoting an answered message tells nothing about another", [msg("#1-1", A, 0), msg("#1-2", A, 100)], [out(A, reply("#1-1"), 500), out(A, gaveUp("failed_after_retries", "#1-1"), 900)], { "#1-1": "answered", "#1-2": "lost" }],
  ["a notice quoting nothing tells nothing: an interruption", [msg("#1-1", A, 0)], [out(A, INTERRUPTED_UNNAMED, 900)], { "#1-1": "lost" }],
  ["an interruption quoting it: told", [msg("#1-1", A, 0)], [out(A, gaveUp("interrupted", "#1-1"), 900)], { "#1-1": "told" }],
  [
    "a notice naming five and “2 more” tells only the five it quotes",
    ["#1-1", "#1-2", "#1-3", "#1-4", "#1-5", "#1-6", "#1-7"].map((t, i) => msg(t, A, i * 10)),
    [out(A, gaveUp("failed_after_retries", "#1-1", "#1-2", "#1-3", "#1-4", "#1-5", "#1-6", "#1-7"), 900)],
    { "#1-1": "told", "#1-2": "told", "#1-3": "told", "#1-4": "told", "#1-5": "told", "#1-6": "lost", "#1-7": "lost" },
  ],
  ["a notice quoting nothing tells nothing: an undeliverable reply", [msg("#1-1", A, 0)], [out(A, deliveryFailedNotice("21211", CHANNELS.whatsapp.serviceName), 900)], { "#1-1": "lost" }],
  ["a notice quoting nothing tells nothing: an agent error", [msg("#1-1", A, 0)], [out(A, agentErrorReply("overloaded", []), 900)], { "#1-1": "lost" }],
  ["an agent error quoting the message tells it", [msg("#1-1", A, 0), msg("#1-2", A, 0)], [out(A, agentErrorReply("API Error: 500", [{ body: "#1-1", scheduleId: null }]), 900)], { "#1-1": "told", "#1-2": "lost" }],
  ["a notice from before it was sent tells nothing", [msg("#1-1", A, 1_000)], [out(A, gaveUp("failed_after_retries", "#1-1"), 900)], { "#1-1": "lost" }],
  ["another phone's notice tells nothing, though it quotes the token", [msg("#1-1", A, 0)], [out(B, gaveUp("failed_after_retries", "#1-1"), 900)], { "#1-1": "lost" }],
  ["another phone's reply answers nothing", [msg("#1-1", A, 0)], [out(B, reply("#1-1"), 900)], { "#1-1": "lost" }],
  ["a reply and a notice quoting it: answered", [msg("#1-1", A, 0)], [out(A, reply("#1-1"), 500), out(A, gaveUp("failed_after_retries", "#1-1"), 600)], { "#1-1": "answered" }],
];

describe("checkLedger", () => {
  it.each(rows)("%s", (_, messages, outbound, expected) => {
    const ledger = checkLedger(messages, outbound);
    expect(Object.fromEntries(ledger.verdicts.map((v) => [v.token, v.outcome]))).toEqual(expected);
  });

  it("counts outcomes, latency from acceptance to the first reply, and what it could not place", () => {
    const ledger = checkLedger(
      [msg("#1-1", A, 0, 100), msg("#1-2", A, 1_000, 1_050), msg("#1-3", A, 2_000, null), msg("#2-1", B, 0, 30)],
      [out(A, reply("#1-1"), 600), out(A, reply("#1-2"), 1_550), out(A, reply("#1-2"), 1_800), out(A, reply("#1-3"), 2_500), out(B, "hello?", 50), out(A, ackQueued(2), 1_010), out(A, progressUpdateText([], 0, 20_000), 1_020)],
    );
    expect(ledger).toMatchObject({ accepted: 3, refused: 1, answered: 1, doubled: 1, told: 0, lost: 1, latenciesMs: [500, 500] });
    expect(ledger.outbound).toEqual({ replies: 4, acks: 1, notices: 0, unlistedNotices: 0, sessionLost: 0, progress: 1, other: 1 });
    expect(ledger.otherBodies).toEqual(["hello?"]);
    // A reply to a message whose webhook never got a 200.
    expect(ledger.strayTokens).toEqual(["#1-3"]);
    expect(isSettled(ledger)).toBe(false);
  });

  it("says which notice told it, and counts notices notices.ts does not build", () => {
    const ledger = checkLedger(
      [msg("#1-1", A, 0), msg("#1-2", A, 10), msg("#1-3", A, 20)],
      [out(A, gaveUp("failed_after_retries", "#1-1"), 500), out(A, stopped("#1-2"), 600), out(A, "Gone, for reasons: “#1-3”", 700)],
    );
    expect(ledger.verdicts.map((v) => [v.token, v.outcome, v.toldBy])).toEqual([
      ["#1-1", "told", "failed_after_retries"],
      ["#1-2", "told", "stopped"],
      ["#1-3", "told", "unlisted"],
    ]);
    expect(ledger.outbound).toMatchObject({ notices: 3, unlistedNotices: 1, other: 0 });
  });

  it("says which notices a lost message's phone got that did not quote it", () => {
    const ledger = checkLedger([msg("#1-1", A, 0), msg("#1-2", A, 100)], [out(A, INTERRUPTED_UNNAMED, 50), out(A, gaveUp("failed_after_retries", "#1-1"), 900)]);
    expect(ledger.verdicts.map((v) => [v.token, v.outcome, v.unnamedIn])).toEqual([
      ["#1-1", "told", []],
      ["#1-2", "lost", ["failed_after_retries"]],
    ]);
  });

  it("reads replies in creation order whatever order they are listed in", () => {
    const ledger = checkLedger([msg("#1-1", A, 0, 0)], [out(A, reply("#1-1"), 900), out(A, reply("#1-1"), 300)]);
    expect(ledger.verdicts[0]).toMatchObject({ outcome: "doubled", latencyMs: 300 });
  });

  it("is settled once nothing accepted is left without an answer or a notice", () => {
    expect(isSettled(checkLedger([msg("#1-1", A, 0)], [out(A, reply("#1-1"), 500)]))).toBe(true);
    expect(isSettled(checkLedger([msg("#1-1", A, 0, null)], []))).toBe(true);
  });
});
