// Starts a Twilio emulator on a local port: the stand-in for Twilio that the relay, its tests and `npm start` talk to.
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { createEmulatorApp } from "./app";
import { EmulatorOptionsSchema, type EmulatorOptions } from "./config";
import type { SidPrefix } from "./context";
import { createContentStore, seedContent } from "./shell/content-store";
import { createDeliveries } from "./shell/deliveries";
import { createMediaStore } from "./shell/media-store";
import { createStore } from "./shell/store";
import { createTypingIndicators } from "./shell/typing-indicators";

export type { EmulatorOptions } from "./config";

export type RunningEmulator = { url: string; port: number; close(): Promise<void> };

export async function startTwilioEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const config = EmulatorOptionsSchema.parse(options);
  const newSid = (prefix: SidPrefix) => `${prefix}${randomBytes(16).toString("hex")}`;
  const contents = createContentStore(config.accountSid);
  config.contents.forEach((seed, index) => {
    const seeded = seedContent(contents, seed, () => newSid("HX"), config.now());
    if (!seeded.ok) throw new Error(`contents[${index}]: ${seeded.error.message}`);
  });
  const shutdown = new AbortController();
  const store = createStore();
  const media = createMediaStore(config.mediaLinkTtlMs);
  const typing = createTypingIndicators(store, config.typingMs);
  const deliveries = createDeliveries({
    store,
    media,
    newMediaSid: () => newSid("ME"),
    authToken: config.authToken,
    statusCallbacks: config.statusCallbacks,
    statusDelayMs: config.statusDelayMs,
    now: config.now,
    shutdown: shutdown.signal,
  });
  const app = createEmulatorApp({
    config,
    store,
    contents,
    media,
    typing,
    deliveries,
    newSid,
    shutdown: shutdown.signal,
  });
  // Leave the process's global Request/Response alone: tests may run the emulator beside other code.
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  await listen(server, config.port, config.host);
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${config.host}:${port}`,
    port,
    async close() {
      shutdown.abort();
      typing.closeAll();
      await deliveries.settled();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Event streams never end by themselves.
      server.closeAllConnections();
      await closed;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
