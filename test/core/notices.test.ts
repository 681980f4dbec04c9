import { describe, expect, it } from "vitest";
import { CHANNELS } from "../../src/channels";
import { ackQueued, agentErrorReply, deliveryFailedNotice, giveUpNotice, nameMessages, stopReply, taskFailureNotice, vmHealthNotice, type VmHealthReport } from "../../src/messages/notices";
import type { GiveUpReason } from "../../src/messages/run-failure";

const said = (...bodies: string[]) => bodies.map((body) => ({ body, scheduleId: null }));

describe("giveUpNotice: names every message it answers", () => {
  it.each([
    ["misconfigured", said("hello there"), "⚠️ Your agent is misconfigured, so your message “hello there” was not processed. The operator has been told; send it again once it is fixed."],
    ["vm_unfit", said("hello there"), "⚠️ Your agent can't run: its machine lacks a permission it needs to keep each user's agent apart, so your message “hello there” was not processed. The operator has been told; send it again once it is fixed."],
    ["auth_failed", said("a", "b"), "⚠️ Your agent can't sign in to Anthropic (authentication failed), so your messages “a”, “b” were not processed. The operator has to fix the API key; then send them again."],
    ["failed_after_retries", said("ping"), "⚠️ I couldn't reach your agent after 6 attempts, so your message “ping” was not processed. Send it again to retry."],
    ["interrupted", said("fix the flaky test"), "⚠️ Your agent was interrupted twice while working on your message “fix the flaky test”, so I stopped retrying. What it sent above is all it produced; send it again to retry."],
    ["time_limit", [{ body: "standup", scheduleId: 4 }], "⚠️ Your agent hit its time limit and was stopped while working on your message task #4. Send a message to continue where it left off."],
  ] as Array<[GiveUpReason, { body: string; scheduleId: number | null }[], string]>)("%s", (reason, messages, expected) => {
    expect(giveUpNotice(reason, messages)).toBe(expected);
  });

  it("says nothing for a cancel: /stop and /deny name what they dropped", () => {
    expect(giveUpNotice("cancelled", said("x"))).toBeNull();
  });

  it("is one line and names nothing internal when the agent is misconfigured", () => {
    expect(giveUpNotice("misconfigured", said("x"))).not.toMatch(/\n|IS_SANDBOX|CLAUDE_BIN|root|stderr/);
  });
});

describe("nameMessages and stopReply", () => {
  it("quotes first words, cuts long ones, counts past five", () => {
    expect(nameMessages(said("a  b\nc", "x".repeat(80)))).toBe(`“a b c”, “${"x".repeat(59)}…”`);
    expect(nameMessages(said("1", "2", "3", "4", "5", "6", "7"))).toBe("“1”, “2”, “3”, “4”, “5” and 2 more");
    // By the user's words: the offline model's directives and chat markup are not what they said.
    expect(nameMessages(said('write hello to notes.txt [[tool Bash {"command":"echo hello > notes.txt"}]]', "*please* hurry"))).toBe("“write hello to notes.txt”, “please hurry”");
  });
  it.each([
    [{ stoppedRun: true, dropped: said("queued behind it", "and this"), deniedApprovals: 0 }, "Stopped. Dropped 2 messages: “queued behind it”, “and this”."],
    [{ stoppedRun: true, dropped: [{ body: "long job", scheduleId: null, how: "batch" as const }, { body: "and this", scheduleId: null, how: "inject" as const }], deniedApprovals: 0 }, "Stopped the run on “long job”. Dropped 1 message: “and this”."],
    [{ stoppedRun: true, dropped: [], deniedApprovals: 0 }, "Stopped."],
    [{ stoppedRun: true, dropped: said("x"), deniedApprovals: 1 }, "Stopped. Dropped 1 message: “x”. Denied 1 pending approval."],
    [{ stoppedRun: false, dropped: said("held by the budget"), deniedApprovals: 0 }, "Nothing was running. Dropped 1 message: “held by the budget”."],
    [{ stoppedRun: false, dropped: [], deniedApprovals: 0 }, "Nothing is running."],
  ])("%o", (input, expected) => {
    expect(stopReply(input)).toBe(expected);
  });
});

describe("taskFailureNotice", () => {
  it.each([
    ["misconfigured", "the agent is misconfigured"],
    ["vm_unfit", "the agent's machine lacks a permission it needs"],
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
    expect(deliveryFailedNotice("21617", CHANNELS.whatsapp.serviceName)).toBe("⚠️ One of my replies could not be delivered (Twilio error 21617). Ask again if you need it.");
  });

  it("names the chat's own channel's service: a Telegram failure is no Twilio error", () => {
    expect(deliveryFailedNotice("400", CHANNELS.telegram.serviceName)).toBe("⚠️ One of my replies could not be delivered (Telegram error 400). Ask again if you need it.");
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

describe("agentErrorReply: the agent's own error, naming what it answers", () => {
  it.each([
    ["one message", "API Error: 500 boom", [{ body: "deploy the api", scheduleId: null }], "⚠️ Your agent hit an error on “deploy the api”: API Error: 500 boom."],
    ["a batch and a task", "overloaded", [{ body: "one", scheduleId: null }, { body: "standup", scheduleId: 3 }], "⚠️ Your agent hit an error on “one”, task #3: overloaded."],
    ["no text from the agent", "  ", [{ body: "x", scheduleId: null }], "⚠️ Your agent hit an error on “x”: it gave no details."],
    ["nothing to name", "boom", [], "⚠️ Your agent hit an error: boom."],
  ])("%s", (_name, text, answered, expected) => {
    expect(agentErrorReply(text, answered)).toBe(expected);
  });
});
