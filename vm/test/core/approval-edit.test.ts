// The diff an edit's approval carries: the file before and after a Write, Edit or MultiEdit, a
// notebook cell's source before and after a NotebookEdit, the files before and after `sed -i` or
// `perl -pi`; named inside the project, its lines counted whole, secrets replaced, cut at a line past the limit.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
      { path: ".env", diff: "--- /dev/null\n+++ b/.env\n@@ -0,0 +1 @@\n+TOKEN=[redacted]\n" }],
  ])("%s", (_name, tool, input, before, expected) => {
    expect(approvalEdit(tool, input, before, where)).toMatchObject({ cut: false, ...expected });
  });

  it.each([
    ["a command that edits nothing", "Bash", { command: "npm test" }, "a\n"],
    ["sed -i on a file that is not there", "Bash", { command: "sed -i s/a/b/ x" }, null],
    ["a NotebookEdit of a cell the notebook does not have", "NotebookEdit", { notebook_path: "/work/main/n.ipynb", cell_id: "zzz", new_source: "x" }, JSON.stringify({ cells: [{ id: "a1", cell_type: "code", source: "x = 1\n" }] })],
    ["a NotebookEdit of a file that is no notebook", "NotebookEdit", { notebook_path: "/work/main/n.ipynb", cell_id: "a1", new_source: "x" }, "not json"],
    ["an Edit whose old_string is not in the file (the CLI refuses it too)", "Edit", { file_path: "/work/main/x", old_string: "zzz", new_string: "y" }, "a\n"],
    ["a Write without content", "Write", { file_path: "/work/main/x" }, null],
    ["a MultiEdit without edits", "MultiEdit", { file_path: "/work/main/x", edits: [] }, "a\n"],
  ])("none for %s", (_name, tool, input, before) => {
    expect(approvalEdit(tool, input, before, where)).toBeNull();
  });

  const NOTEBOOK = JSON.stringify({ cells: [{ id: "a1", cell_type: "code", source: ["import math\n", "x = math.pi\n"] }, { id: "b2", cell_type: "markdown", source: "# Notes\n" }], nbformat: 4 });
  const LEGACY = JSON.stringify({ cells: [{ cell_type: "code", source: ["a = 1\n"] }, { cell_type: "code", source: ["b = 2\n"] }] });
  it.each([
    ["replace: the cell's source before and after", { cell_id: "a1", new_source: "import math\nx = math.tau\n" }, NOTEBOOK,
      { path: "nb.ipynb", added: 1, removed: 1, diff: "--- a/nb.ipynb (cell a1)\n+++ b/nb.ipynb (cell a1)\n@@ -1,2 +1,2 @@\n import math\n-x = math.pi\n+x = math.tau\n" }],
    ["insert: a new cell after the one named", { cell_id: "a1", new_source: "print(x)\n", cell_type: "code", edit_mode: "insert" }, NOTEBOOK,
      { path: "nb.ipynb", added: 1, removed: 0, diff: "--- a/nb.ipynb (new cell after a1)\n+++ b/nb.ipynb (new cell after a1)\n@@ -0,0 +1 @@\n+print(x)\n" }],
    ["delete: the cell's source goes", { cell_id: "b2", edit_mode: "delete" }, NOTEBOOK, { added: 0, removed: 1 }],
    ["cells without ids: cell-N is the N-th", { cell_id: "cell-1", new_source: "b = 3\n" }, LEGACY, { diff: expect.stringContaining("-b = 2\n+b = 3\n") }],
  ])("NotebookEdit, %s", (_name, input, notebook, expected) => {
    expect(approvalEdit("NotebookEdit", { notebook_path: "/work/main/nb.ipynb", ...input }, notebook, where)).toMatchObject({ cut: false, ...expected });
  });

  it("a command that edits in place: each file it names, before and after, in one diff", () => {
    const files: Record<string, string> = { "src/add.js": FILE, "src/sub.js": "return a - b;\n" };
    const edit = approvalEdit("Bash", { command: "sed -i.bak 's/a - b/a + b/g' src/add.js src/sub.js" }, (path) => files[path] ?? null, where);
    expect(edit).toEqual({
      path: "src/add.js, src/sub.js", added: 2, removed: 2, cut: false,
      diff: "--- a/src/add.js\n+++ b/src/add.js\n@@ -1,3 +1,3 @@\n function add(a, b) {\n-  return a - b;\n+  return a + b;\n }\n--- a/src/sub.js\n+++ b/src/sub.js\n@@ -1 +1 @@\n-return a - b;\n+return a + b;\n",
    });
    expect(approvalEdit("Bash", { command: "perl -pi -e 's/add/sum/' /work/main/src/add.js" }, () => FILE, where)).toMatchObject({ path: "src/add.js", added: 1, removed: 1 });
    const many = Array.from({ length: 200 }, (_, i) => `dir/file-${i}.txt`);
    expect(approvalEdit("Bash", { command: `sed -i s/a/b/ ${many.join(" ")}` }, () => "a\n", where)).toMatchObject({ path: "dir/file-0.txt and 199 more files", added: 200, removed: 200 });
  });

  it("a diff past the limit is cut at a line and says so; its lines are counted whole", () => {
    const content = Array.from({ length: 10_000 }, (_, i) => `line ${i} ${"x".repeat(20)}`).join("\n") + "\n";
    const edit = approvalEdit("Write", { file_path: "/work/main/big.txt", content }, null, where)!;
    expect(edit).toMatchObject({ cut: true, added: 10_000, removed: 0 });
    expect(edit.diff.length).toBeLessThanOrEqual(APPROVAL_EDIT_MAX_CHARS);
    expect(edit.diff.endsWith("\n")).toBe(true);
  });
});

describe("its hunk headers", () => {
  /** A header's range, without the section name git may append after it. */
  const ranges = (diff: string) => diff.split("\n").filter((l) => l.startsWith("@@")).map((l) => l.slice(0, l.indexOf("@@", 2) + 2));
  /** The hunk headers `git diff` writes for the same change (what the /diff picture draws). */
  function gitHeaders(before: string | null, after: string): string[] {
    const dir = mkdtempSync(join(tmpdir(), "approval-hunks-"));
    try {
      writeFileSync(join(dir, "after"), after);
      if (before !== null) writeFileSync(join(dir, "before"), before);
      const diff = spawnSync("git", ["diff", "--no-index", "--no-color", before === null ? "/dev/null" : "before", "after"], { cwd: dir, encoding: "utf8" });
      return ranges(diff.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.each([
    ["one line replaced", "bye\n", "ciao\n"],
    ["a new file of one line", null, "hello\n"],
    ["a new file of two lines", null, "one\ntwo\n"],
    ["a line added to one", "one\n", "one\ntwo\n"],
    ["the middle of three", FILE, "function add(a, b) {\n  return a + b;\n}\n"],
    ["two hunks far apart", Array.from({ length: 20 }, (_, i) => `l${i}\n`).join(""), Array.from({ length: 20 }, (_, i) => (i === 0 || i === 19 ? `L${i}\n` : `l${i}\n`)).join("")],
    ["a file emptied", "gone\n", ""],
  ])("%s: as git writes them", (_name, before, after) => {
    const edit = approvalEdit("Write", { file_path: "/work/main/f.txt", content: after }, before, where);
    expect(ranges(edit?.diff ?? "")).toEqual(gitHeaders(before, after));
  });
});
