// How an agent process gets the relay tools: a secret of its own from the tool bridge and an
// `--mcp-config` file naming the VM's own MCP endpoint (Streamable HTTP on loopback, MCP_ROUTE).
// No process is started for them: the CLI connects to the VM server, which already runs, so a
// CLI's start never waits for another program's (docs/notes/cold-path.md).
import { randomBytes } from "node:crypto";
import { doAsUser } from "../users/as-user";
import type { AgentIds } from "../core/agent-ids";
import { MCP_ROUTE, MCP_SERVER_NAME } from "../core/relay-tool-wire";
import type { Run } from "../core/run-handle";
import { loadMcpSdk } from "./mcp-sdk";
import type { ToolBridge, ToolsOffer } from "./tool-bridge";
import { resolveInside } from "../users/user-paths";

/** The CLI's own limit on one call waits this much longer than the VM, which always answers first while it lives. */
const CLI_TIMEOUT_MARGIN_MS = 15_000;

/** The config the CLI reads: the endpoint, the process's secret, and the CLI's limit on one call. */
function relayMcpConfigText(url: string, secret: string, callTimeoutMs: number): string {
  // `timeout`: the CLI's own per-server limit on one tool call (its MCP_TOOL_TIMEOUT).
  const server = { type: "http", url, headers: { Authorization: `Bearer ${secret}` }, timeout: callTimeoutMs };
  return JSON.stringify({ mcpServers: { [MCP_SERVER_NAME]: server } });
}

/**
 * Writes the config into the user's private temp directory (mode 600, by a child of the user's
 * uid, whose CLI reads it) rather than onto the command line, where every `ps` would show the
 * secret. The agent can still read it: the secret alone is never enough (tool-bridge.ts). Returns
 * its path and a cleanup (also as the user, not waited for).
 */
async function writeRelayMcpConfig(tmpDir: string, text: string, ids: AgentIds | null): Promise<{ path: string; remove(): void }> {
  const path = resolveInside(tmpDir, `relay-mcp-${randomBytes(6).toString("hex")}.json`);
  await doAsUser(ids, [{ op: "write", path, text, mode: 0o600 }]);
  const remove = () => doAsUser(ids, [{ op: "remove", path }]).catch((error: unknown) => console.warn(`vm: relay MCP config not removed: ${String(error)}`));
  return { path, remove: () => void remove() };
}

export type RelayToolsOffer = {
  tmpDir: string;
  /** The user's own OS user, who writes and reads the config; null: the server's. */
  ids: AgentIds | null;
  /** The VM server's own base URL on loopback (`http://127.0.0.1:<port>`). */
  vmUrl: string;
  timeoutMs: number;
  /** The schedule tools (`scheduleTools`). */
  schedules: boolean;
  /** The `approve` tool's timeout (`approvals`), or null: no `approve`. */
  approvalTimeoutMs: number | null;
  currentRun: () => Run | null;
};

/** A secret and an MCP config for one agent process; `attach` its CLI once spawned, `release` when it is gone. */
export async function offerRelayTools(bridge: ToolBridge, offer: RelayToolsOffer): Promise<{ mcpConfigPath: string; attach(pid: number): void; release(): void }> {
  // The endpoint's SDK, readied while the CLI starts (mcp-sdk.ts); a failure shows at the CLI's first request.
  void loadMcpSdk().catch(() => {});
  const tools: ToolsOffer = { schedules: offer.schedules, approvals: offer.approvalTimeoutMs !== null };
  const grant = bridge.grant(offer.currentRun, tools, offer.ids);
  const longest = Math.max(offer.approvalTimeoutMs ?? 0, offer.timeoutMs) + CLI_TIMEOUT_MARGIN_MS;
  const config = await writeRelayMcpConfig(offer.tmpDir, relayMcpConfigText(`${offer.vmUrl}${MCP_ROUTE}`, grant.secret, longest), offer.ids).catch((error: unknown) => {
    grant.revoke();
    throw error;
  });
  return {
    mcpConfigPath: config.path,
    attach: grant.attach,
    release() {
      grant.revoke();
      config.remove();
    },
  };
}
