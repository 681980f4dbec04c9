// The questions table over a real SQLite: asked again under its key, closed once, read back by a
// tapped payload open or closed, expired ones closed and long-closed ones forgotten on the next
// ask, and a row this code cannot read answers nothing. 0035 carries the questions open at the
// upgrade over from where each capability kept them.
import { describe, expect, it } from "vitest";
import { CLOSED_KEPT_MS, createQuestionsRepo } from "../../src/questions/questions-repo";
import type { NewQuestion } from "../../src/questions/questions";
import { approvalQuestion } from "../../src/approvals/approvals";
import { shipQuestionFrom, shipQuestionOf } from "../../src/github/ship";
import { awayQuestionOf, conflictQuestionOf } from "../../src/handoff/handoff";
import { reviewQuestionOf } from "../../src/changes/review-question";
import { createSql } from "../../src/shared/sql";
import { createNodeStorage, loadMigrate } from "./helpers/node-storage";
import { undoQuestionOf } from "../../src/changes/run-change";
import { fixQuestionOf, TYPED_FIX_WINDOW_MS } from "../../src/github/github-deliveries";
import { T0, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();

type Exec = (query: string, ...b: (string | number | null)[]) => SqlStorageCursor<Record<string, SqlStorageValue>>;

/** A storage migrated up to `before` (not included), written by `seed`, then migrated to the end; `check` reads it. */
async function upgraded(before: number, seed: (exec: Exec) => void, check: (storage: ReturnType<typeof createNodeStorage>) => void): Promise<void> {
  const { MIGRATIONS, migrate } = await loadMigrate();
  const storage = createNodeStorage();
  try {
    const asDo = storage as unknown as DurableObjectStorage;
    migrate(asDo, T0, MIGRATIONS.slice(0, before - 1));
    seed((query, ...b) => storage.sql.exec(query, ...b));
    migrate(asDo, T0 + 5, MIGRATIONS);
    check(storage);
  } finally {
    storage.close();
  }
}

describe("the questions repository", () => {
  it("asks a question again under its kind and key, reopened, and closes it once", () => {
    const q = t.repos.questions;
    q.ask(undoQuestionOf(1, T0), T0);
    expect(q.close("undo", "current", T0 + 1)).toBe(true);
    expect(q.close("undo", "current", T0 + 2)).toBe(false);
    expect(q.open()).toEqual([]);
    q.ask(undoQuestionOf(2, T0 + 3), T0 + 3);
    expect(q.open()).toEqual([expect.objectContaining({ kind: "undo", conversationId: 2, askedAt: T0 + 3, closedAt: null, words: expect.objectContaining({ y: "yes" }) })]);
    expect(t.rows("SELECT count(*) AS n FROM questions")).toEqual([{ n: 1 }]);
  });

  it("finds the rows holding a payload, open or closed, and nothing else", () => {
    const q = t.repos.questions;
    q.ask(fixQuestionOf("d1", T0), T0);
    q.ask(fixQuestionOf("d2", T0), T0);
    q.close("github_fix", "d1", T0 + 1);
    expect(q.withButton("gh-later:d1").map((r) => [r.ref, r.closedAt])).toEqual([["d1", T0 + 1]]);
    expect(q.withButton("gh-fix:d2").map((r) => r.ref)).toEqual(["d2"]);
    expect(q.withButton("gh-fix")).toEqual([]);
    expect(q.open().map((r) => r.ref)).toEqual(["d2"]);
  });

  it("closes the expired and forgets the long closed when the next question is asked", () => {
    const q = t.repos.questions;
    q.ask(fixQuestionOf("old", T0), T0);
    q.ask(undoQuestionOf(1, T0), T0);
    q.close("undo", "current", T0);
    q.ask(fixQuestionOf("new", T0 + TYPED_FIX_WINDOW_MS), T0 + TYPED_FIX_WINDOW_MS);
    expect(q.open().map((r) => r.ref)).toEqual(["new"]);
    expect(q.withButton("gh-fix:old")[0]?.closedAt).toBe(T0 + TYPED_FIX_WINDOW_MS);
    q.ask(fixQuestionOf("newer", T0 + CLOSED_KEPT_MS + 1), T0 + CLOSED_KEPT_MS + 1);
    expect(q.withButton("undo:yes")).toEqual([]);
  });

  it("reads the open questions with no statement while none is asked, and takes one once, with what it asked about", () => {
    const statements: string[] = [];
    const exec = t.db.storage.sql.exec.bind(t.db.storage.sql);
    t.db.storage.sql.exec = ((query: string, ...bindings: SqlStorageValue[]) => (statements.push(query), exec(query, ...bindings))) as typeof exec;
    const q = t.repos.questions;
    // Every message reads the open questions: after the first read, none asked costs no statement.
    expect([q.open(), q.open()]).toEqual([[], []]);
    expect(statements).toHaveLength(1);
    const preview = { repo: "acme/api", branch: "agent/api", head: "a".repeat(40), tree: "b".repeat(40) };
    q.ask(shipQuestionOf(1, T0, { title: "Fix the flaky test", preview }), T0);
    const taken = q.take("ship", "current", T0 + 1);
    expect(taken && shipQuestionFrom(taken)).toEqual({ conversationId: 1, title: "Fix the flaky test", askedAt: T0, preview });
    expect([q.take("ship", "current", T0 + 2), q.open()]).toEqual([null, []]);
    // A detail this code cannot read ships nothing: no preview.
    q.ask({ ...shipQuestionOf(1, T0 + 3), detail: "{" }, T0 + 3);
    expect(shipQuestionFrom(q.take("ship", "current", T0 + 4)!)).toEqual({ conversationId: 1, title: null, askedAt: T0 + 3, preview: null });
  });

  it("passes over a row it cannot read (a kind it does not know, or words that are not a record)", () => {
    t.sql`INSERT INTO questions (kind, ref, words, buttons, asked_at) VALUES ('poll', 'x', '{}', '{"p:1":"1"}', 1)`;
    t.sql`INSERT INTO questions (kind, ref, words, buttons, asked_at) VALUES ('undo', 'y', '["yes"]', '{}', 1)`;
    expect(t.repos.questions.open()).toEqual([]);
    expect(t.repos.questions.withButton("p:1")).toEqual([]);
  });
});

describe("0037: what an answer acts on moves onto the question's row", () => {
  it("carries /undo's, /ship's, \"which file?\"'s and the hand-off conflict's over from their tables and settings, and closes a question whose copy was gone", async () => {
    const preview = { repo: "acme/api", branch: "agent/api", head: null, tree: "b".repeat(40) };
    const review = { id: T0 + 3, conversationId: 1, choices: [{ file: "a/x.ts", comments: [] }], original: { id: "m1", body: "x.ts:1 hm", receivedAt: T0 } };
    const staged = { branch: "main" };
    await upgraded(37, (exec) => {
      exec("INSERT INTO undo_question (id, conversation_id, vm_run_id, asked_at) VALUES (1, 1, 'vm-7', ?)", T0 + 1);
      exec("INSERT INTO ship_question (id, conversation_id, title, asked_at, preview) VALUES (1, 1, 'T', ?, ?)", T0 + 2, JSON.stringify(preview));
      exec("INSERT INTO settings (key, value) VALUES ('review_question', ?), ('handoff_conflict:1', ?)", JSON.stringify(review), JSON.stringify(staged));
      const ask = (q: NewQuestion) => exec("INSERT INTO questions (kind, ref, conversation_id, words, buttons, next_message_only, until_run, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        q.kind, q.ref, q.conversationId, JSON.stringify(q.words), JSON.stringify(q.buttons), q.nextMessageOnly ? 1 : 0, q.untilRun ? 1 : 0, q.askedAt);
      ask(undoQuestionOf(1, T0 + 1));
      ask(shipQuestionOf(1, T0 + 2));
      ask(reviewQuestionOf({ id: T0 + 3, conversationId: 1, files: ["a/x.ts"] }, T0 + 3));
      ask(conflictQuestionOf(1, T0 + 4));
    }, (storage) => {
      const questions = createQuestionsRepo(createSql(storage)).open();
      expect(questions.map((q) => [q.kind, q.detail === null ? null : JSON.parse(q.detail)])).toEqual([
        ["undo", { vmRunId: "vm-7" }],
        ["ship", { title: "T", preview }],
        ["review_file", review],
        ["handoff_conflict", staged],
      ]);
      expect(storage.sql.exec("SELECT name FROM sqlite_master WHERE name IN ('undo_question', 'ship_question')").toArray()).toEqual([]);
      expect(storage.sql.exec("SELECT key FROM settings WHERE key = 'review_question' OR key LIKE 'handoff_conflict:%'").toArray()).toEqual([]);
    });
  });

  it("closes an open question whose capability's copy was gone (a /ship answered before: its row was left open)", async () => {
    const q = shipQuestionOf(1, T0);
    await upgraded(
      37,
      (exec) => exec("INSERT INTO questions (kind, ref, conversation_id, words, buttons, next_message_only, until_run, asked_at) VALUES ('ship', 'current', 1, ?, ?, 1, 1, ?)", JSON.stringify(q.words), JSON.stringify(q.buttons), T0),
      (storage) => expect(createQuestionsRepo(createSql(storage)).open()).toEqual([]),
    );
  });
});

describe("0035: the questions open at the upgrade become rows", () => {
  it("carries each capability's open question with the words and buttons its builder gives, and nothing closed", async () => {
    await upgraded(35, (exec) => {
      exec("INSERT INTO approvals (run_id, vm_run_id, request_id, conversation_id, number, tool, description, status, created_at, expires_at) VALUES ('r', 'v', 'q1', 1, 4, 'Bash', 'x', 'pending', ?, ?)", T0, T0 + 60_000);
      exec("INSERT INTO approvals (run_id, vm_run_id, request_id, conversation_id, number, tool, description, status, created_at, expires_at) VALUES ('r', 'v', 'q2', 1, 5, 'Bash', 'x', 'allowed', ?, ?)", T0, T0 + 60_000);
      exec("INSERT INTO undo_question (id, conversation_id, vm_run_id, asked_at) VALUES (1, 1, 'v', ?)", T0 + 1);
      exec("INSERT INTO ship_question (id, conversation_id, title, asked_at) VALUES (1, 1, NULL, ?)", T0 + 2);
      exec("INSERT INTO github_deliveries (delivery, event, repo, detail, received_at) VALUES ('d1', 'check_suite', 'acme/x', ?, ?)", JSON.stringify({ fix: { conversation: "x", prompt: "p", origin: "o" } }), T0 + 3);
      exec("INSERT INTO github_deliveries (delivery, event, repo, detail, received_at) VALUES ('d2', 'issues', 'acme/x', '{}', ?)", T0 + 3);
      exec("INSERT INTO handoffs (digest, conversation_id, direction, epoch, created_at, expires_at, used_at, asked_at) VALUES ('h', 1, 'out', 0, ?, ?, ?, ?)", T0, T0 + 1, T0, T0 + 4);
      exec("INSERT INTO settings (key, value) VALUES ('handoff_conflict:1', '{}')");
    }, (storage) => {
      const questions = createQuestionsRepo(createSql(storage)).open();
      const built = (q: NewQuestion) => ({ kind: q.kind, ref: q.ref, conversationId: q.conversationId, words: q.words, buttons: q.buttons, nextMessageOnly: q.nextMessageOnly, untilRun: q.untilRun, expiresAt: q.expiresAt });
      const approval = questions.find((q) => q.kind === "approval")!;
      expect(questions.map(built)).toEqual([
        built(approvalQuestion({ id: Number(approval.ref), conversationId: 1, createdAt: T0 })),
        built(undoQuestionOf(1, T0 + 1)),
        built(shipQuestionOf(1, T0 + 2)),
        built(fixQuestionOf("d1", T0 + 3)),
        built(awayQuestionOf(1, T0 + 4)),
        built(conflictQuestionOf(1, T0 + 5)),
      ]);
    });
  });
});
