// The changes unit over a real SQLite: a change recorded once per VM run with its line, its diff
// (and its HTML) written after the transaction and their keys kept; the 50 newest per conversation kept (older rows
// and their diffs go, as the VM prunes their checkpoints); the undo question's life.
import { stepRun } from "../../src/runs/run-lifecycle";
import { describe, expect, it } from "vitest";
import { createChanges, KEPT_CHANGES } from "../../src/changes/run-changes";
import { matchQuestion } from "../../src/questions/questions";
import { shownChangesOf } from "../../src/changes/review-replies";
import { createConversations } from "../../src/conversations/conversations-unit";
import type { RunChange } from "../../src/protocol/vm/changes";
import { T0, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();
const change: RunChange = { files: [{ path: "a.ts", status: "modified", insertions: 2, deletions: 1 }], diff: "diff --git a/a.ts b/a.ts\n", truncated: false };

function unit() {
  const written = new Map<string, string>();
  const deleted: string[] = [];
  const conversations = createConversations({ repo: t.repos.conversations, settings: t.repos.settings, outbox: t.repos.outbox, transaction: t.sql.transaction });
  const changes = createChanges({
    repo: t.repos.runChanges,
    conversations,
    messages: t.repos.messages,
    outbox: t.repos.outbox,
    settings: t.repos.settings,
    questions: t.repos.questions,
    shown: shownChangesOf(t.repos.settings).shown,
    writeDiff: async (vmRunId, body, kind) => {
      const key = `diff/x/${vmRunId}${kind === "html" ? ".html" : ""}`;
      written.set(key, body);
      return key;
    },
    deleteDiffs: async (keys) => void deleted.push(...keys),
    transaction: t.sql.transaction,
    log: () => {},
  });
  return { changes, conversations, written, deleted };
}
const HINT = "To comment on a line, reply “line 12: …” (or “src/app.ts:12 …”), or tap the line on the page /web links to: the agent gets your comments as a review.";
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("run changes", () => {
  it("remembers the change line as showing its change, the conversation's last shown (a chat reply naming a line comments on it)", () => {
    const { changes } = unit();
    changes.record({ id: "run-1", vmRunId: "vm-1", conversationId: 1 }, change, T0);
    changes.record({ id: "run-2", vmRunId: "vm-2", conversationId: 2 }, change, T0 + 1);
    const shown = shownChangesOf(t.repos.settings);
    expect(shown.byKey("change:vm-1")).toEqual({ key: "change:vm-1", vmRunId: "vm-1", conversationId: 1 });
    expect(shown.lastIn(1)?.vmRunId).toBe("vm-1");
    expect(shown.lastIn(2)?.vmRunId).toBe("vm-2");
    expect(shown.lastIn(3)).toBeNull();
  });

  it("records a change once per VM run: one line, the diff written and its key kept", async () => {
    const { changes, written } = unit();
    changes.record({ id: "run-1", vmRunId: "vm-1", conversationId: 1 }, change, T0);
    changes.record({ id: "run-1", vmRunId: "vm-1", conversationId: 1 }, change, T0 + 1);
    await settle();
    expect(t.rows<{ body: string }>("SELECT body FROM outbox").map((r) => r.body)).toEqual(["1 file changed, +2 −1 · /diff to see, /undo to take back", HINT]);
    expect([...written.keys()]).toEqual(["diff/x/vm-1"]);
    expect(t.repos.runChanges.get("vm-1")).toMatchObject({ diffKey: "diff/x/vm-1", insertions: 2, deletions: 1, undone: false, label: "the agent's last run" });
  });

  it("names a run's conversation that is not the current one, and says to switch to it for /diff and /undo", () => {
    const { changes, conversations } = unit();
    const web = t.repos.conversations.create({ name: "web", workspace: "web", repoUrl: null, branch: null, status: "ready", now: T0 });
    changes.record({ id: "run-1", vmRunId: "vm-1", conversationId: web.id }, change, T0);
    conversations.makeCurrent(web.id);
    changes.record({ id: "run-2", vmRunId: "vm-2", conversationId: web.id }, change, T0 + 1);
    expect(t.rows<{ body: string }>("SELECT body FROM outbox ORDER BY id").map((r) => r.body)).toEqual([
      "[web] 1 file changed, +2 −1 · /diff to see, /undo to take back (after /switch web)",
      HINT,
      "1 file changed, +2 −1 · /diff to see, /undo to take back",
    ]);
  });

  it("follows the user's first change line, and only the first, with how to comment on it; a reply to it comments on that change", () => {
    const { changes } = unit();
    changes.record({ id: "run-1", vmRunId: "vm-1", conversationId: 1 }, change, T0);
    changes.record({ id: "run-2", vmRunId: "vm-2", conversationId: 1 }, change, T0 + 1);
    expect(t.rows<{ dedupe_key: string; body: string }>("SELECT dedupe_key, body FROM outbox ORDER BY id")).toEqual([
      { dedupe_key: "change:vm-1", body: "1 file changed, +2 −1 · /diff to see, /undo to take back" },
      { dedupe_key: "change-hint:vm-1", body: HINT },
      { dedupe_key: "change:vm-2", body: "1 file changed, +2 −1 · /diff to see, /undo to take back" },
    ]);
    expect(shownChangesOf(t.repos.settings).byKey("change-hint:vm-1")).toEqual({ key: "change-hint:vm-1", vmRunId: "vm-1", conversationId: 1 });
  });

  it("keeps the diff's HTML next to the diff, and prunes it with it", async () => {
    const { changes, written, deleted } = unit();
    const html = '<div class="d2h-wrapper"></div>';
    changes.record({ id: "run-0", vmRunId: "vm-0", conversationId: 1 }, { ...change, diffHtml: html }, T0);
    await settle();
    expect(written.get("diff/x/vm-0.html")).toBe(html);
    expect(t.repos.runChanges.get("vm-0")).toMatchObject({ diffKey: "diff/x/vm-0", diffHtmlKey: "diff/x/vm-0.html" });
    for (let i = 1; i <= KEPT_CHANGES; i++) {
      changes.record({ id: `run-${i}`, vmRunId: `vm-${i}`, conversationId: 1 }, change, T0 + i);
      await settle();
    }
    expect(deleted).toEqual(["diff/x/vm-0", "diff/x/vm-0.html"]);
  });

  it("a change with no files records nothing", () => {
    const { changes } = unit();
    changes.record({ id: "run-1", vmRunId: "vm-1", conversationId: 1 }, { ...change, files: [] }, T0);
    expect(t.rows("SELECT * FROM run_changes")).toEqual([]);
  });

  it(`keeps the ${KEPT_CHANGES} newest per conversation; older rows and their diffs go`, async () => {
    const { changes, deleted } = unit();
    for (let i = 0; i < KEPT_CHANGES + 2; i++) {
      changes.record({ id: `run-${i}`, vmRunId: `vm-${i}`, conversationId: 1 }, change, T0 + i);
      await settle();
    }
    changes.record({ id: "other", vmRunId: "vm-other", conversationId: 2 }, change, T0);
    await settle();
    expect(t.repos.runChanges.inPlace(1, 100)).toHaveLength(KEPT_CHANGES);
    expect(t.repos.runChanges.get("vm-0")).toBeNull();
    expect(t.repos.runChanges.get("vm-other")).not.toBeNull();
    expect(deleted).toEqual(["diff/x/vm-0", "diff/x/vm-1"]);
  });

  it("asks about the newest change in place as a question of its conversation; a run of its conversation started after it voids it, another's does not", () => {
    const { changes } = unit();
    expect(changes.ask(1, T0, "k0")).toBe(false);
    expect(t.repos.questions.open()).toEqual([]);
    changes.record({ id: "run-1", vmRunId: "vm-1", conversationId: 1 }, change, T0);
    expect(changes.ask(1, T0 + 10, "k1")).toBe(true);
    expect(t.rows<{ buttons: string }>("SELECT buttons FROM outbox WHERE dedupe_key = 'k1'")[0]!.buttons).toContain("undo:yes");
    const runs = (conversationId: number) => ({ runOpen: t.repos.runs.liveIn(conversationId), lastRunStartedAt: t.repos.runChanges.lastRunStartedAt(conversationId) });
    const answer = (text: string) => {
      const m = matchQuestion({ body: text, buttonPayload: null, hasMedia: false, conversationId: 1 }, t.repos.questions.open(), T0 + 30, runs);
      return m.kind === "answer" ? m.value : null;
    };
    expect(t.repos.questions.open()).toEqual([expect.objectContaining({ kind: "undo", conversationId: 1, askedAt: T0 + 10 })]);
    expect(answer("yes")).toBe("yes");
    expect(answer("maybe")).toBeNull();
    t.repos.runs.write(null, stepRun(null, [], { type: "dispatch", runId: "run-3", ids: [], context: "fresh", conversationId: 2, sessionId: null }, T0 + 15).run!, T0 + 15);
    expect(answer("yes")).toBe("yes");
    t.repos.runs.write(null, stepRun(null, [], { type: "dispatch", runId: "run-2", ids: [], context: "fresh", conversationId: 1, sessionId: null }, T0 + 20).run!, T0 + 20);
    expect(answer("yes")).toBeNull();
    expect(changes.close(T0 + 30)).toMatchObject({ vmRunId: "vm-1", conversationId: 1 });
    expect(changes.close(T0 + 31)).toBeNull();
    expect(t.repos.questions.open()).toEqual([]);
  });

  it("tells the agent once of an undone change", () => {
    const { changes } = unit();
    changes.record({ id: "run-1", vmRunId: "vm-1", conversationId: 1 }, change, T0);
    expect(changes.noteFor(1)).toBeNull();
    t.repos.runChanges.setUndone("vm-1", true);
    expect(changes.noteFor(1)).toMatch(/^\[relay\] The user undid your last change with \/undo: these files are back as they were before it \(a\.ts\)/);
    expect(changes.noteFor(2)).toBeNull();
    changes.told(1);
    expect(changes.noteFor(1)).toBeNull();
  });
});
