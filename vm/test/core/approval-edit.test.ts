// The diff an edit's approval carries: the file before and after a Write, Edit or MultiEdit, named
// inside the project, its lines counted whole, secrets replaced, cut at a line past the limit.
import { describe, expect, it } from "vitest";
import { approvalEdit } from "../../src/core/approval-edit";
import { APPROVAL_EDIT_MAX_CHARS } from "../../../src/protocol/vm/approvals";

const where = { cwd: "/work/main", secrets: ["s3cr3t-token"] };
const FILE = "function add(a, b) {\n  return a - b;\n}\n";

describe("approvalEdit", () => {
  it.each([
    ["an Edit: the file before and after", "Edit", { file_path: "/work/main/src/add.js", old_string: "  return a - b;", new_string: "  // the sum\n  return a + b;" }, FILE,
      { path: "src/add.js", added: 2, removed: 1, diff: "--- a/src/add.js\n+++ b/src/add.js\n@@ -1,3 +1,4 @@\n function add(a, b) {\n-  return a - b;\n+  // the sum\n+  return a + b;\n }\n" }],
    ["a Write of a new file", "Write", { file_path: "/work/main/notes.txt", content: "one\ntwo\n" }, null,
      { path: "notes.txt", added: 2, removed: 0, diff: "--- /dev/null\n+++ b/notes.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n" }],
    ["a Write over a file: compared with it", "Write", { file_path: "/work/main/src/add.js", content: "function add(a, b) {\n  return a + b;\n}\n" }, FILE,
      { path: "src/add.js", added: 1, removed: 1 }],
    ["a MultiEdit: its edits in turn", "MultiEdit", { file_path: "/work/main/src/add.js", edits: [{ old_string: "add", new_string: "sum" }, { old_string: "a - b", new_string: "a + b" }] }, FILE,
      { path: "src/add.js", added: 2, removed: 2 }],
    ["an Edit with replace_all", "Edit", { file_path: "/work/main/x.txt", old_string: "a", new_string: "b", replace_all: true }, "a\na\n",
      { path: "x.txt", added: 2, removed: 2 }],
    ["a file outside the project: named whole", "Write", { file_path: "/tmp/out.txt", content: "x\n" }, null,
      { path: "/tmp/out.txt", added: 1, removed: 0 }],
    ["a secret in the new text is replaced", "Write", { file_path: "/work/main/.env", content: "TOKEN=s3cr3t-token\n" }, null,
      { path: ".env", diff: "--- /dev/null\n+++ b/.env\n@@ -0,0 +1,1 @@\n+TOKEN=[redacted]\n" }],
  ])("%s", (_name, tool, input, before, expected) => {
    expect(approvalEdit(tool, input, before, where)).toMatchObject({ cut: false, ...expected });
  });

  it.each([
    ["a command", "Bash", { command: "sed -i s/a/b/ x" }, "a\n"],
    ["an Edit whose old_string is not in the file (the CLI refuses it too)", "Edit", { file_path: "/work/main/x", old_string: "zzz", new_string: "y" }, "a\n"],
    ["a Write without content", "Write", { file_path: "/work/main/x" }, null],
    ["a MultiEdit without edits", "MultiEdit", { file_path: "/work/main/x", edits: [] }, "a\n"],
  ])("none for %s", (_name, tool, input, before) => {
    expect(approvalEdit(tool, input, before, where)).toBeNull();
  });

  it("a diff past the limit is cut at a line and says so; its lines are counted whole", () => {
    const content = Array.from({ length: 10_000 }, (_, i) => `line ${i} ${"x".repeat(20)}`).join("\n") + "\n";
    const edit = approvalEdit("Write", { file_path: "/work/main/big.txt", content }, null, where)!;
    expect(edit).toMatchObject({ cut: true, added: 10_000, removed: 0 });
    expect(edit.diff.length).toBeLessThanOrEqual(APPROVAL_EDIT_MAX_CHARS);
    expect(edit.diff.endsWith("\n")).toBe(true);
  });
});
