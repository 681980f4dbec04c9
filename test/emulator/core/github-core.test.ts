// The GitHub stand-in's pure parts as tables: who a credential names, what a login may do on a
// repository, and a check suite's outcome from its runs.
import { describe, expect, it } from "vitest";
import { accountOf, allows, permissionOf, type Permission } from "../../../emulator/github/core/access";
import { suiteOutcome, type CheckRun } from "../../../emulator/github/core/resources";

const ACCOUNTS = [{ login: "alice", id: 1, token: "ta" }, { login: "bob", id: 2, token: "tb" }];
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("accountOf", () => {
  it.each([
    ["token ta", "alice"],
    ["Bearer tb", "bob"],
    [basic("x-access-token", "ta"), "alice"],
    [basic("anyone", "tb"), "bob"],
    [basic("ta", ""), null],
    ["token nope", null],
    ["ta", null],
    [undefined, null],
  ])("%s → %s", (header, login) => expect(accountOf(ACCOUNTS, header)?.login ?? null).toBe(login));
});

describe("permissionOf", () => {
  const repo = { owner: "Alice", name: "api", private: true, collaborators: { Carol: "read" as Permission, dave: "write" as Permission } };
  it.each([
    ["alice", repo, "admin"],
    ["carol", repo, "read"],
    ["dave", repo, "write"],
    ["mallory", repo, null],
    ["mallory", { ...repo, private: false }, "read"],
  ])("%s on %j: %s", (login, on, held) => expect(permissionOf(on, login)).toBe(held));
  it.each([
    ["admin", "write", true],
    ["write", "admin", false],
    ["read", "read", true],
    [null, "read", false],
  ] as const)("%s allows %s: %s", (held, needed, ok) => expect(allows(held, needed)).toBe(ok));
});

describe("suiteOutcome", () => {
  const run = (status: CheckRun["status"], conclusion: CheckRun["conclusion"]) => ({ status, conclusion }) as CheckRun;
  it.each([
    [[], { status: "queued", conclusion: null }],
    [[run("completed", "success"), run("queued", null)], { status: "queued", conclusion: null }],
    [[run("completed", "success"), run("in_progress", null)], { status: "in_progress", conclusion: null }],
    [[run("completed", "success"), run("completed", "neutral")], { status: "completed", conclusion: "success" }],
    [[run("completed", "success"), run("completed", "failure")], { status: "completed", conclusion: "failure" }],
    [[run("completed", "skipped")], { status: "completed", conclusion: "skipped" }],
    [[run("completed", "timed_out")], { status: "completed", conclusion: "timed_out" }],
  ])("%j → %j", (runs, outcome) => expect(suiteOutcome(runs)).toEqual(outcome));
});
