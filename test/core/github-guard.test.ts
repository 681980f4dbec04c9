import { describe, expect, it } from "vitest";
import { canAskAgent, eventPrefix, runApprovals, type RunEvent } from "../../src/messages/event-guard";
import type { ApprovalsOption } from "../../src/protocol/vm/approvals";

const TIMEOUT = 600_000;
const trusted = (repo: string) => repo === "acme/api";
const issue: RunEvent = { label: "acme/api#12 issue", repo: "acme/api" };
const stranger: RunEvent = { label: "evil/x#1 issue", repo: "evil/x" };
const trigger: RunEvent = { label: "trigger deploy-check", repo: null };
const strict: ApprovalsOption = { mode: "on", timeoutMs: TIMEOUT, untrusted: true };
const edits: ApprovalsOption = { mode: "edits", timeoutMs: TIMEOUT };

describe("runApprovals: a run of someone else's text asks before every action", () => {
  it.each<[string, ApprovalsOption | undefined, RunEvent[], ApprovalsOption | undefined]>([
    ["the user's own run, mode off", undefined, [], undefined],
    ["the user's own run, mode edits", edits, [], edits],
    ["an untrusted repository's event, mode off", undefined, [stranger], strict],
    ["an untrusted repository's event, mode edits", edits, [stranger], strict],
    ["a trusted repository's event keeps mode off", undefined, [issue], undefined],
    ["a trusted repository's event keeps mode edits", edits, [issue], edits],
    ["a trigger, whatever the mode", undefined, [trigger], strict],
    ["a trusted event beside an untrusted one", edits, [issue, stranger], strict],
  ])("%s", (_name, conversation, events, expected) => {
    expect(runApprovals(conversation, events, trusted, TIMEOUT)).toEqual(expected);
  });
});

describe("canAskAgent: /agent needs write access", () => {
  it.each<[Parameters<typeof canAskAgent>[0], boolean]>([
    ["admin", true],
    ["maintain", true],
    ["write", true],
    ["triage", false],
    ["read", false],
    ["none", false],
    [null, false],
  ])("%s → %s", (permission, allowed) => {
    expect(canAskAgent(permission)).toBe(allowed);
  });
});

describe("eventPrefix", () => {
  it.each<[RunEvent[], string]>([
    [[], ""],
    [[issue], "[acme/api#12 issue] "],
    [[issue, issue], "[acme/api#12 issue] "],
    [[issue, trigger], "[acme/api#12 issue, trigger deploy-check] "],
  ])("%j → %j", (events, expected) => {
    expect(eventPrefix(events)).toBe(expected);
  });
});
