import { describe, expect, it } from "vitest";
import {
  cliProjectDirName,
  partsDigest,
  planRestore,
  restoreDecision,
  sessionCount,
  sessionsTransform,
  stagedProblem,
  workspacePartName,
} from "../../src/core/archive-plan";

const sum = (c: string) => c.repeat(64);
const part = (name: string, bytes = 10, sha256 = sum("a")) => ({ name, bytes, sha256 });

describe("part names", () => {
  it.each([
    ["main", "workspace-main.tar"],
    ["fix_login-2", "workspace-fix_login-2.tar"],
  ])("%s → %s", (workspace, name) => expect(workspacePartName(workspace)).toBe(name));

  it.each(["", "../x", "A", "-x"])("refuses workspace id %j", (workspace) => expect(() => workspacePartName(workspace)).toThrow());
});

describe("planRestore", () => {
  it.each([
    [["workspace-b.tar", "sessions.tar", "workspace-a.tar", "settings.json"], { ok: true, plan: { workspaces: ["a", "b"], sessions: true, settings: true } }],
    [["workspace-main.tar"], { ok: true, plan: { workspaces: ["main"], sessions: false, settings: false } }],
    [["workspace-a.tar", "workspace-a.tar"], { ok: false, why: "part workspace-a.tar is listed twice" }],
    [["workspace-.tar"], { ok: false, why: "part workspace-.tar is not one an archive of this VM makes" }],
    [["notes.txt"], { ok: false, why: "part notes.txt is not one an archive of this VM makes" }],
  ])("%j", (names, expected) => expect(planRestore(names.map((name) => ({ name })))).toEqual(expected));
});

describe("stagedProblem", () => {
  const staged = { "a.tar": { bytes: 10, sha256: sum("a") }, "b.tar": { bytes: 9, sha256: sum("a") }, "c.tar": { bytes: 10, sha256: sum("b") } };
  const lookup = (name: string) => staged[name as keyof typeof staged] ?? null;
  it.each([
    [[part("a.tar")], null],
    [[part("a.tar"), part("missing.tar")], "part missing.tar is not staged: PUT it first"],
    [[part("b.tar")], "part b.tar has 9 bytes staged, not 10"],
    [[part("c.tar")], "part c.tar's staged bytes have another sha256"],
  ])("%j → %j", (parts, expected) => expect(stagedProblem(parts, lookup)).toBe(expected));
});

describe("restoreDecision", () => {
  const digest = partsDigest([part("a.tar"), part("b.tar")]);
  it("ignores the parts' order", () => expect(partsDigest([part("b.tar"), part("a.tar")])).toBe(digest));
  it.each([
    [{ hasData: false, marker: null }, { kind: "start" }],
    [{ hasData: false, marker: { digest: "other", complete: true } }, { kind: "start" }],
    [{ hasData: true, marker: { digest, complete: false } }, { kind: "resume" }],
    [{ hasData: false, marker: { digest, complete: false } }, { kind: "resume" }],
    [{ hasData: true, marker: { digest, complete: true } }, { kind: "done" }],
    [{ hasData: true, marker: null }, { kind: "refuse", why: "this user already has data on the VM, and it is not what this archive restores: nothing was restored" }],
    [{ hasData: true, marker: { digest: "other", complete: true } }, { kind: "refuse", why: "this user already has data on the VM, and it was restored from another archive since: nothing was restored" }],
  ])("%j → %j", (held, expected) => expect(restoreDecision(held, digest)).toEqual(expected));
});

describe("sessions", () => {
  it.each([
    ["/data/users/ab/workspace", "-data-users-ab-workspace"],
    ["/tmp/vm-test-x.Y_z/users/ab/workspaces/fix_1", "-tmp-vm-test-x-Y-z-users-ab-workspaces-fix-1"],
  ])("the CLI's directory of %s is %s", (cwd, name) => expect(cliProjectDirName(cwd)).toBe(name));

  it("moves the old root's sessions to the new root", () =>
    expect(sessionsTransform("/data/users/old", "/data/users/new")).toBe("s,^projects/-data-users-old,projects/-data-users-new,"));

  it("counts sessions, not subagents' files or directories", () =>
    expect(sessionCount(["projects/", "projects/-a/", "projects/-a/s1.jsonl", "./projects/-b/s2.jsonl", "projects/-a/s1/subagents/x.jsonl", "projects/-a/notes.txt"])).toBe(2));
});
