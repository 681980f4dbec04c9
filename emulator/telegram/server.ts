// Starts the Telegram Bot API stand-in on a local port: what `npm run telegram:webhook`, the
// relay's Telegram client and their tests talk to instead of api.telegram.org (docs/channels.md).
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { z } from "zod";
import { createTelegramApp } from "./app";
import type { TelegramContext } from "./context";
import { createBotState } from "./shell/bot-state";

/** A token shaped like BotFather's: the bot's id, a colon, 35 characters. */
export const TelegramEmulatorOptionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(4290),
  host: z.string().min(1).default("127.0.0.1"),
  token: z.string().regex(/^\d{1,15}:[A-Za-z0-9_-]{20,}$/, "a bot token looks like 123456:ABC-DEF… (BotFather's shape)"),
  username: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{3,30}bot$/i, "a bot's username ends in bot").default("local_agent_bot"),
  now: z.custom<() => number>((v) => typeof v === "function").default(() => Date.now),
});
export type TelegramEmulatorOptions = z.input<typeof TelegramEmulatorOptionsSchema>;

export type RunningTelegramEmulator = { url: string; context: TelegramContext; close(): Promise<void> };

export async function startTelegramEmulator(options: TelegramEmulatorOptions): Promise<RunningTelegramEmulator> {
  const config = TelegramEmulatorOptionsSchema.parse(options);
  const shutdown = new AbortController();
  const context: TelegramContext = { state: createBotState(config.token, config.username), calls: [], shutdown: shutdown.signal, now: config.now };
  const server = createAdaptorServer({ fetch: createTelegramApp(context).fetch, overrideGlobalObjects: false }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    url: `http://${config.host}:${(server.address() as AddressInfo).port}`,
    context,
    close: () =>
      new Promise<void>((resolve) => {
        shutdown.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
