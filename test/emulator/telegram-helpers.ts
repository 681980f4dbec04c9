// Test helpers for the Telegram Bot API stand-in: a started stand-in and a webhook receiver, both
// closed when the file's tests end.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { startTelegramEmulator, type RunningTelegramEmulator, type TelegramEmulatorOptions } from "../../emulator/telegram/server";
import { createResources } from "../helpers/resources";

export const BOT_TOKEN = "4242424242:AAH-test-token-for-the-stand-in_x";
export const USER_ID = 777000111;

export type Received = { headers: IncomingHttpHeaders; body: unknown };

export function telegramResources() {
  const resources = createResources();
  return {
    resources,
    start(options: Partial<TelegramEmulatorOptions> = {}): Promise<RunningTelegramEmulator> {
      return resources.track(startTelegramEmulator({ port: 0, token: BOT_TOKEN, ...options }), (t) => t.close());
    },
    /** A webhook that records what it is sent and answers `status`. */
    async receiver(status = 200): Promise<{ url: string; received: Received[] }> {
      const received: Received[] = [];
      const server = createServer((req, res) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
          received.push({ headers: req.headers, body: JSON.parse(body) as unknown });
          res.writeHead(status).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      resources.track(server, (s) => new Promise<void>((resolve) => { s.close(() => resolve()); s.closeAllConnections(); }));
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram/webhook`, received };
    },
  };
}

/** Calls a Bot API method with a JSON body, as the relay's client will. */
export async function callBot(telegram: RunningTelegramEmulator, method: string, params: Record<string, unknown> = {}, token = BOT_TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${telegram.url}/bot${token}/${method}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(params) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function control(telegram: RunningTelegramEmulator, path: string, body?: unknown, method = "POST"): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${telegram.url}/__telegram${path}`, { method, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
