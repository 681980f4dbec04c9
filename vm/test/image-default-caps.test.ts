// The image's entrypoint under Docker's and buildah's default capability set, which has no
// CAP_DAC_READ_SEARCH: it keeps CAP_DAC_OVERRIDE instead and says so in one line, and a run works
// (before, every run failed in 20-70 ms on "no checkpoint before it: EACCES", told as an interruption).
// Nor has it CAP_NET_ADMIN: users get no network namespace of their own, and the start line says why.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { IS_ROOT, readEvents, resultsOf, TOKEN } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";
import { ID_SWITCH_GUARD_FLAG, spawnVm, startScriptArgs, type VmChild } from "./helpers/vm-child";

const ENTRYPOINT = fileURLToPath(new URL("../docker-entrypoint.sh", import.meta.url));
const hasUnshare = spawnSync("unshare", ["--version"]).status === 0;
/** Docker's default set (moby's defaultCapabilities), and buildah's is narrower still: no CAP_DAC_READ_SEARCH in either. */
const DOCKER_DEFAULT = "chown,dac_override,fowner,fsetid,kill,setgid,setuid,setpcap,net_bind_service,net_raw,sys_chroot,mknod,audit_write,setfcap";

describe.skipIf(!IS_ROOT || !hasUnshare)("the entrypoint under Docker's default capabilities (skipped when not root or without unshare)", () => {
  let api: AnthropicStandIn;
  let vm: VmChild | null = null;
  beforeAll(async () => {
    api = await startAnthropicStandIn();
    const env = { DATA_DIR: tempDir("vm-default-caps-"), ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: "sk-offline-test", IS_SANDBOX: "1" };
    // Its own mount and pid namespace: the entrypoint's /proc remount stays there, and the server
    // (pid 1 there) ends with unshare. SYS_ADMIN kept for that remount, as a Machine allows it.
    const inNamespace = ["--mount", "--pid", "--fork", "--mount-proc", "--kill-child", "--", "setpriv", `--bounding-set=-all,${[...DOCKER_DEFAULT.split(","), "sys_admin"].map((c) => `+${c}`).join(",")}`, "--", "sh", ENTRYPOINT];
    vm = await spawnVm(env, [...inNamespace, process.execPath, ID_SWITCH_GUARD_FLAG, ...startScriptArgs()], "unshare");
  }, 60_000);
  afterAll(async () => {
    // unshare passes no signal on; its end takes the namespace, the server and its agents with it.
    vm?.child.kill("SIGKILL");
    await vm?.exited;
    await api?.close();
  });

  it("keeps CAP_DAC_OVERRIDE in place of CAP_DAC_READ_SEARCH, says so once, and runs an agent", async () => {
    if (!vm) throw new Error("no vm");
    const res = await fetch(`${vm.url}/v1/runs`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        runId: "default-caps-run",
        userId: "+15550004302",
        sessionId: null,
        messages: [{ id: "m1", text: `[[tool Bash ${JSON.stringify({ command: "echo done > made.txt" })}]]` }],
        options: { permissionMode: "bypassPermissions" },
      }),
    });
    const events = await readEvents(res).end();
    expect(resultsOf(events)[0]?.isError, JSON.stringify(events)).toBe(false);
    // The checkpoints around it read the agent's workspace: the file it made is its change.
    expect(events.at(-1)).toMatchObject({ type: "done", change: { files: [{ path: "made.txt", status: "added" }] } });
    expect(vm.output().split("\n").filter((l) => l.startsWith("vm-entrypoint: CAP_DAC_READ_SEARCH is not granted"))).toHaveLength(1);
    expect(vm.output()).not.toContain("vm: cannot run an agent");
    // Without CAP_NET_ADMIN no user gets a network namespace: the start line says so, and the run above worked as before.
    expect(vm.output()).toMatch(/^vm: users' agents share the VM's network \(loopback included\), so one user's agent can connect to a server another user's run opened on 127\.0\.0\.1: the kernel refused \(.+\)$/m);
    expect((await fetch(`${vm.url}/health`)).status).toBe(200);
  });
});
