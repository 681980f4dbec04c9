// Secrets are never passed through (issue 31): each variable of core/secret-env.ts's list, and a
// proxy URL's user:pass@ and a variable only named like a secret, set in the VM's environment as
// a Machine's VM gets them; the real CLI, told by the offline model to look, finds none of their
// values in its environment, any /proc/*/environ or /proc/*/cmdline, or the relay MCP config.
// The custom headers still reach the model's upstream: the credential proxy adds them. Agents with
// uids of their own only (root): one sharing the server's uid could read the server's /proc.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { SECRET_VARIABLES } from "../src/core/secret-env";
import { userPathsOf } from "../src/users/user-paths";
import { IS_ROOT, readEvents, resultsOf, TOKEN, uniqueId } from "./helpers/harness";
import { startRecordingUpstream, type RecordingUpstream } from "./helpers/recording-upstream";
import { tempDir } from "./helpers/temp-dir";
import { spawnVm } from "./helpers/vm-child";

const secret = (label: string) => `${label}-${randomBytes(16).toString("hex")}`;

/** A value for each listed variable, in the shape the VM reads it; `find` is what must not be found. */
function valuesOfList(): { env: Record<string, string>; find: Record<string, string> } {
  const env: Record<string, string> = {};
  const find: Record<string, string> = {};
  for (const { name } of SECRET_VARIABLES) {
    const value = secret(name.toLowerCase());
    find[name] = value;
    if (name === "VM_TOKEN") find[name] = env[name] = TOKEN;
    else if (name === "ANTHROPIC_CUSTOM_HEADERS") env[name] = `x-gateway-key: ${value}`;
    else if (name === "GIT_CREDENTIALS") env[name] = `https://alice:${value}@git.test.example\n`;
    else env[name] = value;
  }
  return { env, find };
}

/** Everything the agent can look at, dumped into probe.out in its workspace. */
const PROBE = [
  "{ echo '== env'; env",
  "echo '== environ'; n=0; for f in /proc/[0-9]*/environ; do if tr '\\0' '\\n' < \"$f\" 2>/dev/null; then n=$((n+1)); fi; done; echo \"environ-read=$n\"",
  "echo '== cmdline'; for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < \"$f\" 2>/dev/null; echo; done",
  "echo '== mcp'; cat \"$TMPDIR\"/relay-mcp-*.json",
  "echo '== end'; } > probe.out 2>&1",
].join("\n");

describe.skipIf(!IS_ROOT)("no secret of the VM's environment reaches an agent (agents with uids of their own: root only)", () => {
  let api: AnthropicStandIn;
  let upstream: RecordingUpstream;
  beforeAll(async () => {
    api = await startAnthropicStandIn();
    upstream = await startRecordingUpstream(api.url);
  });
  afterAll(async () => {
    await upstream?.close();
    await api?.close();
  });

  it("walks the list: each value held by the server or not passed, the custom headers added upstream", async () => {
    const { env, find } = valuesOfList();
    const proxyPassword = secret("proxy-pass");
    const unlisted = secret("unlisted");
    find.HTTPS_PROXY = proxyPassword;
    find.ANTHROPIC_SOMETHING_API_KEY = unlisted;
    const dataDir = tempDir("vm-secret-env-");
    const vm = await spawnVm({
      ...env,
      DATA_DIR: dataDir,
      ANTHROPIC_BASE_URL: upstream.url,
      HTTPS_PROXY: `http://alice:${proxyPassword}@proxy.invalid:3128`,
      ANTHROPIC_SOMETHING_API_KEY: unlisted,
    });
    try {
      const userId = "+15550003101";
      const body = { runId: uniqueId("run"), userId, sessionId: null, messages: [{ id: uniqueId("m"), text: `[[tool Bash ${JSON.stringify({ command: PROBE })}]]` }], options: { permissionMode: "bypassPermissions", scheduleTools: true } };
      const response = await fetch(`${vm.url}/v1/runs`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      const events = await readEvents(response).end();
      expect(resultsOf(events)[0]?.isError, JSON.stringify(events)).toBe(false);
      const out = readFileSync(join(userPathsOf(dataDir, userId).workspace, "probe.out"), "utf8");

      // The probe ran and saw what an agent sees: its CLI's and MCP server's environ, the proxy's URL without its password.
      expect(out).toContain("== end");
      expect(Number(/environ-read=(\d+)/.exec(out)?.[1])).toBeGreaterThanOrEqual(2);
      expect(out).toContain("HTTPS_PROXY=http://proxy.invalid:3128");
      for (const [name, value] of Object.entries(find)) {
        expect(out.includes(value), `${name}'s value was found by the agent`).toBe(false);
      }
      // Held, not lost: the model's upstream got the custom header from the proxy, and the real key.
      const modelCall = upstream.seen.find((s) => s.path.startsWith("/v1/messages"));
      expect(modelCall?.headers["x-gateway-key"]).toBe(find.ANTHROPIC_CUSTOM_HEADERS);
      expect(modelCall?.apiKey).toBe(find.ANTHROPIC_API_KEY);
      // The VM's own environ holds them (root's, unreadable by the agent).
      expect(readFileSync(`/proc/${vm.child.pid}/environ`, "utf8")).toContain(find.ANTHROPIC_FOUNDRY_API_KEY);
    } finally {
      vm.child.kill("SIGTERM");
      await vm.exited;
    }
  });
});
