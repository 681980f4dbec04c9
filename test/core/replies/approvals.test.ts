import { describe, expect, it } from "vitest";
import { answerAck, approvalsDescription, approvalsLog, closedAs, closedNumber, eventsOnlyReply, expiredNotice, firstLine, leftOpenNote, noSuchNumber, refusedLine, reminderText, whichOne } from "../../../src/approvals/approvals-replies";

const prompt = (over: Partial<{ description: string; number: number; status: string; answer: "yes" | "no" | "always" | null }> = {}) => ({ description: "Run a command: npm test", number: 1, status: "pending", answer: null, ...over });

describe("approval replies", () => {
  it.each([
    ["yes to one", [prompt()], "yes" as const, { rules: [], conversation: "main", someWithoutRule: false }, "✅ Allowed: Run a command: npm test."],
    ["no to two", [prompt(), prompt({ number: 2 })], "no" as const, { rules: [], conversation: "main", someWithoutRule: false }, "🚫 Denied: 2 requests (#1, #2). The agent is told it was not done."],
    ["always with a rule", [prompt()], "always" as const, { rules: ["Bash(npm test:*)"], conversation: "api", someWithoutRule: false }, "✅ Allowed: Run a command: npm test. From now on in api the agent does not ask for Bash(npm test:*) (/approvals forget clears it)."],
    ["always without a rule", [prompt()], "always" as const, { rules: [], conversation: "api", someWithoutRule: true }, "✅ Allowed: Run a command: npm test. (no rule can say this one, so it was allowed once)"],
  ])("%s", (_name, answered, answer, remembered, expected) => {
    expect(answerAck(answered, answer, remembered)).toBe(expected);
  });

  it.each([
    ["allowed", "yes", "allowed"],
    ["allowed", "always", "allowed always"],
    ["expired", null, "not answered in time"],
    ["stopped", null, "denied by /stop"],
    ["ended", null, "withdrawn: the run ended first"],
  ] as const)("closedAs %s/%s", (status, answer, expected) => {
    expect(closedAs({ status, answer })).toBe(expected);
  });

  it.each([
    ["a line ending in a colon takes the one it introduces", "Run a command:\nnpm test\nmore", "Run a command: npm test"],
    ["an edit: its first line, never its diff", "Write notes.txt: new file, +1\n@@ -0,0 +1 @@\n+hello", "Write notes.txt: new file, +1"],
    ["a replaced line", "Edit notes.txt: +1 −1\n@@ -1 +1 @@\n-hi\n+hello", "Edit notes.txt: +1 −1"],
    ["a shell command that edits", "Run “sed -i s/a/b/ x”, which edits x: +1 −1\n@@ -1 +1 @@\n-a\n+b", "Run “sed -i s/a/b/ x”, which edits x: +1 −1"],
    ["at most 160 characters", "x".repeat(300), "x".repeat(160)],
  ])("firstLine: %s", (_what, description, expected) => {
    expect(firstLine({ description })).toBe(expected);
  });

  const EDIT = "Write notes.txt: new file, +1\n@@ -0,0 +1 @@\n+hello";
  const REPLACE = "Edit notes.txt: +1 −1\n@@ -1 +1 @@\n-hi\n+hello";
  it.each([
    ["an edit, named as its prompt named it", "yes" as const, [prompt({ description: EDIT })], "✅ Allowed: Write notes.txt: new file, +1."],
    ["a replaced line denied", "no" as const, [prompt({ description: REPLACE })], "🚫 Denied: Edit notes.txt: +1 −1. The agent is told it was not done."],
  ])("answerAck: %s", (_what, answer, answered, expected) => {
    expect(answerAck(answered, answer, { rules: [], conversation: "main", someWithoutRule: false })).toBe(expected);
  });

  it.each([
    [
      "one prompt",
      [{ description: EDIT, number: 3, conversation: "main", askedAt: 0, expiresAt: 600_000 }],
      180_000,
      "⏳ Approval #3 in main still waits for your answer (asked 3 min ago): Write notes.txt: new file, +1. Reply yes 3 or no 3; denied in 7 min if not answered. The agent does nothing until then.",
    ],
    [
      "two prompts in one reminder",
      [
        { description: REPLACE, number: 3, conversation: "main", askedAt: 0, expiresAt: 600_000 },
        { description: "Run a command:\nnpm test", number: 4, conversation: "api", askedAt: 60_000, expiresAt: 660_000 },
      ],
      240_000,
      "⏳ 2 approvals still wait for your answer; the agent does nothing until then:\n#3 in main (asked 4 min ago, denied in 6 min if not answered): Edit notes.txt: +1 −1\n#4 in api (asked 3 min ago, denied in 7 min if not answered): Run a command: npm test\nReply yes or no with the number (yes 3), or yes all.",
    ],
  ])("reminderText: %s", (_what, prompts, now, expected) => {
    expect(reminderText(prompts, now)).toBe(expected);
  });

  it("says which prompts are open, and how long one waited", () => {
    expect(noSuchNumber(4, [1, 2])).toBe("No open approval #4. Open: #1, #2.");
    expect(noSuchNumber(4, [])).toBe("No open approval #4. Open: none.");
    expect(whichOne(2, "yes", 1)).toBe("2 approvals are open: answer one (yes 1) or all (yes all).");
    expect(expiredNotice(prompt(), 600_000)).toBe("⌛ Not approved in time (10 min), so it was not done: Run a command: npm test. The agent was told.");
  });

  it("lists what a task was not allowed, the mode, and the log", () => {
    expect(refusedLine([])).toBe("");
    expect(refusedLine([prompt({ status: "denied", answer: "no" })])).toBe("\n\nNot approved during this task: Run a command: npm test (denied).");
    expect(approvalsDescription("main", "edits", [])).toMatch(/^Approvals in main: edits: file edits in the project go ahead, and so do the commands mkdir, touch, rm, rmdir, mv, cp, sed and output written to a file \(> file\) there, since they edit files too; any other command that changes something is asked here\.\nNothing is always allowed\./);
    expect(approvalsLog([])).toBe("No approval was asked yet.");
    expect(approvalsLog([{ ...prompt({ status: "allowed", answer: "yes" }), tool: "Bash", when: "Nov 23, 10:00", conversation: "sample" }])).toBe("Last approvals (newest first):\nNov 23, 10:00 · [sample] · Bash · Run a command: npm test · allowed");
  });
});

describe("answers that reach only the run they were meant for", () => {
  it.each([
    ["answered", prompt({ number: 3, status: "allowed", answer: "yes" }), [5], "#3 was already answered (allowed), so this answer changed nothing. Still open: #5."],
    ["timed out", prompt({ number: 3, status: "expired" }), [5, 6], "#3 was already closed (not answered in time), so this answer changed nothing. Still open: #5, #6."],
    ["its run ended", prompt({ number: 3, status: "ended" }), [], "#3 was already closed (withdrawn: the run ended first), so this answer changed nothing."],
  ])("a closed number: %s", (_name, closed, open, expected) => {
    expect(closedNumber(closed, open)).toBe(expected);
  });

  it.each([
    [[], "yes" as const, ""],
    [[{ number: 8, event: "[trigger deploy]" }], "yes" as const, " Left open: #8 [trigger deploy], started by an event, not by you: answer it by its number (yes 8) or its button."],
    [
      [
        { number: 8, event: "[trigger deploy]" },
        { number: 9, event: "[acme/api#3 issue]" },
      ],
      "no" as const,
      " Left open: #8 [trigger deploy], #9 [acme/api#3 issue], started by an event, not by you: answer each by its number (no 8) or its button.",
    ],
  ])("what all left open: %j", (left, answer, expected) => {
    expect(leftOpenNote(left, answer)).toBe(expected);
  });

  it("only events' prompts open: nothing answered, and how to answer them", () => {
    expect(eventsOnlyReply([{ number: 8, event: "[trigger deploy]" }], "yes")).toBe(
      "Nothing answered: #8 [trigger deploy] is a request of a run started by an event, not by you, answered only by its number (yes 8) or button.",
    );
  });
});
