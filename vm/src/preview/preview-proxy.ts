// Carrying a /preview link's requests to the conversation's port on 127.0.0.1: plain HTTP through
// fetch, WebSocket upgrades (a dev server's hot reload) as a raw TCP pipe after the port check.
// The check is the same for both: the port must be listened on by a process of that user's
// conversation (port-owners.ts), never the VM's own port, never another conversation's.
import { connect, type Socket } from "node:net";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { PREVIEW_PROXY_PREFIX, PREVIEW_REFUSED_HEADER, PREVIEW_USER_HEADER } from "../../../src/protocol/vm/preview";

/**
 * What a proxied request names: the conversation, the port and the app's own path (query included);
 * `address`, once the port is checked: where the user's loopback is reached (its network
 * namespace's own address, users/user-netns.ts), 127.0.0.1 when unset.
 */
export type PreviewTarget = { workspace: string; port: number; path: string; address?: string };

/** The target of a proxy path, or null when it is not one. */
export function previewTargetOf(pathAndQuery: string): PreviewTarget | null {
  if (!pathAndQuery.startsWith(`${PREVIEW_PROXY_PREFIX}/`)) return null;
  const match = /^\/([^/?#]+)\/(\d{1,5})(\/[^#]*)?$/.exec(pathAndQuery.slice(PREVIEW_PROXY_PREFIX.length));
  if (!match?.[1] || !match[2]) return null;
  let workspace: string;
  try {
    workspace = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  return { workspace, port: Number(match[2]), path: match[3] ?? "/" };
}

/** Headers the app never sees: the VM's token and the relay's own. */
const HOP_HEADERS = new Set(["authorization", PREVIEW_USER_HEADER, "host", "connection", "keep-alive", "transfer-encoding", "upgrade"]);

export function forwardedHeaders(headers: Headers): Headers {
  const out = new Headers();
  headers.forEach((value, name) => {
    if (!HOP_HEADERS.has(name.toLowerCase())) out.set(name, value);
  });
  return out;
}

/** An HTTP request to the port, answered as the app answers (redirects passed on, not followed). */
export async function proxyHttp(request: Request, target: PreviewTarget): Promise<Response> {
  const headers = forwardedHeaders(request.headers);
  headers.set("host", `127.0.0.1:${target.port}`);
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  try {
    const answer = await fetch(`http://${target.address ?? "127.0.0.1"}:${target.port}${target.path}`, {
      method: request.method,
      headers,
      redirect: "manual",
      ...(hasBody ? { body: request.body, duplex: "half" } : {}),
    } as RequestInit);
    const out = new Headers(answer.headers);
    // fetch has already taken the body's encoding off.
    out.delete("content-encoding");
    out.delete("content-length");
    return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: out });
  } catch {
    return Response.json({ error: "unknown_port", message: `nothing answered on port ${target.port}` }, { status: 502 });
  }
}

/** The upgrade request as the app must get it: the app's own path, without the VM's token or the relay's header. */
function upgradeHead(request: IncomingMessage, target: PreviewTarget): string {
  const lines = [`${request.method ?? "GET"} ${target.path} HTTP/1.1`];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] ?? "";
    const lower = name.toLowerCase();
    if (lower === "authorization" || lower === PREVIEW_USER_HEADER) continue;
    lines.push(`${name}: ${lower === "host" ? `127.0.0.1:${target.port}` : (request.rawHeaders[i + 1] ?? "")}`);
  }
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** Pipes an accepted upgrade to the port; either side's end ends both. */
export function pipeUpgrade(request: IncomingMessage, client: Duplex, head: Buffer, target: PreviewTarget): void {
  const upstream: Socket = connect(target.port, target.address ?? "127.0.0.1", () => {
    upstream.write(upgradeHead(request, target));
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  const end = () => {
    upstream.destroy();
    client.destroy();
  };
  upstream.on("error", end);
  client.on("error", end);
  upstream.on("close", end);
  client.on("close", end);
}

/** A refusal written on a socket that asked to upgrade. */
export function refuseUpgrade(client: Duplex, status: 401 | 404, reason: string): void {
  const body = JSON.stringify({ error: status === 401 ? "unauthorized" : "unknown_port", message: reason });
  const refused = status === 404 ? `${PREVIEW_REFUSED_HEADER}: unknown_port\r\n` : "";
  client.end(`HTTP/1.1 ${status} ${status === 401 ? "Unauthorized" : "Not Found"}\r\n${refused}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
