// The image's entrypoint as the image runs it, in a mount and pid namespace of its own (so its
// /proc remount and an /etc copy stay there): /proc with hidepid, the server root with only the
// capabilities it uses and no_new_privs, and an agent of its own uid that sees only its own
// processes, gains nothing, and has a passwd entry (ssh runs).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { AgentIdTableSchema } from "../src/core/agent-ids";
import { userPathsOf } from "../src/users/user-paths";
import { IS_ROOT, readEvents, resultsOf, TOKEN } from "./helpers/harness";
import { buildBundle, imageCommand } from "./helpers/image";
import { ID_SWITCH_GUARD_FLAG, spawnVm, type VmChild } from "./helpers/vm-child";

const ENTRYPOINT = fileURLToPath(new URL("../docker-entrypoint.sh", import.meta.url));
const hasUnshare = spawnSync("unshare", ["--version"]).status === 0;
/** The server's capabilities: chown, dac_read_search, fowner, kill, setgid, setuid, net_admin, sys_admin (bits 0, 2, 3, 5, 6, 7, 12, 21). */
const SERVER_CAPS = "00000000002010ed";

describe.skipIf(!IS_ROOT || !hasUnshare)("the image's entrypoint (skipped when not root or without unshare: it mounts and switches users)", () => {
  let api: AnthropicStandIn;
  let vm: VmChild | null = null;
  let serverPid = 0;
  const scratch: string[] = [];
  const temp = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    scratch.push(dir);
    return dir;
  };
  beforeAll(async () => {
    api = await startAnthropicStandIn();
    scratch.push(buildBundle());
  }, 60_000);
  afterAll(async () => {
    // SIGTERM to the server, pid 1 of its namespace (unshare passes no signal on): the namespace
    // and everything in it end with it, and unshare with them.
    if (serverPid > 0) process.kill(serverPid, "SIGTERM");
    else vm?.child.kill("SIGKILL");
    await vm?.exited;
    await api?.close();
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  it("starts the server as root with its few capabilities, and an agent of its own uid gains nothing and sees only itself", async () => {
    const image = imageCommand();
    const dataDir = temp("vm-entry-");
    const etc = temp("vm-etc-");
    execFileSync("cp", ["-a", "/etc/.", etc]);
    const bundle = scratch[0] ?? "";
    // No ALLOW_SHARED_PROC: the run below works only because the entrypoint's hidepid=2 holds.
    const env = { ...image.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: "sk-offline-test", ALLOW_SHARED_PROC: "" };
    // /etc replaced by a copy inside the namespace: the entrypoint's AGENT_PASSWD lines land there.
    const inNamespace = ["--mount", "--pid", "--fork", "--mount-proc", "--kill-child", "--", "sh", "-c", 'mount --bind "$0" /etc && exec "$@"', etc, ENTRYPOINT];
    // The id-switch guard loaded before the bundle: its server has setuid/setgid, and must never use them on itself.
    vm = await spawnVm(env, [...inNamespace, process.execPath, ID_SWITCH_GUARD_FLAG, ...image.flags, join(bundle, "main.cjs")], "unshare");
    expect(vm.output()).toContain("vm: /proc is mounted with hidepid: an agent sees only its own processes");

    // The server, seen from outside its namespace.
    serverPid = execFileSync("pgrep", ["-f", `${bundle}/main.cjs`], { encoding: "utf8" }).trim().split("\n").map(Number).find((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith(process.execPath)) ?? 0;
    const status = readFileSync(`/proc/${serverPid}/status`, "utf8");
    expect(status).toMatch(/\nUid:\t0\t0\t0\t0\n/);
    expect(status).toContain(`\nCapEff:\t${SERVER_CAPS}\n`);
    expect(status).toContain(`\nCapBnd:\t${SERVER_CAPS}\n`);
    expect(status).toContain("\nNoNewPrivs:\t1\n");

    const userId = "+15550002001";
    const probe = [
      "grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status",
      "echo server=$(test -e /proc/1 && echo visible || echo hidden)",
      "echo whoami=$(whoami)",
      "ssh -o BatchMode=yes -o ConnectTimeout=5 -p 9 git@127.0.0.1 true",
    ].join("; ");
    const res = await fetch(`${vm.url}/v1/runs`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        runId: "entrypoint-run",
        userId,
        sessionId: null,
        messages: [{ id: "m1", text: `[[tool Bash ${JSON.stringify({ command: `{ ${probe}; } > probe.out 2>&1` })}]]` }],
        options: { permissionMode: "bypassPermissions" },
      }),
    });
    const events = await readEvents(res).end();
    expect(resultsOf(events)[0]?.isError, JSON.stringify(events)).toBe(false);
    // Its CLI, kept warm, is recorded: under hidepid the server saw it only through a child of the agent's uid.
    const [record] = readdirSync(join(dataDir, ".agents")).filter((name) => name.endsWith(".json"));
    expect(JSON.parse(readFileSync(join(dataDir, ".agents", record ?? ""), "utf8"))).toMatchObject({ ids: { uid: expect.any(Number) } });

    const paths = userPathsOf(dataDir, userId);
    const uid = AgentIdTableSchema.parse(JSON.parse(readFileSync(join(dataDir, ".agent-ids.json"), "utf8"))).users[paths.key];
    const out = readFileSync(join(paths.workspace, "probe.out"), "utf8");
    expect(out).toContain("CapEff:\t0000000000000000");
    expect(out).toContain(`CapBnd:\t${SERVER_CAPS}`);
    expect(out).toContain("NoNewPrivs:\t1");
    expect(out).toContain("server=hidden");
    expect(out).toContain(`whoami=agent-${uid}`);
    // ssh runs for the agent's uid (it refuses one without a passwd entry) and gets as far as the port.
    expect(out).toMatch(/port 9: Connection refused/);
    expect(out).not.toContain("No user exists");
    expect(readFileSync(join(etc, "passwd"), "utf8")).toContain(`agent-${uid}:x:${uid}:${uid}:relay agent:${paths.home}:/bin/sh\n`);
    expect(readFileSync("/etc/passwd", "utf8")).not.toContain(`agent-${uid}:`);
    expect(vm.idSwitches()).toEqual([]);
  });
});
