// Server-sent events for one simulated phone: its conversation so far, then every message, status change and typing change.
import { setTimeout as sleep } from "node:timers/promises";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { streamSSE } from "hono/streaming";
import { PhoneSchema } from "../config";
import type { EmulatorContext } from "../context";
import type { ChatEvent } from "../shell/store";

/** A comment line this often keeps proxies and browsers from timing the stream out. */
const KEEPALIVE_MS = 15_000;

export function eventsApi(ctx: EmulatorContext): Hono {
  const { store, typing, shutdown } = ctx;
  const api = new Hono();

  api.get("/__emulator/events", (c) => {
    const parsed = PhoneSchema.safeParse(c.req.query("phone") ?? "");
    if (!parsed.success) throw new HTTPException(400, { message: "phone must be a number like +15551234567" });
    const phone = parsed.data;

    return streamSSE(c, async (stream) => {
      const send = (event: ChatEvent) =>
        void stream.writeSSE({ event: event.type, data: JSON.stringify(event) }).catch(() => undefined);
      // Snapshot and subscription in one synchronous step: no event is missed or sent twice.
      void stream.writeSSE({
        event: "history",
        data: JSON.stringify({ type: "history", messages: store.conversation(phone), typing: typing.isOn(phone) }),
        retry: 1000,
      });
      const unsubscribe = store.subscribe(phone, send);
      stream.onAbort(unsubscribe);
      while (!stream.aborted && !shutdown.aborted) {
        await sleep(KEEPALIVE_MS, undefined, { signal: shutdown }).catch(() => undefined);
        if (!stream.aborted && !shutdown.aborted) await stream.write(": keepalive\n\n");
      }
      unsubscribe();
    });
  });

  return api;
}
