// The questions table over a real SQLite: asked again under its key, closed once, read back by a
// tapped payload open or closed, expired ones closed and long-closed ones forgotten on the next
// ask, and a row this code cannot read answers nothing.
import { describe, expect, it } from "vitest";
import { CLOSED_KEPT_MS } from "../../src/questions/questions-repo";
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
