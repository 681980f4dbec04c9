// The relay's questions as rows, read by one pure function: which question a message answers (a
// button by its payload, open or not; typed words only an open question's, by kind, then newest),
// when a question is open, and which the next message closes.
import { describe, expect, it } from "vitest";
import { closedByNextMessage, isOpen, kindOfPayload, matchQuestion, normalizeTyped, type Question, type RunFacts } from "../../src/questions/questions";
import { approvalQuestion } from "../../src/approvals/approvals";
import { undoQuestionOf } from "../../src/changes/run-change";
import { shipQuestionOf } from "../../src/github/ship";
import { fixQuestionOf, TYPED_FIX_WINDOW_MS } from "../../src/github/github-deliveries";
import { awayQuestionOf } from "../../src/handoff/handoff";
import { leftUnansweredNotice } from "../../src/agent/stale-tap";
import { UNDO_LEFT, UNDO_VOIDED } from "../../src/changes/changes-replies";
import { SHIP_LEFT, SHIP_VOIDED } from "../../src/github/ship";

let nextId = 1;
const row = (q: Omit<Question, "id" | "closedAt">, closedAt: number | null = null): Question => ({ ...q, id: nextId++, closedAt });
const noRuns = (): RunFacts => ({ runOpen: false, lastRunStartedAt: null });
const NOW = 10_000;

const approval7 = row(approvalQuestion({ id: 7, conversationId: 1, createdAt: 100 }));
const approval8 = row(approvalQuestion({ id: 8, conversationId: 2, createdAt: 200 }));
const undo = row(undoQuestionOf(1, 300));
const ship = row(shipQuestionOf(1, 400));
const fixOld = row(fixQuestionOf("d-old", 500));
const fixNew = row(fixQuestionOf("d-new", 600));
const away = row(awayQuestionOf(3, 700));
const closedUndo = row(undoQuestionOf(1, 50), 60);

const answerOf = (body: string, questions: readonly Question[], o: { payload?: string; media?: boolean; now?: number; runs?: (c: number) => RunFacts } = {}) =>
  matchQuestion({ body, buttonPayload: o.payload ?? null, hasMedia: o.media ?? false }, questions, o.now ?? NOW, o.runs ?? noRuns);

describe("normalizeTyped", () => {
  it.each([
    ["  Yes!! ", "yes"],
    ["Fix   IT.", "fix it"],
    ["no 2", "no 2"],
    ["", ""],
    ["src/App.ts", "src/app.ts"],
  ])("%j → %j", (text, typed) => expect(normalizeTyped(text)).toBe(typed));
});

describe("matchQuestion", () => {
  const all = [approval7, approval8, undo, ship, fixOld, fixNew, away];
  it.each<[string, string, Partial<{ payload: string; media: boolean }>, { kind: Question["kind"] | "none" | "unknown_button"; ref?: string; value?: string; via?: string }]>([
    // An approval waits on the user: its "yes" comes before /undo's and /ship's.
    ["a bare yes: the newest approval's", "Yes", {}, { kind: "approval", ref: "8", value: "yes", via: "word" }],
    ["a number slot keeps the number", "no 12", {}, { kind: "approval", ref: "8", value: "no 12" }],
    ["all", "always all", {}, { kind: "approval", value: "always all" }],
    ["ship is /ship's alone", "ship", {}, { kind: "ship", value: "yes" }],
    ["cancel", "Cancel.", {}, { kind: "ship", value: "no" }],
    ["y is /undo's before /ship's", "y", {}, { kind: "undo", value: "yes" }],
    ["fix it: the newest notice's", "fix it!", {}, { kind: "github_fix", ref: "d-new", value: "fix" }],
    ["a button by its payload, whatever the text", "Go on here", { payload: "handoff:yes:3" }, { kind: "handoff_away", ref: "3", value: "yes", via: "button" }],
    ["an older notice's button is its own", "Later", { payload: "gh-later:d-old" }, { kind: "github_fix", ref: "d-old", value: "later" }],
    ["a payload no row holds", "Yes", { payload: "approval:99:yes" }, { kind: "unknown_button" }],
    ["text with media answers nothing", "yes", { media: true }, { kind: "none" }],
    ["other text answers nothing", "yes please", {}, { kind: "none" }],
    ["empty text", "  ", {}, { kind: "none" }],
  ])("%s", (_what, body, o, want) => {
    const m = answerOf(body, all, o);
    if (m.kind !== "answer") return expect({ kind: m.kind }).toEqual(want);
    expect({ kind: m.question.kind, ref: m.question.ref, value: m.value, via: m.via }).toMatchObject(want);
  });

  it("reads typed words only of open questions: closed, expired, or voided by a run", () => {
    expect(answerOf("yes", [closedUndo])).toEqual({ kind: "none" });
    expect(answerOf("fix it", [fixNew], { now: 600 + TYPED_FIX_WINDOW_MS })).toEqual({ kind: "none" });
    expect(answerOf("fix it", [fixNew], { now: 600 + TYPED_FIX_WINDOW_MS - 1 })).toMatchObject({ kind: "answer" });
    expect(answerOf("yes", [undo, ship], { runs: () => ({ runOpen: true, lastRunStartedAt: 0 }) })).toEqual({ kind: "none" });
    // Voided /undo gives way to the next question that takes the word.
    expect(answerOf("yes", [undo, approval7], { runs: () => ({ runOpen: false, lastRunStartedAt: 350 }) })).toMatchObject({ question: { kind: "approval" } });
  });

  it("hands a tap on a closed or expired question's button to its capability, marked not open", () => {
    expect(answerOf("Yes", [closedUndo], { payload: "undo:yes" })).toMatchObject({ kind: "answer", question: { id: closedUndo.id }, value: "yes", open: false });
    expect(answerOf("Fix it", [fixNew], { payload: "gh-fix:d-new", now: 600 + TYPED_FIX_WINDOW_MS })).toMatchObject({ kind: "answer", open: false });
    // The newest row holding the payload: the open one asked again.
    expect(answerOf("Yes", [closedUndo, undo], { payload: "undo:yes" })).toMatchObject({ question: { id: undo.id }, open: true });
  });
});

describe("isOpen", () => {
  it.each<[string, Question, RunFacts, boolean]>([
    ["open", approval7, { runOpen: true, lastRunStartedAt: 9_000 }, true],
    ["closed", closedUndo, noRuns(), false],
    ["no run since", undo, { runOpen: false, lastRunStartedAt: 299 }, true],
    ["a run started after it", undo, { runOpen: false, lastRunStartedAt: 300 }, false],
    ["a run live", ship, { runOpen: true, lastRunStartedAt: 0 }, false],
  ])("%s", (_what, q, runs, open) => expect(isOpen(q, NOW, () => runs)).toBe(open));
});

describe("closedByNextMessage", () => {
  it("closes the open next-message-only questions but the one answered", () => {
    const all = [approval7, undo, ship, closedUndo, away];
    expect(closedByNextMessage(all, null).map((q) => q.id)).toEqual([undo.id, ship.id]);
    expect(closedByNextMessage(all, undo).map((q) => q.id)).toEqual([ship.id]);
  });
});

describe("leftUnansweredNotice: what the user reads when a message closes a question it does not answer", () => {
  it.each([
    ["/undo's, by text for the agent", "undo", null, false, UNDO_LEFT],
    ["/undo's, by another command", "undo", "help", false, UNDO_LEFT],
    ["/undo's, voided by a run since", "undo", null, true, UNDO_VOIDED],
    ["/undo's, by /undo again (its own answer follows)", "undo", "undo", false, null],
    ["/undo's, by /ship", "undo", "ship", false, UNDO_LEFT],
    ["/ship's, by text for the agent", "ship", null, false, SHIP_LEFT],
    ["/ship's, voided by a run since", "ship", "status", true, SHIP_VOIDED],
    ["/ship's, by /ship again", "ship", "ship", true, null],
    ["/ship's, by /undo", "ship", "undo", false, SHIP_LEFT],
    ["a \"which file?\" (its comment goes on to the agent)", "review_file", null, false, null],
  ] as const)("%s", (_what, kind, command, voided, notice) => expect(leftUnansweredNotice(kind, command, voided)).toBe(notice));
  it("each notice says nothing was done and how to be asked again", () => {
    for (const text of [UNDO_LEFT, UNDO_VOIDED]) expect(text).toMatch(/^Not undone: .*send \/undo to be asked again/);
    for (const text of [SHIP_LEFT, SHIP_VOIDED]) expect(text).toMatch(/^Not shipped: .*send \/ship to be asked again/);
  });
});

describe("kindOfPayload: a tap no row holds still names its kind of question", () => {
  it.each([
    ["approval:12:yes", "approval"],
    ["undo:no", "undo"],
    ["ship:yes", "ship"],
    ["review:k3:2", "review_file"],
    ["gh-fix:abc", "github_fix"],
    ["gh-later:abc", "github_fix"],
    ["handoff:yes:4", "handoff_away"],
    ["handoff:keep-phone:4", "handoff_conflict"],
    ["something-else", null],
    ["poll:1", null],
  ])("%s → %s", (payload, kind) => expect(kindOfPayload(payload)).toBe(kind));
  it("is what matchQuestion reports of such a tap", () => {
    expect(answerOf("Yes", [], { payload: "undo:yes" })).toEqual({ kind: "unknown_button", payload: "undo:yes", of: "undo" });
  });
});
