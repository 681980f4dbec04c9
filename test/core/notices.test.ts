import { describe, expect, it } from "vitest";
import { ackQueued, deliveryFailedNotice, giveUpNotice, taskFailureNotice, vmHealthNotice, type VmHealthReport } from "../../src/core/notices";
import type { GiveUpReason } from "../../src/core/run-policy";

describe("giveUpNotice", () => {
  it.each([
    ["misconfigured", "hello there", "⚠️ Your agent is misconfigured, so your message “hello there” was not processed. The operator has been told; send it again once it is fixed."],
    ["misconfigured", null, "⚠️ Your agent is misconfigured, so your message was not processed. The operator has been told; send it again once it is fixed."],
    ["auth_failed", null, "⚠️ Your agent can't sign in to Anthropic (authentication failed), so your message was not processed. The operator has to fix the API key; then send it again."],
  ] as Array<[GiveUpReason, string | null, string]>)("%s, first message %s", (reason, first, expected) => {
    expect(giveUpNotice(reason, first)).toBe(expected);
  });

  it("is one line and names nothing internal when the agent is misconfigured", () => {
    const notice = giveUpNotice("misconfigured", "x");
    expect(notice).not.toMatch(/\n|IS_SANDBOX|CLAUDE_BIN|root|stderr/);
  });
});

describe("taskFailureNotice", () => {
  it.each([
    ["misconfigured", "the agent is misconfigured"],
    ["auth_failed", "the agent can't sign in to Anthropic"],
    ["time_limit", "it hit its time limit"],
    ["failed_after_retries", "the agent could not be reached or crashed"],
  ] as Array<[GiveUpReason, string]>)("%s says why", (reason, why) => {
    expect(taskFailureNotice([3, 7], reason)).toContain(`Scheduled task #3, #7 failed (${why}).`);
  });
});

describe("ackQueued", () => {
  it.each([
    [1, "Got it, I'll process this next."],
    [2, "Got it: 2 messages are waiting, and I'll process them next."],
    [25, "Got it: 25 messages are waiting, and I'll process them next."],
  ])("%i waiting", (waiting, expected) => {
    expect(ackQueued(waiting)).toBe(expected);
  });
});

describe("deliveryFailedNotice", () => {
  it("names Twilio's code and nothing of the lost text", () => {
    expect(deliveryFailedNotice("21617")).toBe("⚠️ One of my replies could not be delivered (Twilio error 21617). Ask again if you need it.");
  });
});

describe("vmHealthNotice", () => {
  it.each<[string, VmHealthReport | null, string]>([
    ["not configured", null, "The agent VM is not configured (VM_URL, VM_TOKEN)."],
    ["healthy", { ok: true, ms: 12, problem: null }, "The agent VM answered in 12 ms."],
    [
      "answers but cannot run its CLI",
      { ok: true, ms: 9, problem: "CLAUDE_BIN /opt/claude does not exist" },
      "The agent VM answered in 9 ms, but it cannot run the agent: CLAUDE_BIN /opt/claude does not exist",
    ],
    ["unreachable", { ok: false, failure: "unreachable", detail: "connect ECONNREFUSED" }, "The agent VM did not answer: unreachable (connect ECONNREFUSED)."],
  ])("%s", (_name, health, expected) => {
    expect(vmHealthNotice(health)).toBe(expected);
  });
});
