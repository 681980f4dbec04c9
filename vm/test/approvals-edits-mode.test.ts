// What `/approvals edits` lets through, with the real CLI: the VM runs it as the CLI's
// `acceptEdits` mode, which allows file edits in the project and, of the shell, the file commands
// mkdir, touch, rm, rmdir, mv, cp and sed and a command's output written to a file (`> file`),
// without asking, in the project only; every other command that changes something is asked. /approvals says exactly this (core/replies/approvals.ts); this pins it to
// the CLI, so an upgrade that changes the list fails here (docs/notes/cli-observations.md).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { uniqueId, useHarness } from "./helpers/harness";
import { EDITS_MODE_SHELL_COMMANDS } from "../../src/approvals/approvals-replies";

const h = useHarness({ warmSessionMs: 0 });
const EDITS = { approvals: { mode: "edits" } } as const;
const bash = (command: string) => `[[tool Bash {"command":${JSON.stringify(command)}}]]`;

it("lets the file commands /approvals names through, and asks for every other command that changes something", async () => {
  const userId = "+15550001901";
  const workspace = workspaceDirOf(userPathsOf(h.dataDir, userId), "main");
  // The workspace exists after a first run.
  await (await h.startRun({ userId, text: "hello", options: EDITS })).end();
  mkdirSync(join(workspace, "emptydir"), { recursive: true });
  for (const file of ["notes.txt", "a.txt", "b.txt", "c.txt"]) writeFileSync(join(workspace, file), "a\n");
  // Each command on files of its own: the CLI may run the allowed ones in any order.
  const cases: Array<[string, "asked" | "unasked"]> = [
    ["sed -i s/a/b/ notes.txt", "unasked"],
    ["cp a.txt copy.txt", "unasked"],
    ["mv b.txt moved.txt", "unasked"],
    ["mkdir made", "unasked"],
    ["touch touched.txt", "unasked"],
    ["rm c.txt", "unasked"],
    ["rmdir emptydir", "unasked"],
    // Output written to a file in the project is an edit too.
    ["echo hi > echoed.txt", "unasked"],
    ["chmod +x a.txt", "asked"],
    ["tee teed.txt", "asked"],
    ["npm --version", "asked"],
    ["git init", "asked"],
    // Outside the project, the same commands are asked.
    ["touch ../outside.txt", "asked"],
    ["echo hi > /tmp/edits-mode-outside.txt", "asked"],
  ];
  // One model message with every call: the CLI asks about them one after another.
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId, text: cases.map(([command]) => bash(command)).join(" "), options: EDITS });
  const asked = new Set<string>();
  for (;;) {
    const next = await reader.waitFor((e) => (e.type === "approval_request" && !asked.has(String(e.input.command))) || e.type === "done", 60_000);
    if (next.type !== "approval_request") break;
    asked.add(String(next.input.command));
    await h.call("POST", `/v1/runs/${runId}/approval`, { requestId: next.requestId, decision: "deny", message: "observing" });
  }
  await reader.end();
  expect(cases.map(([command]) => [command, asked.has(command) ? "asked" : "unasked"])).toEqual(cases);
  // The commands it let through did run.
  expect(["copy.txt", "moved.txt", "made", "touched.txt", "echoed.txt"].filter((f) => !existsSync(join(workspace, f)))).toEqual([]);
  expect(existsSync(join(workspace, "c.txt"))).toBe(false);
  // /approvals names exactly the commands the CLI let through.
  const letThrough = new Set(cases.filter(([c, how]) => how === "unasked" && !c.includes(">")).map(([c]) => c.split(" ")[0]!));
  expect([...EDITS_MODE_SHELL_COMMANDS].sort()).toEqual([...letThrough].sort());
}, 180_000);
