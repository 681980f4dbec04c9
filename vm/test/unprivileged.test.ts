// Local development runs unprivileged: a VM that is not root cannot switch users, runs every agent
// as itself, and says so in one line at start; its CLI, not root either, takes bypassPermissions
// without IS_SANDBOX. Under root the VM is started as an unprivileged uid to see the same.
import { chmodSync, chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { startAnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { IS_ROOT, readEvents, resultsOf, TOKEN } from "./helpers/harness";
import { resolveClaudeBin } from "../src/claude-bin";
import { chainOf, place } from "../src/cli/cli-install";
import { closedToOthers } from "../src/core/cli-reach";
import { buildBundle, imageCommand } from "./helpers/image";
import { spawnVm } from "./helpers/vm-child";

/** A uid no account has, outside the agents' range: what a developer's own user is to the VM. */
const DEVELOPER = IS_ROOT ? { uid: 19_999, gid: 19_999 } : {};
const dataDir = mkdtempSync(join(tmpdir(), "vm-unprivileged-"));
if (IS_ROOT) chownSync(dataDir, 19_999, 19_999);
const api = await startAnthropicStandIn();

/**
 * How the developer's uid starts the VM: as `npm run vm` from the checkout, when that uid can
 * enter it. Root's checkout may sit where no one else can (a 0700 home): then the developer gets
 * what a checkout of their own would give them, the same server as the image builds it, with this
 * Node and the CLI placed beside it (hard links where they can), in a directory they can enter.
 */
const appDir = IS_ROOT && closedToOthers(chainOf(fileURLToPath(new URL("../src/main.ts", import.meta.url))), "module") !== null ? mkdtempSync(join(tmpdir(), "vm-unprivileged-app-")) : null;
function developerStart(): { command?: string; args?: string[]; cwd?: string; env: Record<string, string> } {
  if (!appDir) return { env: {} };
  chmodSync(appDir, 0o755);
  const bundle = buildBundle(appDir);
  place(process.execPath, join(appDir, "node"));
  place(resolveClaudeBin() ?? "", join(appDir, "claude"));
  return { command: join(appDir, "node"), args: [...imageCommand().flags, join(bundle, "main.cjs")], cwd: appDir, env: { CLAUDE_BIN: join(appDir, "claude") } };
}

afterAll(async () => {
  await api.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (appDir) rmSync(appDir, { recursive: true, force: true });
  // tsx's cache for that uid (`npm run vm` runs under tsx): in /tmp, as the VM child gets no TMPDIR.
  if (IS_ROOT) rmSync("/tmp/tsx-19999", { recursive: true, force: true });
  // The CLI's socket directory for that uid (it keeps it in /tmp when the socket path would be long).
  if (IS_ROOT) rmSync("/tmp/cc-socks-19999", { recursive: true, force: true });
});

it("says in one line that every agent runs as the server's user, and answers a bypassPermissions run", async () => {
  const uid = IS_ROOT ? 19_999 : process.getuid?.();
  const start = developerStart();
  const vm = await spawnVm({ DATA_DIR: dataDir, ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: "sk-offline-test", ...start.env }, start.args, start.command, DEVELOPER, start.cwd);
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
