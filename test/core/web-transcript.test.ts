import { describe, expect, it } from "vitest";
import { watchReply } from "../../src/github/github-replies";
import { triggerMadeReply } from "../../src/triggers/triggers-replies";
import { hideShownOnce, type MessageLine, type OutboxLine, type Owners, SHOWN_ONCE, transcripts } from "../../src/web/web-transcript";

const T = 1_800_000_000_000;
const NO_OWNERS: Owners = { runs: new Map(), approvals: new Map(), deliveries: new Map() };
const user = (id: string, at: number, conversationId: number, body = id): MessageLine => ({ id, body, at: T + at, conversationId, origin: null, kind: "user" });
const sent = (id: number, key: string, at: number, conversationId: number | null = null, body = key): OutboxLine => ({ id, key, body, at: T + at, conversationId });
const texts = (m: Map<number, { from: string; text: string }[]>, c: number) => (m.get(c) ?? []).map((e) => `${e.from}:${e.text}`);

describe("transcripts", () => {
  it("merges what the user sent with what the outbox sent, in the order they got it", () => {
    const out = transcripts([user("m1", 0, 1, "fix it"), user("m2", 50, 1, "/status")], [sent(1, "ack:r1", 10), sent(2, "vm1-1:3:0", 40, 1, "done"), sent(3, "command:m2", 50)], { ...NO_OWNERS, runs: new Map([["r1", 1]]) }, 1);
    expect(texts(out, 1)).toEqual(["user:fix it", "relay:ack:r1", "agent:done", "user:/status", "relay:command:m2"]);
  });

  it("never shows an event's or a task's prompt as a message; its notices are shown where its run is", () => {
    const event: MessageLine = { id: "gh-d1", body: "Someone other than the user wrote every line below…", at: T + 5, conversationId: 2, origin: "GitHub: CI failed on o/r#7", kind: "user" };
    const task: MessageLine = { id: "task-1", body: "the task's prompt", at: T + 6, conversationId: 2, origin: null, kind: "task_chat" };
    const out = transcripts([user("m1", 0, 2, "ship it"), event, task], [sent(1, "github:d1", 5, null, "❌ CI failed on o/r#7"), sent(2, "event:gh-d1", 5, null, "▶️ GitHub: started a run in @web.")], NO_OWNERS, 1);
    expect(texts(out, 2)).toEqual(["user:ship it", "relay:❌ CI failed on o/r#7", "relay:▶️ GitHub: started a run in @web."]);
  });

  it.each([
    ["a command's answer", "command:m9", 3],
    ["a later part of one", "command:m9:2", 3],
    ["an event's notice", "event:m9", 3],
    ["an acknowledgement", "ack:r5", 4],
    ["a progress update", "progress:r5:2", 4],
    ["a lost session", "session-lost:r5-2", 4],
    ["a file the agent sent", "file:r5-1:call7", 4],
    ["an approval prompt", "approval:12", 5],
    ["a reminder of it", "approval-reminder:12:2", 5],
    ["the first change's comment hint, by its run", "change-hint:r5-3", 4],
    ["a CI notice, by its pull request", "github:d7", 6],
    ["a clone's end, by its workspace", "clone:c-1a2b3c4d", 7],
    ["a notice of nothing known, where the user last wrote", "rate-limited:123", 1],
  ])("places %s by its key", (_name, key, conversation) => {
    const owners: Owners = { runs: new Map([["r5", 4]]), approvals: new Map([[12, 5]]), deliveries: new Map([["d7", 6]]), workspaces: new Map([["c-1a2b3c4d", 7]]) };
    const messages = [{ ...user("m9", 0, 3), kind: "task_fresh" }, user("m1", 1, 1)];
    const out = transcripts(messages, [sent(1, key, 2)], owners, 1);
    expect(texts(out, conversation)).toContain(`relay:${key}`);
  });

  it("places a notice tied to nothing, sent before the user wrote at all, in the first conversation", () => {
    expect(texts(transcripts([], [sent(1, "rate-limited:1", 0)], NO_OWNERS, 1), 1)).toEqual(["relay:rate-limited:1"]);
  });
});

describe("hideShownOnce", () => {
  const secret = "9f2c4e1b7a3d8c6e5f0a1b2c3d4e5f60";
  it.each([
    ["/github watch's secret", watchReply({ repo: "o/r", url: "https://relay.example/github/webhook/abc", secret, renewed: false })],
    // The local stand-in's "registered" answer shows no secret at all; its refusal shows one.
    ["/github watch's renewed secret", watchReply({ repo: "o/r", url: null, secret, renewed: true, standIn: { outcome: "refused", why: "it did not answer" } })],
    ["/trigger add's token", triggerMadeReply({ name: "deploy", conversation: "main", url: "https://relay.example/triggers/xyz", token: secret })],
  ])("leaves out %s, and nothing else", (_name, text) => {
    const hidden = hideShownOnce(text);
    expect(text).toContain(secret);
    expect(hidden).not.toContain(secret);
    expect(hidden).toContain(SHOWN_ONCE);
    expect(hidden.split("\n").length).toBe(text.split("\n").length);
    expect(hidden.replace(SHOWN_ONCE, secret)).toBe(text);
  });

  it("changes no other message", () => {
    const text = "Token: abc\n• Secret: def";
    expect(hideShownOnce(text)).toBe(text);
  });
});
