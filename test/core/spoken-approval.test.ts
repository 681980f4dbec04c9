import { describe, expect, it } from "vitest";
import { spokenApproval } from "../../src/approvals/spoken-approval";

const dir = "/data/users/u1/workspace/main";
const bash = (command: string) => ({ tool: "Bash", input: { command }, projectDir: dir });
const edit = (path: string, added: number, removed: number) => ({ tool: "Edit", input: { file_path: path }, projectDir: dir, edit: { path, diff: "", added, removed, cut: false } });

describe("spokenApproval: the command or the edit in words", () => {
  it.each([
    ["a command in a folder", bash("cd api && npm test"), "Approval 1: may I run npm test in api? Say yes or no."],
    ["a command in the project", bash("npm test"), "Approval 1: may I run npm test? Say yes or no."],
    ["a cd into the project's own path", bash(`cd ${dir}/api && npm test`), "Approval 1: may I run npm test in api? Say yes or no."],
    ["an edit inside the project, by its project path", edit(`${dir}/src/app.ts`, 3, 3), "Approval 1: may I edit src/app.ts, 3 lines? Say yes or no."],
    ["a new file of one line", edit(`${dir}/notes.txt`, 1, 0), "Approval 1: may I edit notes.txt, 1 line? Say yes or no."],
    ["a deep path, by its last part", edit(`${dir}/packages/web/src/components/Button.tsx`, 2, 5), "Approval 1: may I edit Button.tsx, 5 lines? Say yes or no."],
    ["a URL is named, not read", bash("curl https://example.com/a/b?c=1"), "Approval 1: may I run curl a link? Say yes or no."],
    ["a hash is dropped", bash("git checkout 3f9a2b7c1d"), "Approval 1: may I run git checkout? Say yes or no."],
    ["a long command is only called a command", bash("npm run build -- --filter web --filter api --filter worker --verbose --force"), "Approval 1: may I run a command? Say yes or no."],
    ["a command of symbols is only called a command", bash("awk '{print $1}' | sort | uniq -c"), "Approval 1: may I run a command? Say yes or no."],
    ["a script of several lines", bash("set -e\nnpm ci\nnpm test"), "Approval 1: may I run a command? Say yes or no."],
    ["another tool by its name", { tool: "mcp__github__create_issue", input: { title: "x" } }, "Approval 1: may I use create issue? Say yes or no."],
  ])("%s", (_name, event, said) => {
    expect(spokenApproval(event, 1)).toBe(said);
  });

  it("says which approval when several are open", () => {
    expect(spokenApproval(bash("npm test"), 4)).toBe("Approval 4: may I run npm test? Say yes or no.");
  });
});
