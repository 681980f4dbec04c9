// A VM whose machine withholds what it needs to keep users apart (here: root without
// CAP_DAC_READ_SEARCH or CAP_DAC_OVERRIDE, so it cannot read its agents' directories) says so in
// one line at start, answers /health 503 naming it, and refuses each run with that reason at once:
// the relay tells the user it is misconfigured, never that the agent was interrupted.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VmHealthSchema } from "../../src/protocol/vm/health";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { IS_ROOT, readEvents, TOKEN } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";
import { ID_SWITCH_GUARD_FLAG, spawnVm, startScriptArgs, type VmChild } from "./helpers/vm-child";

describe.skipIf(!IS_ROOT)("a VM without the capability to read its agents' files (skipped when not root)", () => {
  let api: AnthropicStandIn;
  let vm: VmChild | null = null;
  let dataDir = "";
  beforeAll(async () => {
    api = await startAnthropicStandIn();
    dataDir = tempDir("vm-readiness-");
    const env = { DATA_DIR: dataDir, ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: "sk-offline-test", IS_SANDBOX: "1" };
    // As a container started with a narrower set than the entrypoint asks for.
    vm = await spawnVm(env, ["--bounding-set=-dac_read_search,-dac_override", "--", process.execPath, ID_SWITCH_GUARD_FLAG, ...startScriptArgs()], "setpriv");
  }, 60_000);
  afterAll(async () => {
    vm?.child.kill("SIGTERM");
    await vm?.exited;
    await api?.close();
  });

  it("says why in one line at start, and /health answers 503 with the capability's name", async () => {
    if (!vm) throw new Error("no vm");
    const lines = vm.output().split("\n").filter((l) => l.startsWith("vm: cannot run an agent:"));
    expect(lines).toEqual([
      "vm: cannot run an agent: CAP_DAC_READ_SEARCH is missing (tried: EACCES): the server runs as root but cannot read its agents' directories (checkpoints, staged files, /ship); grant it to the container (docs/vm.md, capabilities) or set AGENT_UIDS=off",
    ]);
    const anyone = await fetch(`${vm.url}/health`);
    expect(anyone.status).toBe(503);
    expect(await anyone.json()).toEqual({ ok: false, missing: ["CAP_DAC_READ_SEARCH"] });
    const relay = await fetch(`${vm.url}/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(relay.status).toBe(503);
    expect(VmHealthSchema.parse(await relay.json()).problem).toContain("CAP_DAC_READ_SEARCH is missing");
    // Fly's check stays green, so the proxy keeps routing runs here to be refused by name.
    const live = await fetch(`${vm.url}/health/live`);
    expect([live.status, await live.json()]).toEqual([200, { ok: true }]);
  });

  it("refuses a run at once with that reason, and starts no CLI", async () => {
    if (!vm) throw new Error("no vm");
    const before = api.requests.length;
    const res = await fetch(`${vm.url}/v1/runs`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ runId: "refused-run", userId: "+15550004301", sessionId: null, messages: [{ id: "m1", text: "hi" }] }),
    });
    expect(res.status).toBe(200);
    const events = await readEvents(res).end();
    expect(events).toEqual([{ seq: 1, type: "error", code: "misconfigured", reason: "missing_capabilities", message: expect.stringContaining("CAP_DAC_READ_SEARCH is missing") }]);
    expect(api.requests.length).toBe(before);
    // No user was set up for it.
    expect(existsSync(join(dataDir, ".agent-ids.json"))).toBe(false);
  });
});

describe.skipIf(!IS_ROOT)("a VM that may not switch uids (skipped when not root)", () => {
  let vm: VmChild | null = null;
  afterAll(async () => {
    vm?.child.kill("SIGTERM");
    await vm?.exited;
  });

  it("starts all the same, names it, and answers /health 503", async () => {
    const env = { DATA_DIR: tempDir("vm-readiness-"), ANTHROPIC_API_KEY: "sk-offline-test", IS_SANDBOX: "1" };
    // Its startup check of the CLI runs as nobody: it must not take the server down with it.
    vm = await spawnVm(env, ["--bounding-set=-setuid,-setgid", "--", process.execPath, ID_SWITCH_GUARD_FLAG, ...startScriptArgs()], "setpriv");
    expect(vm.output().split("\n").filter((l) => l.startsWith("vm: cannot run an agent:"))).toEqual([
      "vm: cannot run an agent: CAP_SETUID/CAP_SETGID is missing (tried: EPERM): the server runs as root but cannot start each agent as its own uid; grant it to the container (docs/vm.md, capabilities) or set AGENT_UIDS=off",
    ]);
    const health = await fetch(`${vm.url}/health`);
    expect([health.status, await health.json()]).toEqual([503, { ok: false, missing: ["CAP_SETUID/CAP_SETGID"] }]);
  });
});
