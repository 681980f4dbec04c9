// The protocol's workspace additions: ids, git identity, keepWarmMs, the start request's defaults
// (an old relay's request still means "main"), and the DELETE route as VM_ROUTES builds it.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { GitIdentitySchema, RunOptionsSchema, StartRunRequestSchema } from "../../../src/protocol/vm/runs";
import { VM_ROUTES } from "../../../src/protocol/vm/routes";
import { WorkspaceIdSchema } from "../../../src/protocol/vm/workspaces";
import { addWorkspaceRoutes } from "../../src/http/workspace-routes";
import type { Workspaces } from "../../src/workspaces/workspaces";

describe("WorkspaceIdSchema", () => {
  const cases: Array<[string, boolean]> = [
    ["main", true],
    ["c1", true],
    ["0abc_def-9", true],
    ["a".repeat(40), true],
    ["a".repeat(41), false],
    ["", false],
    ["-a", false],
    ["_a", false],
    ["Main", false],
    ["a/b", false],
    ["..", false],
    ["a.b", false],
  ];
  for (const [id, ok] of cases) it(`${JSON.stringify(id)} → ${ok}`, () => expect(WorkspaceIdSchema.safeParse(id).success).toBe(ok));
});

describe("GitIdentitySchema", () => {
  const cases: Array<[{ name: string; email: string }, boolean]> = [
    [{ name: "Ada Lovelace", email: "ada@example.com" }, true],
    [{ name: "Zoë O'Brien", email: "1234+zoe@users.noreply.github.com" }, true],
    [{ name: "", email: "ada@example.com" }, false],
    [{ name: "x".repeat(101), email: "ada@example.com" }, false],
    [{ name: "Ada\nEvil", email: "ada@example.com" }, false],
    [{ name: "Ada <x>", email: "ada@example.com" }, false],
    [{ name: "Ada", email: "ada" }, false],
    [{ name: "Ada", email: "ada@localhost" }, false],
    [{ name: "Ada", email: "a b@example.com" }, false],
    [{ name: "Ada", email: `${"a".repeat(190)}@example.com` }, false],
  ];
  for (const [identity, ok] of cases) it(`${JSON.stringify(identity).slice(0, 60)} → ${ok}`, () => expect(GitIdentitySchema.safeParse(identity).success).toBe(ok));
});

describe("start requests", () => {
  it("default to the main workspace, with no identity and no keepWarmMs (an older relay's request)", () => {
    const parsed = StartRunRequestSchema.parse({ runId: "r1", userId: "+1", sessionId: null, messages: [{ id: "m", text: "hi" }] });
    expect(parsed.workspace).toBe("main");
    expect(parsed.gitIdentity).toBeUndefined();
    expect(parsed.options.keepWarmMs).toBeUndefined();
  });

  it("take keepWarmMs from 0 to 6 hours", () => {
    const ok = (keepWarmMs: number) => RunOptionsSchema.safeParse({ keepWarmMs }).success;
    expect([0, 1, 6 * 3_600_000].map(ok)).toEqual([true, true, true]);
    expect([-1, 6 * 3_600_000 + 1, 1.5].map(ok)).toEqual([false, false, false]);
  });
});

describe("the DELETE route", () => {
  it("carries the workspace and a user id with a + intact from VM_ROUTES to the VM's handler", async () => {
    const seen: Array<[string, string]> = [];
    const fake = { create: async () => ({ status: 201, body: {} }), remove: async (userId: string, workspace: string) => (seen.push([userId, workspace]), "deleted") } as unknown as Workspaces;
    const app = new Hono();
    addWorkspaceRoutes(app, fake);
    expect(VM_ROUTES.workspace("c1", "+15551234567")).toBe("/v1/workspaces/c1?userId=%2B15551234567");
    const res = await app.request(VM_ROUTES.workspace("c1", "+15551234567"), { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ workspace: "c1", deleted: true });
    expect(seen).toEqual([["+15551234567", "c1"]]);
  });
});
