import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/commands/commands";
import { changeLine, commentHint, diffSummary, nothingToDiff, undoDone, withPageLink } from "../../src/changes/changes-replies";
import { changeTotals, namedFiles, parseDiffIndex, parseUndoAnswer, runLabel, undoQuestionOf, UNDO_BUTTONS } from "../../src/changes/run-change";
import { isOpen, matchQuestion } from "../../src/questions/questions";
import type { RunChangeFile } from "../../src/protocol/vm/changes";

const file = (path: string, insertions: number, deletions: number): RunChangeFile => ({ path, status: "modified", insertions, deletions });

describe("the change line", () => {
  it.each([
    [[file("a.ts", 10, 3), file("b.ts", 4, 0)], "2 files changed, +14 −3 · /diff to see, /undo to take back"],
    [[file("a.ts", 1, 0)], "1 file changed, +1 −0 · /diff to see, /undo to take back"],
    [[{ ...file("logo.png", 0, 0), binary: true as const }], "1 file changed, +0 −0 · /diff to see, /undo to take back"],
  ])("%j → %s", (files, line) => {
    expect(changeLine(changeTotals(files))).toBe(line);
  });
});

describe("naming files and runs", () => {
  it.each([
    [["a"], 5, "a"],
    [["a", "b", "c"], 5, "a, b, c"],
    [["a", "b", "c", "d"], 2, "a, b and 2 more"],
  ])("%j at most %i → %s", (paths, max, named) => {
    expect(namedFiles(paths.map((path) => ({ path })), max)).toBe(named);
  });
  it.each([
    ["fix the login bug", "the run for “fix the login bug”"],
    ["", "the agent's last run"],
    [null, "the agent's last run"],
    ["x".repeat(100), `the run for “${"x".repeat(59)}…”`],
  ])("%j → %s", (text, label) => {
    expect(runLabel(text)).toBe(label);
  });
});

describe("/diff, /undo, /redo parse", () => {
  it.each([
    ["", 1],
    ["3", 3],
    [" 50 ", 50],
    ["0", null],
    ["51", null],
    ["two", null],
    ["-1", null],
  ])("/diff %j → %s", (args, index) => {
    expect(parseDiffIndex(args)).toBe(index);
  });
  it.each([
    ["/diff", { type: "diff", index: 1 }],
    ["/diff 2", { type: "diff", index: 2 }],
    ["/diff x", { type: "invalid", reason: "/diff takes nothing or a number (/diff 2: the change before the last)." }],
    ["/undo", { type: "undo" }],
    ["/Redo", { type: "redo" }],
    ["/undo it", { type: "invalid", reason: "/undo takes no arguments." }],
  ])("%s", (text, command) => {
    expect(parseCommand(text)).toEqual(command);
  });
});

describe("the undo question", () => {
  const q = { ...undoQuestionOf(1, 1000), id: 1, closedAt: null };
  it.each([
    [false, null, true],
    [false, 999, true],
    [false, 1000, false],
    [false, 2000, false],
    [true, 999, false],
  ])("run open %s, last run started %s → open %s", (runOpen, lastRunStartedAt, open) => {
    expect(isOpen(q, 5000, () => ({ runOpen, lastRunStartedAt }))).toBe(open);
  });
  // What the question reads, and what the tap's acknowledgement on Telegram reads (channels/telegram/keyboard.ts).
  const ANSWERS: [string, string | null, string | null][] = [
    ["yes", null, "yes"],
    ["Yes!", null, "yes"],
    [" y ", null, "yes"],
    ["NO", null, "no"],
    ["Yes", "undo:no", "no"],
    ["yes please do", null, null],
    ["always", null, null],
  ];
  it.each(ANSWERS)("as a question: %j (button %j) → %j", (text, payload, answer) => {
    const m = matchQuestion({ body: text, buttonPayload: payload, hasMedia: false, conversationId: q.conversationId }, [q], 5000, () => ({ runOpen: false, lastRunStartedAt: null }));
    expect(m.kind === "answer" ? m.value : null).toBe(answer);
  });
  it("holds the buttons /undo shows", () => expect(Object.keys(q.buttons)).toEqual(UNDO_BUTTONS.map((b) => b.id)));
  it.each([...ANSWERS, ["Yes", "approval:3:yes", "yes"]])("%j with payload %j → %s", (text, payload, word) => {
    expect(parseUndoAnswer(text, payload)).toBe(word);
  });
});

describe("replies", () => {
  it("summarizes a change for /diff", () => {
    expect(diffSummary({ index: 2, label: "the run for “x”", totals: { files: 1, insertions: 5, deletions: 2 }, named: "src/a.ts", truncated: true })).toBe(
      "Change 2 back, by the run for “x”: 1 file, +5 −2: src/a.ts. The diff was cut at 2 MB: the picture shows its start.",
    );
    expect(nothingToDiff(1, 0)).toMatch(/^No change to show/);
    expect(nothingToDiff(3, 2)).toBe("There are only 2 changes to show here; /diff 2 is the oldest.");
  });
  it.each([
    ["with the page's link", "https://relay/web/t", "Last change, by x: 1 file, +1 −1: a.ts. The whole diff, coloured, on the page: https://relay/web/t\nTo comment on a line, reply “line 12: …” (or “src/app.ts:12 …”), or tap the line on the page: the agent gets your comments as a review."],
    ["without links set up", null, "Last change, by x: 1 file, +1 −1: a.ts.\nTo comment on a line, reply “line 12: …” (or “src/app.ts:12 …”): the agent gets your comments as a review."],
  ])("/diff's reply says how to comment every time: %s", (_what, url, expected) => {
    expect(withPageLink("Last change, by x: 1 file, +1 −1: a.ts.", url)).toBe(expected);
  });
  it("after the first change line: the page /web links to", () => {
    expect(commentHint("web")).toBe("To comment on a line, reply “line 12: …” (or “src/app.ts:12 …”), or tap the line on the page /web links to: the agent gets your comments as a review.");
  });
  it("says what undo left as it is, and what it cannot do when the VM named nothing", () => {
    const done = undoDone({ kind: "undo", label: "the run for “x”", named: "a.ts", count: 1, cannotRestore: ["ignored files (.gitignore) were left as they are"] });
    expect(done).toBe("Undone: the run for “x”. Back as before it: a.ts.\nNot restored: ignored files (.gitignore) were left as they are.\n/redo puts it back; /undo again goes one run further back.");
    expect(undoDone({ kind: "redo", label: "the run for “x”", named: "", count: 0, cannotRestore: [] })).toMatch(/^Redone: the run for “x” is back: no file needed changing\.\nIt cannot restore ignored files/);
  });
});
