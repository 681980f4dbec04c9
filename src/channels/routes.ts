// Each channel's webhooks, mounted on the Worker under the paths the channel's provider calls
// (fixed by the contract): the Worker mounts them without knowing which channels there are. What a
// webhook needs from above channels/ (who may use the relay, which object a chat reaches, what a
// tap's toast says) is handed in by the Worker (index.ts), never imported.
import type { Hono } from "hono/tiny";
import type { ChannelRouteDeps } from "./channel-directory";
import { telegramRoute } from "./telegram/routes";
import { twilioRoutes } from "./whatsapp/routes";

/** Mounts every channel's routes on `app`; each brings its own checks (signature, secret, configuration). */
export function mountChannelRoutes(app: Hono<{ Bindings: Env }>, deps: ChannelRouteDeps): void {
  app.route("/twilio", twilioRoutes(deps.directory));
  // Telegram's webhook (docs/channels.md): its own secret, its own checks.
  app.route("/telegram", telegramRoute(deps));
}
