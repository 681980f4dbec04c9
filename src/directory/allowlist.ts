// What the channels' webhooks ask the directory (channels/routes.ts ChannelDirectory), handed to
// them by the Worker: who may use the relay, a stranger's first refusal, and which object a chat
// reaches. The allowlist check's operator's users come from configuration; the directory's from a
// copy this isolate keeps for ALLOWLIST_CACHE_MS, so a steady stream of messages makes no Durable
// Object call for it. Fails closed: no directory, no stranger.
import type { ChannelDirectory } from "../channels/channel-directory";
import { isolateAllowlist } from "./allowlist-copy";
import { directoryOf } from "./user-directory";

export const channelDirectory: ChannelDirectory = {
  checkAccess: (env, user, o) => isolateAllowlist.check(user, { ...o, load: () => directoryOf(env).allowedNumbers() }),
  firstRefusal: (env, chat) => directoryOf(env).firstRefusal(chat),
  homeOf: (env, chat) => directoryOf(env).homeOf(chat),
};
