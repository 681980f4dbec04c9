// The relay's questions as rows, read by one pure function: which question a message answers (a
// button by its payload, open or not; typed words only an open question's, by kind, then newest),
// when a question is open, and which the next message closes.
import { describe, expect, it } from "vitest";
import { closedByNextMessage, isOpen, kindOfPayload, matchQuestion, normalizeTyped, type Question, type RunFacts } from "../../src/questions/questions";
import { approvalQuestion } from "../../src/approvals/approvals";
import { planQuestion } from "../../src/approvals/plan-card";
import { undoQuestionOf } from "../../src/changes/run-change";
import { shipQuestionOf } from "../../src/github/ship";
import { fixQuestionOf, TYPED_FIX_WINDOW_MS } from "../../src/github/github-deliveries";
import { awayQuestionOf, conflictQuestionOf } from "../../src/handoff/handoff";
import { reviewQuestionOf } from "../../src/changes/review-question";
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

/** `here`: the conversation the message is written in (1 unless said). */
const answerOf = (body: string, questions: readonly Question[], o: { payload?: string; media?: boolean; now?: number; runs?: (c: number) => RunFacts; here?: number } = {}) =>
  matchQuestion({ body, buttonPayload: o.payload ?? null, hasMedia: o.media ?? false, conversationId: o.here ?? 1 }, questions, o.now ?? NOW, o.runs ?? noRuns);

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
  it.each<[string, string, Partial<{ payload: string; media: boolean }>, { kind: Question["kind"] | "none" | "unknown_button" | "which" | "elsewhere"; ref?: string; value?: string; via?: string }]>([
    // A bare yes several questions of the conversation could take answers none of them.
    ["a bare yes with an approval, /undo's and /ship's open here: which one?", "Yes", {}, { kind: "which" }],
    ["a number slot keeps the number", "no 12", {}, { kind: "approval", ref: "8", value: "no 12" }],
    ["all", "always all", {}, { kind: "approval", value: "always all" }],
    ["ship is /ship's alone", "ship", {}, { kind: "ship", value: "yes" }],
    ["cancel", "Cancel.", {}, { kind: "ship", value: "no" }],
    ["y with /undo's and /ship's open: which one?", "y", {}, { kind: "which" }],
    ["fix it: the newest notice's", "fix it!", {}, { kind: "github_fix", ref: "d-new", value: "fix" }],
    ["a button by its payload, whatever the text", "Go on here", { payload: "handoff:yes:3" }, { kind: "handoff_away", ref: "3", value: "yes", via: "button" }],
    ["an older notice's button is its own", "Later", { payload: "gh-later:d-old" }, { kind: "github_fix", ref: "d-old", value: "later" }],
    ["a payload no row holds", "Yes", { payload: "approval:99:yes" }, { kind: "unknown_button" }],
    ["text with media answers nothing", "yes", { media: true }, { kind: "none" }],
    ["other text answers nothing", "yes please", {}, { kind: "none" }],
    ["empty text", "  ", {}, { kind: "none" }],
  ])("%s", (_what, body, o, want) => {
    const m = answerOf(body, all, o);
    if (m.kind === "which" || m.kind === "elsewhere") return expect({ kind: m.kind }).toEqual(want);
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
    ["plan:7:ask", "plan"],
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

describe("a bare answer goes to the question just asked, in the conversation it is written in", () => {
  // One question of each kind, built by its capability, in conversation `c` (a CI notice has none), asked at `at`.
  const build: Record<Question["kind"], (c: number, at: number) => Question> = {
    approval: (c, at) => row(approvalQuestion({ id: at, conversationId: c, createdAt: at })),
    plan: (c, at) => row(planQuestion({ id: at, conversationId: c, createdAt: at })),
    undo: (c, at) => row(undoQuestionOf(c, at)),
    ship: (c, at) => row(shipQuestionOf(c, at)),
    github_fix: (_c, at) => row(fixQuestionOf(`d${at}`, at)),
    review_file: (c, at) => row(reviewQuestionOf({ id: at, conversationId: c, files: ["a/x.ts", "b/x.ts"] }, at)),
    handoff_away: (c, at) => row(awayQuestionOf(c, at)),
    handoff_conflict: (c, at) => row(conflictQuestionOf(c, at)),
  };
  /** Each kind's bare typed answer; the hand-off's two are answered by their buttons only. */
  const BARE: Partial<Record<Question["kind"], string>> = { approval: "yes", plan: "yes", undo: "yes", ship: "yes", github_fix: "fix it", review_file: "1" };
  const KINDS = Object.keys(build) as Question["kind"][];
  const takes = (q: Question, word: string) => Object.hasOwn(q.words, word);
  const cases: { x: Question["kind"]; y: Question["kind"]; where: "same" | "other"; order: "x first" | "y first" }[] = [];
  for (const x of KINDS.filter((k) => BARE[k])) for (const y of KINDS) for (const where of ["same", "other"] as const) for (const order of ["x first", "y first"] as const) cases.push({ x, y, where, order });

  // The user writes in conversation 1, where question x was asked; y was asked in 1 too, or in 2; typed: x's bare answer.
  it.each(cases)("$x here and $y in the $where conversation, $order: x's word", ({ x, y, where, order }) => {
    const [atX, atY] = order === "x first" ? [100, 200] : [200, 100];
    const qx = build[x](1, atX);
    const qy = build[y](where === "same" ? 1 : 2, atY);
    const word = BARE[x]!;
    const m = answerOf(word, order === "x first" ? [qx, qy] : [qy, qx], { here: 1 });
    const yHere = qy.conversationId === null || qy.conversationId === 1;
    // y does not take the word: x's. Questions of one kind here stand as the newest (the approvals' capability asks "which one?" among its own).
    // y of another kind here takes it too: which one? y of another conversation takes it: which one, only if y was asked after x.
    const expected = !takes(qy, word) ? qx : x === y && yHere ? (atY > atX ? qy : qx) : yHere || atY > atX ? "which" : qx;
    if (expected === "which") return expect(m).toMatchObject({ kind: "which", questions: expect.arrayContaining([qx, qy]) });
    expect(m).toMatchObject({ kind: "answer", via: "word", question: { id: expected.id } });
  });

  it("the bug: /undo asked here after an approval of another conversation, then yes: /undo's, not the approval", () => {
    const side = build.approval(2, 100);
    const undoHere = build.undo(1, 200);
    expect(answerOf("yes", [side, undoHere], { here: 1 })).toMatchObject({ kind: "answer", question: { kind: "undo" }, value: "yes" });
  });

  it.each([
    ["an approval of another conversation alone needs its number", "yes", [build.approval(2, 100)], { kind: "elsewhere" }],
    ["…and with its number it is answered", "yes 100", [build.approval(2, 100)], { kind: "answer", value: "yes 100" }],
    ["yes all answers the conversation's own, whatever another conversation asked since", "yes all", [build.approval(1, 100), build.approval(2, 200)], { kind: "answer", question: { conversationId: 1 }, value: "yes all" }],
    ["yes all with only another conversation's: needs numbers", "no all", [build.approval(2, 100)], { kind: "elsewhere" }],
    ["a CI notice belongs to no conversation: its fix it is answered anywhere", "fix it", [build.github_fix(2, 100)], { kind: "answer", value: "fix" }],
    ["/undo's question of another conversation: its button only", "no", [build.undo(2, 100)], { kind: "elsewhere" }],
  ] as const)("%s", (_what, word, questions, want) => expect(answerOf(word, questions, { here: 1 })).toMatchObject(want));
});
