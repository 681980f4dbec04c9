// A clone that fails (no such repository, no such branch, past the size or time limit) answers
// its reason and leaves nothing: no workspace directory, no staging directory.
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createServer, type AddressInfo, type Server } from "node:net";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { WorkspaceErrorSchema } from "../../src/protocol/vm/workspaces";
import type { VmConfigInput } from "../src/config";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { makeBareRepo } from "./helpers/git-repo";
import { startHarness, type Harness } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";

const userId = "+15550001007";
const repo = makeBareRepo({ "README.md": "# app\n", "blob.bin": randomBytes(300 * 1024).toString("base64") });
let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function cloneWith(config: Partial<VmConfigInput>, clone: { url: string; branch?: string }) {
  h = await startHarness({ allowLocalClones: true, ...config });
  const res = await h.call("POST", "/v1/workspaces", { userId, workspace: "w", clone });
  const body = WorkspaceErrorSchema.parse(await res.json());
  const paths = userPathsOf(h.dataDir, userId);
  const left = existsSync(paths.root) ? readdirSync(paths.root).filter((n) => n.startsWith(".clone-")) : [];
  return { status: res.status, reason: body.reason, message: body.message, workspaceLeft: existsSync(workspaceDirOf(paths, "w")), stagingLeft: left };
}

const nothingLeft = { workspaceLeft: false, stagingLeft: [] };

it("reports a repository that does not exist as not_found", async () => {
  const missing = join(tempDir("vm-none-"), "none.git");
  expect(await cloneWith({}, { url: missing })).toMatchObject({ status: 422, reason: "not_found", ...nothingLeft });
});

it("reports a branch that does not exist as not_found", async () => {
  expect(await cloneWith({}, { url: repo, branch: "nope" })).toMatchObject({ status: 422, reason: "not_found", ...nothingLeft });
});

it("reports a directory that is not a repository as not_found", async () => {
  const plain = tempDir("vm-plain-");
  writeFileSync(join(plain, "x"), "x");
  expect(await cloneWith({}, { url: plain })).toMatchObject({ status: 422, reason: "not_found", ...nothingLeft });
});

it("reports a host that cannot be reached as network", async () => {
  expect(await cloneWith({}, { url: "https://127.0.0.1:9/owner/repo.git" })).toMatchObject({ status: 422, reason: "network", ...nothingLeft });
});

it("stops a clone past CLONE_MAX_MB: too_large", async () => {
  const out = await cloneWith({ cloneMaxMb: 0.1 }, { url: repo });
  expect(out).toMatchObject({ status: 422, reason: "too_large", ...nothingLeft });
  expect(out.message).toContain("0.1 MB");
});

it("stops a clone past CLONE_TIMEOUT_MS: timeout", async () => {
  expect(await cloneWith({ cloneTimeoutMs: 1 }, { url: repo })).toMatchObject({ status: 422, reason: "timeout", ...nothingLeft });
});

/** A host that accepts connections and never answers: git waits on it until stopped. */
async function silentHost(): Promise<{ url: string; server: Server }> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/owner/repo.git`, server };
}

it("stops a clone that hangs on its host at the timeout", async () => {
  const { url, server } = await silentHost();
  try {
    expect(await cloneWith({ cloneTimeoutMs: 700 }, { url })).toMatchObject({ status: 422, reason: "timeout", ...nothingLeft });
  } finally {
    server.close();
  }
});

it("stops a clone under way when the VM shuts down, and leaves nothing", async () => {
  const { url, server } = await silentHost();
  try {
    h = await startHarness({});
    const answer = h.call("POST", "/v1/workspaces", { userId, workspace: "w", clone: { url } }).then((r) => r.status, () => "dropped");
    const root = userPathsOf(h.dataDir, userId).root;
    await expect.poll(() => (existsSync(root) ? readdirSync(root).filter((n) => n.startsWith(".clone-")) : []).length, { timeout: 5_000 }).toBe(1);
    // The VM shuts down (what the harness's close does first), then its directory is looked at.
    const closing = h;
    h = null;
    await closing.vm.close();
    try {
      expect(readdirSync(root).filter((n) => n.startsWith(".clone-"))).toEqual([]);
      expect(existsSync(join(root, "workspaces", "w"))).toBe(false);
      await answer;
    } finally {
      await closing.api.close();
      rmSync(closing.dataDir, { recursive: true, force: true });
    }
  } finally {
    server.close();
  }
});
