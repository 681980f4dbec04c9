// A session carried between two directories, pure: the CLI's folder for a directory, the paths of
// one directory put as another's in every string of every JSON line, and the prompts counted.
import { describe, expect, it } from "vitest";
import { projectDirName, rewriteSessionPaths, sessionTurns, withoutPermissionMode } from "../../src/core/session-paths";

describe("projectDirName", () => {
  it.each([
    ["/data/users/ab12/workspaces/api", "-data-users-ab12-workspaces-api"],
    // Observed: "/tmp/obs-h/w d/a.b_c~é x" → "-tmp-obs-h-w-d-a-b-c---x" (é is one UTF-16 unit, one "-").
    ["/tmp/obs-h/w d/a.b_c~é x", "-tmp-obs-h-w-d-a-b-c---x"],
    ["/Users/Ann/My Code", "-Users-Ann-My-Code"],
  ])("%s → %s", (cwd, name) => expect(projectDirName(cwd)).toBe(name));
});

describe("rewriteSessionPaths", () => {
  const VM = "/data/users/ab/workspaces/api";
  const LAPTOP = '/home/ann/my "work" dir';
  const line = (o: unknown) => JSON.stringify(o);
  it.each([
    ["the cwd field", line({ cwd: VM }), line({ cwd: LAPTOP })],
    ["a path under it", line({ input: { file_path: `${VM}/src/a.ts` } }), line({ input: { file_path: `${LAPTOP}/src/a.ts` } })],
    ["inside a tool's output", line({ content: `edited ${VM}/a.ts and ${VM}/b.ts` }), line({ content: `edited ${LAPTOP}/a.ts and ${LAPTOP}/b.ts` })],
    ["another directory that starts the same", line({ cwd: `${VM}2/x` }), line({ cwd: `${VM}2/x` })],
    ["a longer name that starts the same", line({ cwd: `${VM}-old` }), line({ cwd: `${VM}-old` })],
    ["keys too", line({ [`${VM}/a`]: 1 }), line({ [`${LAPTOP}/a`]: 1 })],
    ["numbers and nulls untouched", line({ n: 1, x: null, b: true }), line({ n: 1, x: null, b: true })],
    ["a line that is not JSON, kept", `not json ${VM}`, `not json ${VM}`],
  ])("%s", (_what, input, output) => {
    expect(rewriteSessionPaths(input, VM, LAPTOP)).toBe(output);
  });

  it("keeps the lines, their order and the last newline; every line stays JSON", () => {
    const file = `${line({ cwd: VM, a: 1 })}\n\n${line({ cwd: VM, a: 2 })}\n`;
    const out = rewriteSessionPaths(file, VM, LAPTOP);
    expect(out.split("\n")).toHaveLength(4);
    expect(out.endsWith("\n")).toBe(true);
    for (const l of out.split("\n").filter(Boolean)) expect(JSON.parse(l)).toMatchObject({ cwd: LAPTOP });
  });

  it("goes back: laptop → VM gives the VM's file again", () => {
    const file = [line({ cwd: VM }), line({ content: `${VM}/x.ts:3` })].join("\n");
    expect(rewriteSessionPaths(rewriteSessionPaths(file, VM, LAPTOP), LAPTOP, VM)).toBe(file);
  });

  it("a trailing slash on either side is the same directory", () => {
    expect(rewriteSessionPaths(line({ cwd: VM }), `${VM}/`, `${LAPTOP}/`)).toBe(line({ cwd: LAPTOP }));
  });
});

describe("sessionTurns", () => {
  const user = (content: unknown, more = {}) => JSON.stringify({ type: "user", message: { role: "user", content }, ...more });
  it.each([
    ["none", "", 0],
    ["two prompts and an answer", [user("a"), JSON.stringify({ type: "assistant", message: { content: [] } }), user([{ type: "text", text: "b" }])].join("\n"), 2],
    ["a tool's result is no prompt", user([{ type: "tool_result", tool_use_id: "x", content: "ok" }]), 0],
    ["meta lines are no prompt", user("x", { isMeta: true }), 0],
    ["a line that is not JSON", "garbage", 0],
  ])("%s: %i", (_what, file, n) => expect(sessionTurns(file)).toBe(n));
});

describe("withoutPermissionMode", () => {
  it.each([
    ["the phone's mode goes", JSON.stringify({ type: "user", permissionMode: "bypassPermissions", cwd: "/x" }), JSON.stringify({ type: "user", cwd: "/x" })],
    ["a line without one is kept as it is", JSON.stringify({ type: "assistant", a: 1 }), JSON.stringify({ type: "assistant", a: 1 })],
    ["a nested mention is another's: kept", JSON.stringify({ message: { content: "permissionMode" } }), JSON.stringify({ message: { content: "permissionMode" } })],
    ["a line that is not JSON is kept", '{"permissionMode":', '{"permissionMode":'],
    ["lines, order and last newline kept", `${JSON.stringify({ permissionMode: "acceptEdits", n: 1 })}\n\n${JSON.stringify({ n: 2 })}\n`, `${JSON.stringify({ n: 1 })}\n\n${JSON.stringify({ n: 2 })}\n`],
  ])("%s", (_what, file, out) => expect(withoutPermissionMode(file)).toBe(out));
});
