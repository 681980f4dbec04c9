// An edit's approval prompt: the line naming the file and what the edit does, the diff's lines that
// fit one message in a code block (or none, under a picture), and how many lines are not shown.
import { describe, expect, it } from "vitest";
import { codeBlock, diffExcerpt, editSummary, linesNotShown } from "../../src/approvals/edit-preview";
import { describeEdit, editApprovalPrompt, editCommandOf } from "../../src/approvals/approvals";

const ADD_JS = "--- a/src/add.js\n+++ b/src/add.js\n@@ -1,3 +1,4 @@\n function add(a, b) {\n-  return a - b;\n+  // the sum\n+  return a + b;\n }\n";
const edit = { path: "src/add.js", diff: ADD_JS, added: 2, removed: 1, cut: false };
const longDiff = (n: number) => `--- /dev/null\n+++ b/big.txt\n@@ -0,0 +1,${n} @@\n${Array.from({ length: n }, (_, i) => `+line ${i}`).join("\n")}\n`;

describe("editSummary", () => {
  it.each([
    [edit, "src/add.js: +2 −1"],
    [{ ...edit, added: 1, removed: 0 }, "src/add.js: +1 −0"],
    // One replaced line: +1 −1, as the picture, the change line and the page count it (never "2 lines changed").
    [{ ...edit, added: 1, removed: 1 }, "src/add.js: +1 −1"],
    [{ path: "notes.txt", diff: "--- /dev/null\n+++ b/notes.txt\n@@ -0,0 +1,2 @@\n+a\n+b\n", added: 2, removed: 0 }, "notes.txt: new file, +2"],
    [{ ...edit, path: "evil\u202Etxt.js" }, "evil⟨U+202E⟩txt.js: +2 −1"],
  ])("%#: %s", (given, expected) => expect(editSummary(given)).toBe(expected));
});

describe("diffExcerpt", () => {
  it.each([
    ["all fits", ADD_JS, 1000, 6, 0],
    ["only the lines that fit, whole", ADD_JS, 40, 2, 4],
    ["nothing fits", ADD_JS, 5, 0, 6],
    ["a long diff", longDiff(500), 200, 22, 479],
  ])("%s", (_name, diff, maxChars, shown, notShown) => {
    const excerpt = diffExcerpt(diff, maxChars);
    expect([excerpt.lines.length, excerpt.notShown]).toEqual([shown, notShown]);
    expect(excerpt.lines.join("\n").length).toBeLessThanOrEqual(maxChars);
  });
});

describe("linesNotShown", () => {
  it.each([
    [0, false, null, ""],
    [12, false, "https://relay.example/r/x", "… 12 more lines not shown: https://relay.example/r/x"],
    [1, false, null, "… 1 more line not shown (the private page, /web, shows the whole edit)."],
    [0, true, "https://l", "… 0+ more lines not shown: https://l"],
  ])("%s lines, cut %s", (n, cut, link, expected) => expect(linesNotShown(n, { cut }, link)).toBe(expected));
});

it("a code block no line of the diff can close", () => {
  expect(codeBlock([" a", "+b"])).toBe("```diff\n a\n+b\n```");
  expect(codeBlock([" ```", "+````x"])).toBe("`````diff\n ```\n+````x\n`````");
});

describe("editApprovalPrompt", () => {
  const base = { number: 3, conversation: "main", always: { rule: "Edit(/w/src/add.js)" }, timeoutMs: 600_000, prefix: "", projectDir: "/w", link: null };
  it("as text: the summary, the diff in a code block, the words to answer", () => {
    const { body, cut } = editApprovalPrompt({ ...base, maxChars: 4096, tool: "Edit", edit, picture: null });
    expect(body).toBe(
      "🔐 Approval #3 in main: the agent wants to edit src/add.js: +2 −1\n```diff\n@@ -1,3 +1,4 @@\n function add(a, b) {\n-  return a - b;\n+  // the sum\n+  return a + b;\n }\n```\n" +
        "Reply yes 3, no 3 or always 3 (always: in main, from now on allow Edit(src/add.js)). Not answered in 10 min: denied.",
    );
    expect(cut).toBe(0);
  });

  it("a long edit fits the message, says how many lines are not shown and links to the whole", () => {
    const big = { path: "big.txt", diff: longDiff(1000), added: 1000, removed: 0, cut: false };
    const { body, cut } = editApprovalPrompt({ ...base, maxChars: 4096, tool: "Write", edit: big, picture: null, link: "https://relay.example/r/abc" });
    expect(body.length).toBeLessThanOrEqual(4096);
    expect(body).toMatch(/^🔐 Approval #3 in main: the agent wants to write big\.txt: new file, \+1000\n```diff\n@@ -0,0 \+1,1000 @@\n\+line 0\n/);
    expect(body).toContain(`\n\`\`\`\n… ${cut} more lines not shown: https://relay.example/r/abc\nReply yes 3`);
    expect(cut).toBeGreaterThan(500);
  });

  it("a shell command that edits in place: the command it runs, then what it does to the file", () => {
    const command = editCommandOf("Bash", { command: "sed -i 's/a - b/a + b/'\n  src/add.js" });
    expect(command).toBe("sed -i 's/a - b/a + b/' src/add.js");
    const { body } = editApprovalPrompt({ ...base, always: { rule: "Bash(sed:*)" }, maxChars: 4096, tool: "Bash", edit, picture: null, command });
    expect(body.split("\n")[0]).toBe("🔐 Approval #3 in main: the agent wants to run “sed -i 's/a - b/a + b/' src/add.js”, which edits src/add.js: +2 −1");
    expect(describeEdit("Bash", edit, command).split("\n")[0]).toBe("Run “sed -i 's/a - b/a + b/' src/add.js”, which edits src/add.js: +2 −1");
    expect(editCommandOf("Edit", { command: "x" })).toBeNull();
  });

  it("under a picture: no diff in the text, and the lines the picture leaves out", () => {
    const { body, cut } = editApprovalPrompt({ ...base, maxChars: 1600, tool: "Edit", edit, picture: { linesHidden: 7 }, link: "https://l" });
    expect(body).toBe("🔐 Approval #3 in main: the agent wants to edit src/add.js: +2 −1\n… 7 more lines not shown: https://l\nReply yes 3, no 3 or always 3 (always: in main, from now on allow Edit(src/add.js)). Not answered in 10 min: denied.");
    expect(cut).toBe(7);
  });
});
