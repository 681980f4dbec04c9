// Each channel's webhooks, mounted on the Worker under the paths the channel's provider calls
// (fixed by the contract): the Worker mounts them without knowing which channels there are. What a
// webhook needs from above channels/ (who may use the relay, which object a chat reaches, what a
// tap's toast says) is handed in by the Worker (index.ts), never imported.
import type { Hono } from "hono/tiny";
import type { ChatAddress, TapToastOf } from "./channel";
import { telegramRoute } from "./telegram/routes";
import { twilioRoutes } from "./whatsapp/routes";

/** Whether a sender may use the relay; closed on both, but `directory_unreachable` is worth a retry of the webhook. */
export type SenderAccess = { allowed: true } | { allowed: false; reason: "not_allowed" | "directory_unreachable" };

/** What the webhooks ask the directory of users (directory/allowlist.ts makes it). */
export type ChannelDirectory = {
  /** Whether `user` may use the relay: `configured` first, then the directory's allow-list as this isolate keeps it for `ttlMs`. */
  checkAccess(env: Env, user: string, o: { configured: (user: string) => boolean; ttlMs: number }): Promise<SenderAccess>;
  /** Whether `chat` is refused for the first time ever (the directory remembers); throws when it cannot be asked. */
  firstRefusal(env: Env, chat: ChatAddress): Promise<boolean>;
  /** The name of the object `chat`'s messages go to: its own, or the home it was linked to. */
  homeOf(env: Env, chat: ChatAddress): Promise<string>;
};

export type ChannelRouteDeps = {
  directory: ChannelDirectory;
  /** Every capability's buttons' toasts (agent/tap-toasts.ts). */
  tapToasts: readonly TapToastOf[];
};

/** Mounts every channel's routes on `app`; each brings its own checks (signature, secret, configuration). */
export function mountChannelRoutes(app: Hono<{ Bindings: Env }>, deps: ChannelRouteDeps): void {
  app.route("/twilio", twilioRoutes(deps.directory));
  // Telegram's webhook (docs/channels.md): its own secret, its own checks.
  app.route("/telegram", telegramRoute(deps));
}
