// What the channels' webhooks need from above channels/ (the directory of users, the capabilities'
// tap toasts), as types the Worker's composition fills (index.ts): apart from routes.ts, so each
// channel's routes and the file that mounts them import these without importing each other.
import type { ChatAddress, TapToastOf } from "./channel";

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
