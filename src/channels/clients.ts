// The channel clients the outbox sends through, from the configuration: each channel that has its
// credentials, and WhatsApp only for a user who has a number there (not a `tg-<id>` user's object).
import type { Config } from "../config/config";
import type { Clock } from "../shared/clock";
import type { Log } from "../shared/log";
import type { SettingsRepo } from "../config/settings-repo";
import type { ChannelName, ChannelClient } from "./channel";
import { homeChatOf } from "./home-chat";
import { createTelegramClient } from "./telegram/client";
import { telegramChannelClient } from "./telegram/channel-client";
import { twilioAccountOf } from "./whatsapp/account";
import { whatsappChannelClient } from "./whatsapp/channel-client";
import { createTwilioClient } from "./whatsapp/twilio-client";
import { quickReplyContentFor } from "./whatsapp/twilio-content";

export type ChannelClients = Partial<Record<ChannelName, ChannelClient>>;

/** What is read of the configuration: each channel's credentials (unset: that channel is not configured). */
export type ClientsConfig = { twilio?: Config["twilio"]; telegram?: Pick<NonNullable<Config["telegram"]>, "token" | "apiBase"> | null };

/** What a client needs of its object: whose it is, its settings (remembered content ids), the Worker's origin (delivery reports), the clock and log. */
export type ClientsDeps = { user: string; settings: SettingsRepo; origin: () => string | null; clock: Clock; log: Log };

/** Without `deps`, only the channels that need nothing of the object (Telegram). */
export function channelClientsFor(config: ClientsConfig | null, deps?: ClientsDeps, fetchFn?: typeof fetch): ChannelClients {
  const clients: ChannelClients = {};
  const telegram = config?.telegram;
  if (telegram) clients.telegram = telegramChannelClient(createTelegramClient({ token: telegram.token, apiBase: telegram.apiBase }, fetchFn));
  const account = config?.twilio ? twilioAccountOf({ twilio: config.twilio }) : null;
  if (account && deps && homeChatOf(deps.user).channel === "whatsapp") {
    clients.whatsapp = whatsappChannelClient({
      twilio: createTwilioClient(account, fetchFn, deps.clock),
      quickReply: quickReplyContentFor(account, deps.settings),
      templateSid: config?.twilio?.templateSid ?? null,
      origin: deps.origin,
      clock: deps.clock,
      log: deps.log,
    });
  }
  return clients;
}

/**
 * The chat a message addressed to none goes to on `channel`: the user's home chat (a phone's own
 * WhatsApp number, a `tg-<id>` user's private chat), and none on another channel.
 */
export function defaultChatOf(user: string, channel: ChannelName): string | null {
  const home = homeChatOf(user);
  return channel === home.channel ? (home.chat ?? user) : null;
}
