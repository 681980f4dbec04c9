// Helpers of the live page's tests: a page's socket opened through the Worker as the page's script
// opens it (same origin), its messages kept in order, and its close code.
import { exports } from "cloudflare:workers";
import { eventually } from "./helpers";
import { TEST_PUBLIC_URL } from "./test-env";

export const LINK = new RegExp(`${TEST_PUBLIC_URL.replace(/[.]/g, "\\.")}(/web/[A-Za-z0-9_-]{22})(#[a-z]+)?(?:\\s|$)`);
export const FROM_PAGE = { origin: TEST_PUBLIC_URL, "sec-fetch-site": "same-origin" };

export type LiveMessage = { type?: string; seq?: number; kind?: string; text?: string; approvalId?: number; canAct?: boolean; note?: string | null };
export type PageSocket = { ws: WebSocket; messages: LiveMessage[]; events: () => LiveMessage[]; closed: () => number | null };

/** GET …/live as the page's script asks it; the socket (accepted) or the answer's status. */
export async function openLive(path: string, headers: Record<string, string> = FROM_PAGE): Promise<PageSocket | number> {
  const response = await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}`, { headers: { upgrade: "websocket", ...headers } }));
  if (response.status !== 101 || !response.webSocket) return response.status;
  const ws = response.webSocket;
  const messages: LiveMessage[] = [];
  let closed: number | null = null;
  ws.addEventListener("message", (e) => messages.push(JSON.parse(String(e.data)) as LiveMessage));
  ws.addEventListener("close", (e) => (closed = e.code));
  ws.accept();
  return { ws, messages, events: () => messages.filter((m) => typeof m.seq === "number"), closed: () => closed };
}

/** The socket, failing the test if it was refused. */
export async function mustOpen(path: string): Promise<PageSocket> {
  const opened = await openLive(path);
  if (typeof opened === "number") throw new Error(`the live socket was refused (${opened})`);
  return opened;
}

/** Waits for the page's events to satisfy `check`; its events then. */
export const eventsWhen = (socket: PageSocket, check: (events: LiveMessage[]) => boolean) => eventually(async () => check(socket.events()) && socket.events());

/** Closes what a test opened, whatever state it is in. */
export function closeAll(sockets: (PageSocket | number | null)[]): void {
  for (const s of sockets) {
    if (s && typeof s !== "number" && s.closed() === null) {
      try {
        s.ws.close(1000, "test over");
      } catch {
        // closed meanwhile
      }
    }
  }
}
