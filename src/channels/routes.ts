// Each channel's webhooks, mounted on the Worker under the paths the channel's provider calls
// (fixed by the contract): the Worker mounts them without knowing which channels there are.
import type { Hono } from "hono/tiny";
import { telegramRoute } from "./telegram/routes";
import { twilioRoutes } from "./whatsapp/routes";

/** Mounts every channel's routes on `app`; each brings its own checks (signature, secret, configuration). */
export function mountChannelRoutes(app: Hono<{ Bindings: Env }>): void {
  app.route("/twilio", twilioRoutes);
  // Telegram's webhook (docs/channels.md): its own secret, its own checks.
  app.route("/telegram", telegramRoute);
}
