// With the real CLI: an approval for a NotebookEdit carries the cell's change, and one for a
// `sed -i` command carries the file's, so the user sees either before approving it.
import { readFileSync } from "node:fs";
import type { VmRunEvent } from "../../src/protocol/vm/runs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { uniqueId, useHarness, type EventReader } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 60_000 });
const ON = { approvals: { mode: "on" } } as const;
const tool = (name: string, input: unknown) => `[[tool ${name} ${JSON.stringify(input)}]]`;
const workspaceOf = (userId: string) => workspaceDirOf(userPathsOf(h.dataDir, userId), "main");

async function approvalOf(reader: EventReader) {
  const event = await reader.waitFor((e) => e.type === "approval_request");
  if (event.type !== "approval_request") throw new Error("not an approval request");
  return event;
}
const deny = (runId: string, requestId: string) => h.call("POST", `/v1/runs/${runId}/approval`, { requestId, decision: "deny" });

/** A file the agent wrote in a run that asked nothing. */
async function written(userId: string, path: string, content: string): Promise<void> {
  await (await h.startRun({ userId, text: tool("Write", { file_path: path, content }) })).end();
  expect(readFileSync(join(workspaceOf(userId), path), "utf8")).toBe(content);
}

it("a NotebookEdit's request carries the cell's source before and after", async () => {
  const userId = "+15550000361";
  const notebook = JSON.stringify({ cells: [{ id: "a1", cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: ["import math\n", "x = math.pi\n"] }], metadata: {}, nbformat: 4, nbformat_minor: 5 });
  // The CLI edits a notebook only after it read or wrote it in the same process: written first, approved, in the warm session.
  const first = uniqueId("run");
  const writing = await h.startRun({ runId: first, userId, text: tool("Write", { file_path: "nb.ipynb", content: notebook }), options: ON });
  const write = await approvalOf(writing);
  expect((await h.call("POST", `/v1/runs/${first}/approval`, { requestId: write.requestId, decision: "allow" })).status).toBe(202);
  const sessionId = (await writing.end()).find((e): e is Extract<VmRunEvent, { type: "session" }> => e.type === "session")?.sessionId ?? null;
  expect(readFileSync(join(workspaceOf(userId), "nb.ipynb"), "utf8")).toBe(notebook);

  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId, sessionId, text: tool("NotebookEdit", { notebook_path: join(workspaceOf(userId), "nb.ipynb"), cell_id: "a1", new_source: "import math\nx = math.tau\n" }), options: ON });
  const request = await approvalOf(reader);
  expect(request).toMatchObject({
    tool: "NotebookEdit",
    edit: { path: "nb.ipynb", added: 1, removed: 1, cut: false, diff: "--- a/nb.ipynb (cell a1)\n+++ b/nb.ipynb (cell a1)\n@@ -1,2 +1,2 @@\n import math\n-x = math.pi\n+x = math.tau\n" },
  });
  expect((await deny(runId, request.requestId)).status).toBe(202);
  await reader.end();
  expect(readFileSync(join(workspaceOf(userId), "nb.ipynb"), "utf8")).toBe(notebook);
});

it("a `sed -i` command's request carries the file before and after; another command's carries none", async () => {
  const userId = "+15550000362";
  await written(userId, "add.js", "function add(a, b) {\n  return a - b;\n}\n");
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId, text: tool("Bash", { command: "sed -i 's/a - b/a + b/' add.js" }), options: ON });
  const request = await approvalOf(reader);
  expect(request).toMatchObject({
    tool: "Bash",
    summary: "Running: sed -i 's/a - b/a + b/' add.js",
    edit: { path: "add.js", added: 1, removed: 1, cut: false, diff: "--- a/add.js\n+++ b/add.js\n@@ -1,3 +1,3 @@\n function add(a, b) {\n-  return a - b;\n+  return a + b;\n }\n" },
  });
  expect((await deny(runId, request.requestId)).status).toBe(202);
  await reader.end();

  const other = uniqueId("run");
  const piped = await h.startRun({ runId: other, userId, text: tool("Bash", { command: "sed -i 's/a/b/' add.js && cat add.js" }), options: ON });
  const plain = await approvalOf(piped);
  expect(plain.tool).toBe("Bash");
  expect(plain).not.toHaveProperty("edit");
  expect((await deny(other, plain.requestId)).status).toBe(202);
  await piped.end();
  expect(readFileSync(join(workspaceOf(userId), "add.js"), "utf8")).toBe("function add(a, b) {\n  return a - b;\n}\n");
});
