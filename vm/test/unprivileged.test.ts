// Local development runs unprivileged: a VM that is not root cannot switch users, runs every agent
// as itself, and says so in one line at start; its CLI, not root either, takes bypassPermissions
// without IS_SANDBOX. Under root the VM is started as an unprivileged uid to see the same.
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { startAnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { IS_ROOT, readEvents, resultsOf, TOKEN } from "./helpers/harness";
import { spawnVm } from "./helpers/vm-child";

/** A uid no account has, outside the agents' range: what a developer's own user is to the VM. */
const DEVELOPER = IS_ROOT ? { uid: 19_999, gid: 19_999 } : {};
const dataDir = mkdtempSync(join(tmpdir(), "vm-unprivileged-"));
if (IS_ROOT) chownSync(dataDir, 19_999, 19_999);
const api = await startAnthropicStandIn();
afterAll(async () => {
  await api.close();
  rmSync(dataDir, { recursive: true, force: true });
  // tsx's cache for that uid (`npm run vm` runs under tsx).
  if (IS_ROOT) rmSync(join(tmpdir(), "tsx-19999"), { recursive: true, force: true });
});

it("says in one line that every agent runs as the server's user, and answers a bypassPermissions run", async () => {
  const uid = IS_ROOT ? 19_999 : process.getuid?.();
  const vm = await spawnVm({ DATA_DIR: dataDir, ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: "sk-offline-test" }, undefined, undefined, DEVELOPER);
  try {
    const line = `vm: every agent runs as the server's user (uid ${uid}): the VM is not root, so it cannot switch users; users are kept apart only by their directories, not by the OS`;
    expect(vm.output().split("\n")).toContain(line);
    const res = await fetch(`${vm.url}/v1/runs`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ runId: "dev-run", userId: "+15550002101", sessionId: null, messages: [{ id: "m1", text: "hi" }], options: { permissionMode: "bypassPermissions" } }),
    });
    const events = await readEvents(res).end();
    expect(resultsOf(events)[0]).toMatchObject({ isError: false, text: expect.stringContaining("You said: «hi»") });
    expect(vm.output()).not.toContain("configuration problem");
  } finally {
    vm.child.kill("SIGTERM");
    await vm.exited;
  }
});
