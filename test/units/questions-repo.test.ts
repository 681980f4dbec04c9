// The questions table over a real SQLite: asked again under its key, closed once, read back by a
// tapped payload open or closed, expired ones closed and long-closed ones forgotten on the next
// ask, and a row this code cannot read answers nothing. 0035 carries the questions open at the
// upgrade over from where each capability kept them.
import { describe, expect, it } from "vitest";
import { CLOSED_KEPT_MS, createQuestionsRepo } from "../../src/questions/questions-repo";
import type { NewQuestion } from "../../src/questions/questions";
import { approvalQuestion } from "../../src/approvals/approvals";
import { shipQuestionOf } from "../../src/github/ship";
import { awayQuestionOf, conflictQuestionOf } from "../../src/handoff/handoff";
import { createSql } from "../../src/shared/sql";
import { createNodeStorage, loadMigrate } from "./helpers/node-storage";
import { undoQuestionOf } from "../../src/changes/run-change";
import { fixQuestionOf, TYPED_FIX_WINDOW_MS } from "../../src/github/github-deliveries";
import { T0, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();

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

  it("passes over a row it cannot read (a kind it does not know, or words that are not a record)", () => {
    t.sql`INSERT INTO questions (kind, ref, words, buttons, asked_at) VALUES ('poll', 'x', '{}', '{"p:1":"1"}', 1)`;
    t.sql`INSERT INTO questions (kind, ref, words, buttons, asked_at) VALUES ('undo', 'y', '["yes"]', '{}', 1)`;
    expect(t.repos.questions.open()).toEqual([]);
    expect(t.repos.questions.withButton("p:1")).toEqual([]);
  });
});

describe("0035: the questions open at the upgrade become rows", () => {
  it("carries each capability's open question with the words and buttons its builder gives, and nothing closed", async () => {
    const { MIGRATIONS, migrate } = await loadMigrate();
    const storage = createNodeStorage();
    try {
      const asDo = storage as unknown as DurableObjectStorage;
      migrate(asDo, T0, MIGRATIONS.slice(0, 34));
      const exec = (query: string, ...b: (string | number | null)[]) => storage.sql.exec(query, ...b);
      exec("INSERT INTO approvals (run_id, vm_run_id, request_id, conversation_id, number, tool, description, status, created_at, expires_at) VALUES ('r', 'v', 'q1', 1, 4, 'Bash', 'x', 'pending', ?, ?)", T0, T0 + 60_000);
      exec("INSERT INTO approvals (run_id, vm_run_id, request_id, conversation_id, number, tool, description, status, created_at, expires_at) VALUES ('r', 'v', 'q2', 1, 5, 'Bash', 'x', 'allowed', ?, ?)", T0, T0 + 60_000);
      exec("INSERT INTO undo_question (id, conversation_id, vm_run_id, asked_at) VALUES (1, 1, 'v', ?)", T0 + 1);
      exec("INSERT INTO ship_question (id, conversation_id, title, asked_at) VALUES (1, 1, NULL, ?)", T0 + 2);
      exec("INSERT INTO github_deliveries (delivery, event, repo, detail, received_at) VALUES ('d1', 'check_suite', 'acme/x', ?, ?)", JSON.stringify({ fix: { conversation: "x", prompt: "p", origin: "o" } }), T0 + 3);
      exec("INSERT INTO github_deliveries (delivery, event, repo, detail, received_at) VALUES ('d2', 'issues', 'acme/x', '{}', ?)", T0 + 3);
      exec("INSERT INTO handoffs (digest, conversation_id, direction, epoch, created_at, expires_at, used_at, asked_at) VALUES ('h', 1, 'out', 0, ?, ?, ?, ?)", T0, T0 + 1, T0, T0 + 4);
      exec("INSERT INTO settings (key, value) VALUES ('handoff_conflict:1', '{}')");
      migrate(asDo, T0 + 5, MIGRATIONS);
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
    } finally {
      storage.close();
    }
  });
});
