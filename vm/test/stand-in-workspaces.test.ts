// The relay's tests talk to the VM stand-in (test/stand-ins/vm-stand-in.ts): its workspace
// routes must answer as the real VM does. The same requests go to both; statuses and bodies
// (parsed with the protocol's schemas) must agree, and the stand-in records what it was sent.
import { afterAll, beforeAll, expect, it } from "vitest";
import { VM_ROUTES, VmErrorBodySchema } from "../../src/protocol/vm/routes";
import { WorkspaceCreatedSchema, WorkspaceDeletedSchema, WorkspaceErrorSchema } from "../../src/protocol/vm/workspaces";
import type { StandInRequest } from "../../test/stand-ins/vm-stand-in-types";
import { startVmStandIn, type VmStandIn } from "../../test/stand-ins/vm-stand-in";
import { TOKEN, useHarness } from "./helpers/harness";

const vm = useHarness();
let standIn: VmStandIn;
beforeAll(async () => {
  standIn = await startVmStandIn({ token: TOKEN, stepMs: 1 });
});
afterAll(() => standIn.close());

const userId = "+15550001012";

async function both(method: string, path: string, body?: unknown) {
  const call = (base: string) =>
    fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const [real, fake] = await Promise.all([call(vm.vm.url), call(standIn.url)]);
  return { real: { status: real.status, body: (await real.json()) as unknown }, fake: { status: fake.status, body: (await fake.json()) as unknown } };
}

/** The fields that do not depend on timing or on a real repository. */
function shape(body: unknown): unknown {
  const created = WorkspaceCreatedSchema.safeParse(body);
  if (created.success) return { workspace: created.data.workspace, branch: created.data.branch, files: created.data.files };
  const failed = WorkspaceErrorSchema.safeParse(body);
  if (failed.success) return failed.data;
  const deleted = WorkspaceDeletedSchema.safeParse(body);
  if (deleted.success) return deleted.data;
  return { error: VmErrorBodySchema.parse(body).error };
}

it("answers creates and deletes as the VM does", async () => {
  const steps: Array<[string, string, unknown?]> = [
    ["POST", VM_ROUTES.workspaces, { userId, workspace: "w1" }],
    ["POST", VM_ROUTES.workspaces, { userId, workspace: "w1" }],
    ["POST", VM_ROUTES.workspaces, { userId, workspace: "w2", clone: { url: "/srv/repo.git" } }],
    ["POST", VM_ROUTES.workspaces, { userId, workspace: "w2", clone: { url: "file:///srv/repo.git" } }],
    ["POST", VM_ROUTES.workspaces, { userId, workspace: "w2", clone: { url: "https://u:p@git.example.com/a/b" } }],
    ["POST", VM_ROUTES.workspaces, { userId, workspace: "w2", clone: { url: "https://git.example.com/a/b", branch: "-x" } }],
    ["POST", VM_ROUTES.workspaces, { userId, workspace: "Bad/Id" }],
    ["DELETE", VM_ROUTES.workspace("w1", userId)],
    ["DELETE", VM_ROUTES.workspace("w1", userId)],
    ["DELETE", VM_ROUTES.workspace("w2", userId)],
  ];
  for (const [method, path, body] of steps) {
    const { real, fake } = await both(method, path, body);
    expect({ step: `${method} ${path} ${JSON.stringify(body)}`, status: fake.status, shape: shape(fake.body) }).toEqual({
      step: `${method} ${path} ${JSON.stringify(body)}`,
      status: real.status,
      shape: shape(real.body),
    });
  }
});

it("scripts clones (a URL directive, a control endpoint) and records every request", async () => {
  const post = (body: unknown) =>
    fetch(`${standIn.url}${VM_ROUTES.workspaces}`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
  const ok = await post({ userId, workspace: "app", clone: { url: "https://git.example.com/o/app.git", branch: "dev" } });
  expect(ok.status).toBe(201);
  expect(WorkspaceCreatedSchema.parse(await ok.json())).toMatchObject({ branch: "dev", files: 42 });

  const directive = await post({ userId, workspace: "x1", clone: { url: "https://git.example.com/o/vm-clone-fail-auth_refused.git" } });
  expect(directive.status).toBe(422);
  expect(WorkspaceErrorSchema.parse(await directive.json()).reason).toBe("auth_refused");

  await fetch(`${standIn.url}/__stand-in/clone`, { method: "POST", body: JSON.stringify({ userId, fail: "too_large" }) });
  const scripted = await post({ userId, workspace: "x2", clone: { url: "https://git.example.com/o/big.git" } });
  expect(WorkspaceErrorSchema.parse(await scripted.json()).reason).toBe("too_large");

  const { requests } = (await (await fetch(`${standIn.url}/__stand-in/requests?userId=${encodeURIComponent(userId)}`)).json()) as { requests: StandInRequest[] };
  expect(requests.filter((r) => r.kind === "create-workspace" && r.workspace === "x2")).toEqual([
    expect.objectContaining({ clone: { url: "https://git.example.com/o/big.git" }, status: 422 }),
  ]);
});

it("records the workspace, git identity and keepWarmMs of a start", async () => {
  const start = {
    runId: "stand-in-run-1",
    userId,
    sessionId: null,
    messages: [{ id: "m1", text: "hi" }],
    workspace: "app",
    gitIdentity: { name: "Ada", email: "ada@example.com" },
    options: { permissionMode: "bypassPermissions", keepWarmMs: 3_600_000 },
  };
  const res = await fetch(`${standIn.url}${VM_ROUTES.startRun}`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(start) });
  await res.text();
  const { requests } = (await (await fetch(`${standIn.url}/__stand-in/requests?userId=${encodeURIComponent(userId)}`)).json()) as { requests: StandInRequest[] };
  expect(requests.find((r) => r.kind === "start")).toMatchObject({ workspace: "app", gitIdentity: { name: "Ada", email: "ada@example.com" }, keepWarmMs: 3_600_000 });
});
