// A checkout inside a private (0700) directory, as root's home in a container: agents of their own
// uids cannot reach the CLI npm put there, so the VM installs one for them under DATA_DIR/.cli
// rather than opening the directory. As root, an agent runs a turn with it; as any user, the
// install itself is checked on a CLI made for the purpose (a `#!/usr/bin/env node` script and a
// native executable), and run as `nobody` when the test can switch to it.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliForAgents, cliInstallDirOf } from "../src/cli/cli-install";
import { startAnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { CLAUDE_BIN, IS_ROOT, healthProblem, processesIn, readEvents, resultsOf, startHarness, TOKEN } from "./helpers/harness";
import { closedTempDir, tempDir } from "./helpers/temp-dir";
import { spawnVm, type VmChild } from "./helpers/vm-child";
import { userPathsOf } from "../src/users/user-paths";

const NOBODY = { uid: 65_534, gid: 65_534 };
const modeOf = (path: string) => statSync(path).mode & 0o777;

/**
 * A private directory holding a checkout (itself 0700 too), and a DATA_DIR: beside the checkout,
 * or for the install alone (no server to let agents through DATA_DIR's ancestors) one of its own.
 */
function privateTree(prefix: string, dataDirInside: boolean): { top: string; checkout: string; dataDir: string } {
  const top = closedTempDir(prefix);
  const checkout = join(top, "checkout");
  mkdirSync(checkout, { mode: 0o700 });
  if (dataDirInside) return { top, checkout, dataDir: join(top, "data") };
  const dataDir = tempDir(`${prefix}data-`);
  chmodSync(dataDir, 0o711);
  return { top, checkout, dataDir };
}

describe("the install, on a CLI made for the purpose", () => {
  it("copies a #!/usr/bin/env node package with the node that runs it, reuses it, and replaces it when the CLI changes", () => {
    const { top, checkout, dataDir } = privateTree("vm-cli-script-", false);
    const pkg = join(checkout, "node_modules", "fake-cli");
    mkdirSync(join(pkg, "lib"), { recursive: true });
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "fake-cli", version: "9.9.9" }));
    writeFileSync(join(pkg, "lib", "answer.js"), "module.exports = 'from its package';\n", { mode: 0o600 });
    const bin = join(pkg, "cli.cjs");
    writeFileSync(bin, "#!/usr/bin/env node\nconsole.log(['fake', require('./lib/answer.js'), ...process.argv.slice(2)].join(' '));\n", { mode: 0o700 });

    const first = cliForAgents(bin, dataDir);
    expect(first.bin).toMatch(new RegExp(`^${cliInstallDirOf(dataDir)}/claude-9\\.9\\.9-[0-9a-f]{12}/claude$`));
    expect(first.line).toContain(`(${top} is closed to other users)`);
    const installed = join(first.bin, "..");
    expect(modeOf(installed)).toBe(0o755);
    expect(modeOf(join(installed, "package", "cli.cjs"))).toBe(0o755);
    expect(modeOf(join(installed, "package", "lib", "answer.js"))).toBe(0o644);
    expect(readFileSync(first.bin, "utf8")).toContain(`"${join(installed, "node")}" "${join(installed, "package", "cli.cjs")}"`);
    // Nothing of the checkout was opened.
    expect(modeOf(checkout)).toBe(0o700);
    expect(modeOf(bin)).toBe(0o700);

    const asServer = spawnSync(first.bin, ["--version"], { encoding: "utf8" });
    expect(asServer.stdout.trim()).toBe("fake from its package --version");
    if (IS_ROOT) {
      // What an agent's uid gets: the original refused, the installed one run.
      expect(spawnSync(bin, ["--version"], { ...NOBODY }).error).toMatchObject({ code: "EACCES" });
      expect(spawnSync(first.bin, ["--version"], { ...NOBODY, encoding: "utf8" }).stdout.trim()).toBe("fake from its package --version");
    }

    // Started again: the same install, not a new one.
    expect(cliForAgents(bin, dataDir).bin).toBe(first.bin);
    expect(readdirSync(cliInstallDirOf(dataDir))).toHaveLength(1);

    // The CLI updated in place: a new install, the old one gone.
    writeFileSync(bin, "#!/usr/bin/env node\nconsole.log('updated');\n", { mode: 0o700 });
    const next = cliForAgents(bin, dataDir);
    expect(next.bin).not.toBe(first.bin);
    expect(readdirSync(cliInstallDirOf(dataDir))).toEqual([next.bin.split("/").at(-2)]);
    expect(spawnSync(next.bin, [], { encoding: "utf8" }).stdout.trim()).toBe("updated");
  });

  it("places a native executable alone, and leaves a CLI others can reach where it is", () => {
    const { checkout, dataDir, top } = privateTree("vm-cli-native-", false);
    const bin = join(checkout, "true");
    copyFileSync("/bin/true", bin);
    chmodSync(bin, 0o755);
    const placed = cliForAgents(bin, dataDir);
    expect(readdirSync(join(placed.bin, ".."))).toEqual(["claude"]);
    expect(spawnSync(placed.bin, []).status).toBe(0);
    if (IS_ROOT) expect(spawnSync(placed.bin, [], NOBODY).status).toBe(0);

    // Executable by nobody at all: a misconfiguration for the startup check to name, left as it is.
    chmodSync(bin, 0o644);
    expect(cliForAgents(bin, dataDir)).toEqual({ bin, line: null });
    chmodSync(bin, 0o755);

    // Open all the way: nothing installed.
    chmodSync(top, 0o755);
    chmodSync(checkout, 0o755);
    expect(cliForAgents(bin, dataDir)).toEqual({ bin, line: null });
  });
});

describe.skipIf(!IS_ROOT)("as root, with the real CLI in a private checkout (skipped when not root: only root runs agents as other uids)", () => {
  it("an agent of its own uid runs a turn, and the startup check finds nothing wrong", async () => {
    const { checkout, dataDir } = privateTree("vm-cli-private-", true);
    const pkg = join(checkout, "node_modules", "@anthropic-ai", "claude-code");
    mkdirSync(join(pkg, "bin"), { recursive: true });
    copyFileSync(join(CLAUDE_BIN, "..", "..", "package.json"), join(pkg, "package.json"));
    const bin = join(pkg, "bin", "claude.exe");
    // The real CLI (a native executable of some 380 MB): linked, not copied, when the filesystem allows.
    try {
      linkSync(CLAUDE_BIN, bin);
    } catch {
      copyFileSync(CLAUDE_BIN, bin);
    }
    // What fails today: an agent's uid cannot even start it there.
    expect(spawnSync(bin, ["--version"], NOBODY).error).toMatchObject({ code: "EACCES" });

    const h = await startHarness({ dataDir, claudeBin: bin });
    try {
      const events = await (await h.startRun({ userId: "+15550001800", text: "hello from a private checkout" })).end();
      const [result] = resultsOf(events);
      expect(result?.isError, JSON.stringify(events)).toBe(false);
      expect(await healthProblem(h, (problem) => problem === null)).toBeNull();
      const [installed] = readdirSync(cliInstallDirOf(dataDir));
      expect(installed).toMatch(/^claude-2\.\d+\.\d+-[0-9a-f]{12}$/);
      expect(modeOf(checkout)).toBe(0o700);
    } finally {
      await h.close();
    }
  });
});

describe.skipIf(!IS_ROOT)("as root, with the server's node in a private checkout (skipped when not root: only root runs agents as other uids)", () => {
  it("an agent's relay tool call works though the server's node is out of its reach: the agent starts nothing of the server's", async () => {
    const { checkout, dataDir } = privateTree("vm-node-private-", true);
    const node = join(checkout, "node");
    try {
      linkSync(process.execPath, node);
    } catch {
      copyFileSync(process.execPath, node);
      chmodSync(node, 0o755);
    }
    expect(spawnSync(node, ["--version"], NOBODY).error).toMatchObject({ code: "EACCES" });
    const api = await startAnthropicStandIn();
    let vm: VmChild | null = null;
    try {
      // The VM as `npm run vm` starts it, by the private node: the relay tools are served by it, over loopback.
      vm = await spawnVm({ DATA_DIR: dataDir, ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: "sk-offline-test" }, undefined, node);
      const userId = "+15550001801";
      const res = await fetch(`${vm.url}/v1/runs`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({
          runId: "private-node-run",
          userId,
          sessionId: null,
          messages: [{ id: "m1", text: '[[tool schedule_create {"kind":"every","every":"2h","prompt":"check the build"}]]' }],
          options: { permissionMode: "default", scheduleTools: true },
        }),
      });
      const reader = readEvents(res);
      const call = await reader.waitFor((e) => e.type === "tool_call");
      if (call.type !== "tool_call") throw new Error("not a tool call");
      const commandLines = processesIn(userPathsOf(dataDir, userId).workspace).map((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8"));
      // The CLI alone works there: no node, neither the private one nor a copy of it.
      expect(commandLines.length).toBeGreaterThan(0);
      expect(commandLines.filter((line) => !line.split("\0")[0]!.includes("claude"))).toEqual([]);
      const answer = await fetch(`${vm.url}/v1/runs/private-node-run/tool-result`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ callId: call.callId, ok: true, text: "Task #1 scheduled." }),
      });
      expect(answer.status).toBe(202);
      expect(resultsOf(await reader.end())[0]?.text).toBe("[offline model] The mcp__relay__schedule_create tool answered: Task #1 scheduled.");
      expect(modeOf(checkout)).toBe(0o700);
    } finally {
      if (vm) {
        vm.child.kill("SIGTERM");
        await vm.exited;
      }
      await api.close();
    }
  });
});
