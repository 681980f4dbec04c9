// /handoff decided, pure: the command's words, a code's life (read, taken once, expired, revoked,
// another conversation's), the reply's shell line alone in a code block, and the script's text.
import { describe, expect, it } from "vitest";
import { parseCommand, type ParsedCommand } from "../../src/commands/commands";
import { arrivedNotice, backNotice, handoffBlocked, handbackConflictNotice, handbackFailedNotice, handoffFailedNotice, handoffNewFailedNotice, checkHandoffCode, awayButtons, awayQuestionOf, conflictButtons, conflictQuestionOf, handoffNewReply, handoffReply, handoffRefusalLine, handoffStatus, HANDOFF_TTL_MS, type HandoffCodeRow } from "../../src/handoff/handoff";
import { handbackScript, handoffNewScript, handoffScript } from "../../src/handoff/handoff-scripts";

describe("parseCommand: /handoff", () => {
  it.each<[string, ParsedCommand]>([
    ["/handoff", { type: "handoff", action: "out" }],
    ["/HANDOFF", { type: "handoff", action: "out" }],
    ["/handoff back", { type: "handoff", action: "back" }],
    ["/handoff new laptop-work", { type: "handoff", action: "new", name: "laptop-work" }],
    ["/handoff now", { type: "invalid", reason: "/handoff takes nothing, back, or new <name>, not “now”." }],
    ["/handoff back please", { type: "invalid", reason: "/handoff takes nothing, back, or new <name>, not “back please”." }],
    ["/handoff new", { type: "invalid", reason: "/handoff new takes the new conversation's name: letters, digits, - and _, 1-32 of them." }],
    ["/handoff new two words", { type: "invalid", reason: "/handoff new takes the new conversation's name: letters, digits, - and _, 1-32 of them." }],
  ])("%j", (text, command) => expect(parseCommand(text)).toEqual(command));
});

describe("checkHandoffCode", () => {
  const now = 1_000_000;
  const row: HandoffCodeRow = { conversationId: 2, direction: "out", epoch: 3, expiresAt: now + HANDOFF_TTL_MS, usedAt: null, newName: null };
  const newRow: HandoffCodeRow = { ...row, conversationId: 0, direction: "new", newName: "laptop-work" };
  const at = { now, epoch: 3, conversationExists: true };
  it.each<[string, HandoffCodeRow | null, typeof at, "read" | "take", ReturnType<typeof checkHandoffCode>]>([
    ["a fresh code, read", row, at, "read", null],
    ["a fresh code, taken", row, at, "take", null],
    ["no such code", null, at, "take", "unknown"],
    ["its conversation deleted", row, { ...at, conversationExists: false }, "read", "unknown"],
    ["used, taken again", { ...row, usedAt: now - 1 }, at, "take", "used"],
    ["used, its script read again", { ...row, usedAt: now - 1 }, at, "read", null],
    ["at its expiry", row, { ...at, now: row.expiresAt }, "read", "expired"],
    ["after /web revoke", row, { ...at, epoch: 4 }, "take", "revoked"],
    ["revoked and expired: revoked", row, { ...at, epoch: 4, now: row.expiresAt + 1 }, "take", "revoked"],
  ])("%s", (_what, r, a, use, want) => expect(checkHandoffCode(r, a, use)).toBe(want));

  it.each<[string, HandoffCodeRow, "out" | "back" | "new" | undefined, ReturnType<typeof checkHandoffCode>]>([
    ["a /handoff new code, which has no conversation yet, read", newRow, undefined, null],
    ["a /handoff new code, taken as one", newRow, "new", null],
    ["a /handoff new code, taken as a hand-back", newRow, "back", "unknown"],
    ["a /handoff code, taken as a /handoff new", row, "new", "unknown"],
    ["a /handoff new code, used", { ...newRow, usedAt: now - 1 }, "new", "used"],
    ["a /handoff new code, expired", { ...newRow, expiresAt: now }, "new", "expired"],
    ["a /handoff new code, revoked", { ...newRow, epoch: 2 }, "new", "revoked"],
  ])("%s", (_what, r, direction, want) => expect(checkHandoffCode(r, { ...at, conversationExists: r.direction !== "new" }, "take", direction)).toBe(want));

  it.each([["unknown", 404], ["used", 410], ["expired", 410], ["revoked", 410]] as const)("%s answers %i", (refusal, status) => expect(handoffStatus(refusal)).toBe(status));
});

describe("handoffReply", () => {
  const text = handoffReply({ conversation: "api", url: "https://relay.example/h/AbC", ttlMinutes: 15 });
  it("holds the shell line alone in a code block", () => {
    const block = /```\n(.*)\n```/.exec(text);
    expect(block?.[1]).toBe("curl -sS https://relay.example/h/AbC | sh");
  });
  it("says how to read the script first, for how long the code works, and how to end it", () => {
    expect(text).toContain("To read the script first: curl -sS https://relay.example/h/AbC");
    expect(text).toContain("15 minutes");
    expect(text).toContain("/web revoke");
  });
});

describe("on a relay with the offline model", () => {
  it("the reply names the two settings, and the script prints them before the claude line and answers a fresh HOME's first-run questions", () => {
    expect(handoffReply({ conversation: "main", url: "https://r/h/a", ttlMinutes: 15, offlineModelUrl: "http://127.0.0.1:8790" })).toContain("This relay runs the offline model: the laptop's claude reaches it with ANTHROPIC_BASE_URL=http://127.0.0.1:8790 and ANTHROPIC_API_KEY=offline-model, which the script prints.");
    expect(handoffReply({ conversation: "main", url: "https://r/h/a", ttlMinutes: 15 })).not.toContain("offline model");
    const script = handoffScript({ url: "https://r/h/a", conversation: "main", model: { url: "http://127.0.0.1:8790", key: "offline-model" } });
    expect(script).toContain(`echo "This relay runs the offline model; in this shell, first:"`);
    expect(script).toContain(`'{"hasCompletedOnboarding":true,"customApiKeyResponses":{"approved":["offline-model"],"rejected":[]}}' >"$HOME/.claude.json"`);
    expect(script).toContain('if [ ! -e "$HOME/.claude.json" ]; then');
    expect(handoffScript({ url: "https://r/h/a", conversation: "main" })).not.toContain(".claude.json");
  });
});

describe("handoffScript", () => {
  it("runs under sh -e -u and fetches the data once, sending the directory url-encoded", () => {
    const script = handoffScript({ url: "https://relay.example/h/AbC", conversation: "api" });
    expect(script).toMatch(/^#!\/bin\/sh\n/);
    expect(script).toContain("set -eu");
    expect(script).toContain(`url='https://relay.example/h/AbC'`);
    // One request for the data (through `ask`); the two others only report, after it, a failure or the end.
    expect(script.match(/curl -/g)).toHaveLength(3);
    expect(script).toContain(`curl -s -o /dev/null -X POST "$url/done" || true`);
    expect(script.match(/"\$url\/data"/g)).toHaveLength(1);
    expect(script).toContain(`curl -s -o /dev/null --data-urlencode "why=$why" "$url/failed" || true`);
    expect(script).toContain(`ask "$bundle" --data-urlencode "dir=$here" "$url/data"`);
  });
  it.each([
    ["handoffScript", handoffScript({ url: "https://x/h/a", conversation: "api" })],
    ["handbackScript", handbackScript({ url: "https://x/h/a", conversation: "api" })],
    ["handoffNewScript", handoffNewScript({ url: "https://x/h/a", name: "api" })],
  ])("%s sends every value as --form-string (-F only for its own files) and never lets curl print its own error line", (_name, script) => {
    expect(script).not.toMatch(/-F "(?!(bundle|patch|session)=@\$out\/)/);
    expect(script).not.toContain("--fail");
    expect(script).not.toMatch(/curl -[a-zA-Z]*f/);
  });
  it("quotes the URL as one sh word whatever it holds", () => {
    expect(handoffScript({ url: "https://x/h/a'b", conversation: "api" })).toContain(`url='https://x/h/a'\\''b'`);
  });
});

describe("the hand-off's two questions", () => {
  it("“keep which side?” holds the buttons it shows, each to its side, for its conversation", () => {
    const q = conflictQuestionOf(9, 100);
    expect(q).toMatchObject({ kind: "handoff_conflict", ref: "9", conversationId: 9, words: {}, nextMessageOnly: false, untilRun: false });
    expect(conflictButtons(9).map((b) => q.buttons[b.id])).toEqual(["laptop", "phone"]);
  });
  it("“go on here?” holds the buttons it shows, each to its answer, for its conversation", () => {
    const q = awayQuestionOf(4, 100);
    expect(q).toMatchObject({ kind: "handoff_away", ref: "4", conversationId: 4, words: {} });
    expect(awayButtons(4).map((b) => q.buttons[b.id])).toEqual(["yes", "no"]);
  });
});

describe("/handoff new", () => {
  const url = "https://relay.example/h/AbCdEfGhIjKlMnOpQrStUv";
  it("answers the line alone in a code block, and how to read the script first", () => {
    const reply = handoffNewReply({ name: "laptop-work", url, ttlMinutes: 15 });
    expect(reply).toContain(`\n\`\`\`\ncurl -sS ${url} | sh\n\`\`\`\n`);
    expect(reply).toContain(`To read the script first: curl -sS ${url}`);
    expect(reply).toContain("“laptop-work”");
    expect(reply).toContain("15 minutes; /web revoke ends it");
  });

  it("builds a script for sh -eu that posts to the code's /new, its url quoted for sh", () => {
    const script = handoffNewScript({ url: "https://relay.example/h/it's", name: "laptop-work" });
    expect(script).toMatch(/^#!\/bin\/sh\n/);
    expect(script).toContain("\nset -eu\n");
    expect(script).toContain(`url='https://relay.example/h/it'\\''s'`);
    expect(script).toContain(`"$url/new"`);
  });

  it.each<[{ turns: number; branch: string; head: string; files: number }, string]>([
    [{ turns: 4, branch: "fix-flaky", head: "3e1c2a0", files: 2 }, "@laptop-work arrived from the laptop: 4 turns, branch fix-flaky at 3e1c2a0, 2 files changed."],
    [{ turns: 1, branch: "main", head: "abc1234", files: 1 }, "@laptop-work arrived from the laptop: 1 turn, branch main at abc1234, 1 file changed."],
  ])("says what arrived: %j", (done, said) => expect(arrivedNotice("laptop-work", done)).toContain(said));
});

describe("handoffBlocked: what /handoff tells before it answers a line", () => {
  it.each<[string, Parameters<typeof handoffBlocked>[0], string | null]>([
    ["a ready conversation, a VM", { conversation: "main", vm: true, status: "ready" }, null],
    ["no VM set up", { conversation: "main", vm: false, status: "ready" }, "/handoff needs the agent VM, and this relay has none set up (VM_URL, or VM_MODE machines)."],
    ["a clone not done", { conversation: "api", vm: true, status: "cloning" }, "“api” is still being cloned; /handoff works once it is ready."],
  ])("%s", (_what, s, want) => expect(handoffBlocked(s)).toBe(want));
});

describe("what the chat and the terminal say", () => {
  it.each<[string, string, string]>([
    ["the download failed", handoffFailedNotice("main", "git could not pack the hand-off."), "⚠️ “main” did not go to your laptop: git could not pack the hand-off. It stays here as it was; send /handoff for a new line."],
    ["the hand-back failed", handbackFailedNotice("main", "The laptop's uncommitted changes did not apply; its commits are in place."), "⚠️ The laptop's work on “main” did not come back: The laptop's uncommitted changes did not apply; its commits are in place. The laptop keeps its work; /handoff back gives a new line."],
    ["/handoff new failed", handoffNewFailedNotice("from-laptop", "The laptop's bundle has no branch main."), "⚠️ @from-laptop was not made from the laptop: The laptop's bundle has no branch main. Nothing changed here; the line works again until it expires."],
    ["a hand-back met a change here (a folder)", handbackConflictNotice("main"), "⚠️ “main” changed here too since it went to the laptop, so the laptop's work was not taken back and nothing was overwritten: both sides are as they were. Push the laptop's branch and merge it, or /handoff again to take this side to the laptop."],
    ["the work came back", backNotice("main", { turns: 1, branch: "main", head: "abc1234", files: 2 }), "💻→📱 “main” is back from the laptop: 1 new turn, branch main at abc1234, 2 files changed. Your next message goes on from there."],
    ["a used code", handoffRefusalLine("used"), "handoff: this code was used already. Send /handoff in the chat for a new one."],
    ["an expired code", handoffRefusalLine("expired"), "handoff: this code has expired (they work for 15 minutes). Send /handoff in the chat for a new one."],
    ["a revoked code", handoffRefusalLine("revoked"), "handoff: this code was revoked (/web revoke). Send /handoff in the chat for a new one."],
    ["no such code", handoffRefusalLine("unknown"), "handoff: no such code. Send /handoff in the chat for a new one."],
  ])("%s", (_what, said, want) => expect(said).toBe(want));

});
