// How an agent process gets the relay tools: a secret of its own from the tool bridge and an
// `--mcp-config` file that starts the MCP server next to this module (.ts under tsx, .cjs bundled).
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { doAsUser } from "../users/as-user";
import type { AgentIds } from "../core/agent-ids";
import { APPROVAL_ROUTE, HELLO_ROUTE, MCP_SERVER_NAME, TOOL_CALL_ROUTE, type McpServerEnv } from "../core/relay-tool-wire";
import type { Run } from "../core/run-handle";
import type { ToolBridge } from "./tool-bridge";
import { resolveInside } from "../users/user-paths";

/** The MCP server waits this much longer than the VM, which always answers first while it lives. */
const CHILD_TIMEOUT_MARGIN_MS = 15_000;

export type McpCommand = { command: string; args: string[] };

/** The VM server's own V8 flags (vm/package.json, the Dockerfile's CMD) but `--expose-gc`: see docs/vm.md, idle memory. */
export const MCP_SERVER_NODE_FLAGS = ["--no-opt", "--no-sparkplug", "--max-semi-space-size=1"];

/**
 * `node <dir>/relay-mcp-main.cjs` next to the bundle (the image); under tsx, `node --import <tsx>
 * <dir>/relay-mcp-main.ts` with tsx resolved to an absolute URL, because the CLI starts the server
 * in the user's workspace.
 */
export function relayMcpCommand(moduleUrl: string = import.meta.url): McpCommand {
  const extension = extname(fileURLToPath(moduleUrl));
  const entry = fileURLToPath(new URL(`./relay-mcp-main${extension}`, moduleUrl));
  const loader = extension === ".ts" ? ["--import", pathToFileURL(createRequire(moduleUrl).resolve("tsx")).href] : [];
  return { command: process.execPath, args: [...MCP_SERVER_NODE_FLAGS, ...loader, entry] };
}

/**
 * Writes the config into the user's private temp directory (mode 600, by a child of the user's
 * uid, whose CLI reads it) rather than onto the command line, where every `ps` would show the
 * secret. Returns its path and a cleanup (also as the user, not waited for).
 */
export async function writeRelayMcpConfig(
  tmpDir: string,
  env: McpServerEnv,
  callTimeoutMs?: number,
  ids: AgentIds | null = null,
  command: McpCommand = relayMcpCommand(),
): Promise<{ path: string; remove(): void }> {
  const path = resolveInside(tmpDir, `relay-mcp-${randomBytes(6).toString("hex")}.json`);
  // Every value a string, as an environment is; unset ones left out.
  const strings = Object.fromEntries(
    Object.entries(env)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, typeof value === "boolean" ? (value ? "1" : "0") : String(value)]),
  );
  // `timeout`: the CLI's own per-server limit on one tool call (its MCP_TOOL_TIMEOUT), set only
  // for approvals, which may wait far longer than a relay tool call.
  const server = { type: "stdio", ...command, env: strings, ...(callTimeoutMs ? { timeout: callTimeoutMs } : {}) };
  await doAsUser(ids, [{ op: "write", path, text: JSON.stringify({ mcpServers: { [MCP_SERVER_NAME]: server } }), mode: 0o600 }]);
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
  /** The `approve` tool and its timeout (`approvals`), or null. */
  approvalTimeoutMs: number | null;
  currentRun: () => Run | null;
  /** How agents start the server (relay-mcp-install.ts); default: this server's node and the module next to this one. */
  command?: McpCommand;
};

/** A secret and an MCP config for one agent process; `release` when the process is gone. */
export async function offerRelayTools(bridge: ToolBridge, offer: RelayToolsOffer): Promise<{ mcpConfigPath: string; release(): void }> {
  const grant = bridge.grant(offer.currentRun, offer.ids);
  const config = await writeRelayMcpConfig(offer.tmpDir, {
    RELAY_TOOLS_URL: `${offer.vmUrl}${TOOL_CALL_ROUTE}`,
    RELAY_HELLO_URL: `${offer.vmUrl}${HELLO_ROUTE}`,
    RELAY_TOOLS_SECRET: grant.secret,
    RELAY_TOOLS_TIMEOUT_MS: offer.timeoutMs + CHILD_TIMEOUT_MARGIN_MS,
    RELAY_SCHEDULE_TOOLS: offer.schedules,
    RELAY_APPROVALS: offer.approvalTimeoutMs !== null,
    ...(offer.approvalTimeoutMs !== null
      ? { RELAY_APPROVAL_URL: `${offer.vmUrl}${APPROVAL_ROUTE}`, RELAY_APPROVAL_TIMEOUT_MS: offer.approvalTimeoutMs + CHILD_TIMEOUT_MARGIN_MS }
      : {}),
  }, offer.approvalTimeoutMs === null ? undefined : Math.max(offer.approvalTimeoutMs, offer.timeoutMs) + 2 * CHILD_TIMEOUT_MARGIN_MS, offer.ids, offer.command).catch((error: unknown) => {
    grant.revoke();
    throw error;
  });
  return {
    mcpConfigPath: config.path,
    release() {
      grant.revoke();
      config.remove();
    },
  };
}
