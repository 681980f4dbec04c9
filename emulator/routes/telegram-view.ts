// The simulator's Telegram view, served from the emulator's own origin (the page may connect to
// nothing else): which Telegram users it offers, and the few routes of the Bot API stand-in it
// uses (a user's chat, writing, tapping a button, a file's bytes), passed through as they are.
import { Hono } from "hono";
import type { EmulatorConfig } from "../config";

/** The stand-in's routes the page may reach; nothing else of it is passed through. */
const ALLOWED = [/^\/__telegram\/users\/\d{1,16}\/(chat|messages|press)$/, /^\/__telegram\/files\/[A-Za-z0-9_-]{1,100}$/];

export function telegramView(telegram: EmulatorConfig["telegram"]): Hono {
  const app = new Hono();
  app.get("/__simulator/telegram", (c) => c.json(telegram ? { enabled: true, users: telegram.users } : { enabled: false, users: [] }));
  app.on(["GET", "POST"], "/__telegram/*", async (c) => {
    const path = new URL(c.req.url).pathname;
    if (!telegram || !ALLOWED.some((pattern) => pattern.test(path))) return c.json({ error: telegram ? "not a route of the simulator's Telegram view" : "no Telegram stand-in is configured" }, 404);
    try {
      const upstream = await fetch(`${telegram.url.replace(/\/+$/, "")}${path}`, {
        method: c.req.method,
        headers: { "content-type": c.req.header("content-type") ?? "application/json" },
        ...(c.req.method === "POST" ? { body: await c.req.arrayBuffer() } : {}),
        signal: AbortSignal.timeout(30_000),
      });
      // A user who never wrote has no chat yet: to the page, an empty one (not an error in its console).
      if (upstream.status === 404 && path.endsWith("/chat")) return c.json({ messages: [], typing: null, callbackAnswers: [] });
      return c.body(await upstream.arrayBuffer(), upstream.status as 200, { "content-type": upstream.headers.get("content-type") ?? "application/octet-stream" });
    } catch (error) {
      return c.json({ error: `the Telegram stand-in is unreachable: ${error instanceof Error ? error.message : String(error)}` }, 502);
    }
  });
  return app;
}
