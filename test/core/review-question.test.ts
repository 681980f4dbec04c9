// "Which file?" after a chat comment that fits several files: its text, its numbered buttons, and
// the answers that pick a file (a tap on this question's button, a number, a path or its end).
import { describe, expect, it } from "vitest";
import { reviewButtonId, reviewButtons, reviewQuestion, reviewQuestionOf } from "../../src/changes/review-question";
import { matchQuestion } from "../../src/questions/questions";

const at = (file: string, lineText: string) => ({ file, comments: [{ file, side: "new" as const, line: 12, lineText, body: "keep it", change: "the run for “x”" }] });
const choices = [at("src/add.js", "const a = 1;"), at("lib/add.js", "twelve"), at("test/add.test.js", "it()"), at("docs/add.md", "# Add")];

describe("reviewQuestion", () => {
  it("names each file, numbered, with the line it would mean, and says nothing is sent without a choice", () => {
    const text = reviewQuestion({ line: 12, label: "the run for “x”", choices: choices.slice(0, 2) });
    expect(text).toBe(
      [
        "Line 12 is in 2 files of the change of the run for “x”. Which one is your comment on?",
        "1. src/add.js (new line 12: const a = 1;)",
        "2. lib/add.js (new line 12: twelve)",
        "Tap or reply with its number. Nothing goes to the agent until you choose; if you write something else instead, your comment goes to the agent as the plain message you wrote, then that.",
      ].join("\n"),
    );
  });

  it("has a numbered button for at most three files; the text numbers the rest", () => {
    expect(reviewButtons(1000, 2)).toEqual([{ title: "1", id: "review:rs:1" }, { title: "2", id: "review:rs:2" }]);
    expect(reviewButtons(1000, 4).map((b) => b.title)).toEqual(["1", "2", "3"]);
    expect(reviewQuestion({ line: 12, label: "x", choices })).toContain("\n4. docs/add.md (new line 12: # Add)");
  });
});

describe("“which file?” as a question, read by matchQuestion", () => {
  const q = { ...reviewQuestionOf({ id: 1000, conversationId: 1, files: choices.map((c) => c.file) }, 1000), id: 1, closedAt: null };
  const noRuns = () => ({ runOpen: false, lastRunStartedAt: null });
  const picked = (text: string, payload: string | null) => {
    const m = matchQuestion({ body: text, buttonPayload: payload, hasMedia: false, conversationId: q.conversationId }, [q], 2000, noRuns);
    return m.kind === "answer" ? Number(m.value) : m.kind;
  };
  it.each([
    ["1", null, 0],
    [" 4. ", null, 3],
    ["5", null, "none"],
    ["0", null, "none"],
    ["lib/add.js", null, 1],
    ["add.md", null, 3],
    // Ends two files' paths: no one file.
    ["add.js", null, "none"],
    ["yes", null, "none"],
    ["1", reviewButtonId(1000, 1), 1],
    // Another (older) question's button is not this one's.
    ["1", reviewButtonId(999, 0), "unknown_button"],
    ["1", "undo:yes", "unknown_button"],
  ] as const)("%j (tapped %j) → %j", (text, payload, index) => {
    expect(picked(text, payload)).toBe(index);
  });

  it("is its own row per asking (its id), answered by the next message only, and never voided by a run", () => {
    expect(q).toMatchObject({ kind: "review_file", ref: "1000", conversationId: 1, nextMessageOnly: true, untilRun: false, expiresAt: null });
    expect(Object.keys(q.buttons)).toEqual(reviewButtons(1000, choices.length).map((b) => b.id));
  });
});
