// Starts the agent VM in this process: `startVmServer(config)` for `npm run vm`, the local
// stack and tests. Closes runs left open by a previous process, then serves until closed or idle.
import { createAdaptorServer } from "@hono/node-server";
import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type { RunEvent } from "../../src/protocol/vm-protocol.js";
import { VmConfigSchema, type VmConfigInput } from "./config.js";
import { isIdle } from "./core/idle.js";
import { createVmApp } from "./routes.js";
import { openRunLog } from "./run-log.js";
import { createRunManager, type TimingMark } from "./run-manager.js";
import { TOOL_CALL_ROUTE } from "./core/relay-tool-wire.js";
import { createToolBridge } from "./tool-bridge.js";

export type VmServer = {
  url: string;
  port: number;
  /** Ends live runs (`vm_restarted`), stops every CLI, flushes events, closes the server. */
  close(): Promise<void>;
};

export type VmHooks = {
  /** Called once the VM is idle and its warm processes are stopped. Default: close the server. */
  onIdle?: () => void;
  /** Measurement points (performance.now()), for the benchmark. */
  onTiming?: (runId: string, mark: TimingMark | "delivered", at: number, event?: RunEvent) => void;
};

export async function startVmServer(input: VmConfigInput, hooks: VmHooks = {}): Promise<VmServer> {
  const config = VmConfigSchema.parse(input);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const log = openRunLog(config.dataDir);
  const reopened = log.closeDangling("the VM restarted while the run was live");
  if (reopened.length > 0) console.log(`vm: closed ${reopened.length} run(s) left live by the previous process`);
  log.prune(Date.now() - config.runRetentionMs);

  let lastActivityAt = Date.now();
  let openStreams = 0;
  const touch = () => {
    lastActivityAt = Date.now();
  };
  const tools = createToolBridge({ timeoutMs: config.toolCallTimeoutMs });
  let toolCallUrl = "";
  const manager = createRunManager({ config, log, touch, onTiming: hooks.onTiming, tools, toolCallUrl: () => toolCallUrl });
  const app = createVmApp({
    vmToken: config.vmToken,
    manager,
    tools,
    onRequest: touch,
    now: () => performance.now(),
    stream: {
      heartbeatMs: config.heartbeatMs,
      onOpen: () => {
        openStreams++;
      },
      onClose: () => {
        openStreams--;
        touch();
      },
      onDelivered: hooks.onTiming ? (runId, event) => hooks.onTiming?.(runId, "delivered", performance.now(), event) : undefined,
    },
  });

  const server = createAdaptorServer({ fetch: app.fetch, hostname: config.host }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  toolCallUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}${TOOL_CALL_ROUTE}`;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      clearInterval(idleTimer);
      await manager.shutdown();
      // The last events are written; let open streams take them before the sockets go.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        setTimeout(() => server.closeAllConnections(), 200).unref();
      });
    })();
    return closing;
  };

  const checkEveryMs = Math.max(50, Math.min(1_000, Math.floor(config.idleTimeoutMs / 4)));
  const idleTimer = setInterval(() => {
    const idle = isIdle({
      now: Date.now(),
      lastActivityAt,
      idleTimeoutMs: config.idleTimeoutMs,
      liveRuns: manager.liveRunCount(),
      openStreams,
    });
    if (!idle || closing) return;
    clearInterval(idleTimer);
    void manager.stopWarm().then(() => (hooks.onIdle ? hooks.onIdle() : void close()));
  }, checkEveryMs);
  idleTimer.unref();

  return { url: `http://${host}:${port}`, port, close };
}
