// The conversations unit over a real SQLite: which conversation is current (never one that is
// gone), how a reply names the conversation it came from, and its one timer: a clone whose
// instance died before it finished is removed and the user told, once.
import { describe, expect, it } from "vitest";
import { cloneInterruptedNotice } from "../../src/messages/notices";
import { MAIN_CONVERSATION_ID } from "../../src/conversations/conversations-repo";
import { CLONE_DEADLINE_MS, createConversations } from "../../src/conversations/conversations-unit";
import { T0, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();
const unit = () => createConversations({ repo: t.repos.conversations, settings: t.repos.settings, outbox: t.repos.outbox, transaction: t.sql.transaction });
const create = (name: string, status: "ready" | "cloning" = "ready", now = T0) =>
  t.repos.conversations.create({ name, workspace: `c-${name}`, repoUrl: status === "cloning" ? `https://github.com/acme/${name}.git` : null, branch: null, status, now });
const told = () => t.rows<{ dedupe_key: string; body: string }>("SELECT dedupe_key, body FROM outbox ORDER BY id");

describe("the current conversation", () => {
  it("is main on a new object, then the one made current; one that is gone falls back to the first", () => {
    const conversations = unit();
    expect(conversations.currentId()).toBe(MAIN_CONVERSATION_ID);
    expect(conversations.current()!.name).toBe("main");
    const api = create("api");
    conversations.makeCurrent(api.id);
    expect(conversations.currentId()).toBe(api.id);
    // Making main current again stores nothing: main is the default.
    conversations.makeCurrent(MAIN_CONVERSATION_ID);
    expect(t.repos.settings.get("current_conversation")).toBeNull();
    conversations.makeCurrent(api.id);
    t.repos.conversations.delete(api.id);
    expect(conversations.currentId()).toBe(MAIN_CONVERSATION_ID);
  });

  it.each([
    { from: "main", current: "main", prefix: "" },
    { from: "api", current: "main", prefix: "[api] " },
    { from: "main", current: "api", prefix: "[main] " },
    { from: "deleted", current: "main", prefix: "" },
  ])("a reply from $from while $current is current starts with “$prefix”", ({ from, current, prefix }) => {
    const conversations = unit();
    const api = create("api");
    const ids: Record<string, number> = { main: MAIN_CONVERSATION_ID, api: api.id, deleted: 999 };
    conversations.makeCurrent(ids[current]!);
    expect(conversations.prefixFor(ids[from]!)).toBe(prefix);
  });
});

describe("nextDueAt and runDue", () => {
  it("is due when the oldest clone in progress passes its deadline; finished clones are not watched", () => {
    const conversations = unit();
    expect(conversations.nextDueAt()).toBeNull();
    const web = create("web", "cloning", T0 + 1_000);
    create("api", "cloning", T0);
    expect(conversations.nextDueAt()).toBe(T0 + CLONE_DEADLINE_MS);
    t.repos.conversations.markCloned(web.id, "main", T0 + 2_000);
    expect(conversations.nextDueAt()).toBe(T0 + CLONE_DEADLINE_MS);
    t.repos.conversations.markCloned(conversations.repo.byName("api")!.id, null, T0 + 3_000);
    expect(conversations.nextDueAt()).toBeNull();
  });

  it.each([
    { when: "1 ms before the first deadline", at: T0 + CLONE_DEADLINE_MS - 1, failed: 0, left: ["main", "api", "web"] },
    { when: "at the first deadline", at: T0 + CLONE_DEADLINE_MS, failed: 1, left: ["main", "web"] },
    { when: "at the second deadline", at: T0 + CLONE_DEADLINE_MS + 60_000, failed: 2, left: ["main"] },
  ])("$when: $failed removed and told", ({ at, failed, left }) => {
    const conversations = unit();
    create("api", "cloning", T0);
    create("web", "cloning", T0 + 60_000);
    expect(conversations.runDue(at)).toBe(failed);
    expect(conversations.repo.list().map((c) => c.name)).toEqual(left);
    expect(told().map((m) => m.body)).toEqual(["api", "web"].slice(0, failed).map((name) => cloneInterruptedNotice(name)));
  });

  it("a clone failed twice (a repeated alarm) is told once", () => {
    const conversations = unit();
    create("api", "cloning", T0);
    conversations.runDue(T0 + CLONE_DEADLINE_MS);
    expect(conversations.runDue(T0 + CLONE_DEADLINE_MS)).toBe(0);
    expect(told()).toEqual([{ dedupe_key: "clone:c-api", body: cloneInterruptedNotice("api") }]);
  });
});
