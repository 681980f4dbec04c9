// The VM stand-in's previews, as the VM's preview routes answer (vm/src/http/preview-routes.ts):
// a conversation's listening ports (scripted with POST /__stand-in/preview {userId, workspace,
// ports, kept?}), its kept server started by POST {command, port} (it listens at once) and ended by
// DELETE with its ports, and the proxy, which answers a page naming the
// conversation, port and path for a port of that user's conversation, and the VM's refusal
// (404, `x-preview-refused`) for any other.
import type { IncomingMessage, ServerResponse } from "node:http";
import { encode } from "fast-png";
import { SHOT_ROUTE, SHOT_WIDTHS, ShotRequestSchema } from "../../src/protocol/vm/shot";
import { PREVIEW_PROXY_PREFIX, PREVIEW_REFUSED_HEADER, PREVIEW_USER_HEADER, type PreviewState } from "../../src/protocol/vm/preview";

export function createPreviewStandIn() {
  const listening = new Map<string, number[]>();
  const kept = new Map<string, NonNullable<PreviewState["kept"]>>();
  const keyOf = (userId: string, workspace: string) => `${userId}\n${workspace}`;
  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string>) => {
    res.writeHead(status, headers);
    res.end(body);
  };
  const state = (userId: string, workspace: string): PreviewState => ({ kept: kept.get(keyOf(userId, workspace)) ?? null, ports: listening.get(keyOf(userId, workspace)) ?? [] });
  const keep = (key: string, command: string, port: number) => kept.set(key, { port, pid: 4242, command, startedAt: Date.now() });

  /** The stand-in's own control route; true when it answered. */
  async function control(req: IncomingMessage, res: ServerResponse, url: URL, body: () => Promise<string>): Promise<boolean> {
    if (url.pathname !== "/__stand-in/preview") return false;
    const { userId, workspace, ports, kept: server } = JSON.parse(await body()) as { userId: string; workspace: string; ports: number[]; kept?: { command: string; port: number } };
    listening.set(keyOf(userId, workspace), ports);
    if (server) keep(keyOf(userId, workspace), server.command, server.port);
    send(res, 200, "{}", { "content-type": "application/json" });
    return true;
  }

  /** A request behind the token; true when it was a preview's. */
  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, body: () => Promise<string>): Promise<boolean> {
    const route = /^\/v1\/workspaces\/([^/]+)\/preview$/.exec(url.pathname);
    if (route) {
      const workspace = decodeURIComponent(route[1]!);
      const userId = url.searchParams.get("userId") ?? "";
      const key = keyOf(userId, workspace);
      if (req.method === "DELETE") {
        listening.delete(key);
        kept.delete(key);
      }
      const start = req.method === "POST" ? (JSON.parse(await body()) as { command?: string; port?: number }) : {};
      // As the VM's start: the kept server is ended first; a command that exits is reported, not kept.
      if (start.command) kept.delete(key);
      if (start.command && /^exit [1-9]/.test(start.command)) {
        send(res, 200, JSON.stringify({ ...state(userId, workspace), problem: `the command exited (status ${start.command.slice(5)})` }), { "content-type": "application/json" });
        return true;
      }
      // A command names its port with --port N when the request does not (the VM finds the one it listens on).
      const named = start.port ?? Number(/--port (\d+)/.exec(start.command ?? "")?.[1] ?? 0);
      if (start.command && named) start.port = named;
      if (start.command && start.port) {
        keep(key, start.command, start.port);
        listening.set(key, [...new Set([...(listening.get(key) ?? []), start.port])]);
      }
      send(res, 200, JSON.stringify(state(userId, workspace)), { "content-type": "application/json" });
      return true;
    }
    if (!url.pathname.startsWith(`${PREVIEW_PROXY_PREFIX}/`)) return false;
    const [, workspace = "", port = "", ...rest] = url.pathname.slice(PREVIEW_PROXY_PREFIX.length).split("/");
    const user = req.headers[PREVIEW_USER_HEADER];
    const owned = typeof user === "string" && state(user, decodeURIComponent(workspace)).ports.includes(Number(port));
    if (!owned) send(res, 404, JSON.stringify({ error: "unknown_port" }), { "content-type": "application/json", [PREVIEW_REFUSED_HEADER]: "unknown_port" });
    else send(res, 200, `<h1>app of ${decodeURIComponent(workspace)} on ${port} at /${rest.join("/")}${url.search}</h1>`, { "content-type": "text/html" });
    return true;
  }

  /**
   * `POST /v1/shot`, as shot-routes.ts answers: 400 for a request the schema refuses, 404
   * `no_preview` when the conversation listens on no port, else a PNG as wide as asked (two rows
   * high: the stand-in draws no page); true when it answered.
   */
  async function shot(req: IncomingMessage, res: ServerResponse, url: URL, body: () => Promise<string>): Promise<boolean> {
    if (req.method !== "POST" || url.pathname !== SHOT_ROUTE) return false;
    const parsed = ShotRequestSchema.safeParse(JSON.parse(await body()));
    if (!parsed.success) send(res, 400, JSON.stringify({ error: "bad_request", message: parsed.error.message }), { "content-type": "application/json" });
    else if (state(parsed.data.userId, parsed.data.workspace).ports.length === 0) {
      send(res, 404, JSON.stringify({ error: "no_preview", message: "no preview is running in this conversation: start one with /preview" }), { "content-type": "application/json" });
    } else {
      const width = parsed.data.wide ? SHOT_WIDTHS.wide : SHOT_WIDTHS.phone;
      const png = encode({ width, height: 2, data: new Uint8Array(width * 2 * 4).fill(200), channels: 4 });
      res.writeHead(200, { "content-type": "image/png", "content-length": String(png.byteLength) });
      res.end(png);
    }
    return true;
  }

  return { control, handle, shot };
}
