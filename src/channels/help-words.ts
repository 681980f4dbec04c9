// The /help lines that name the chat apps (Telegram's command menu shows them too), kept in the
// layer so the commands' table names no channel. A leaf: commands/commands.ts reads it while loading,
// before CHANNELS may exist (the Telegram folder imports that table back for its menu).
import { TYPED_USER_IDS } from "./admin-names";

/** The apps as ChannelSpec.displayName says them, and the words /notify takes (test/channels checks both against CHANNELS). */
const APPS = ["WhatsApp", "Telegram"] as const;
const NOTIFY_WORDS = ["whatsapp", "telegram"] as const;

export const CHANNEL_HELP = {
  link: `a code to reach this same agent from the other app (${APPS.join(" or ")}); the code, sent from there, asks both chats, and /link yes in each joins them`,
  unlink: `separate the ${APPS.join(" and ")} chats again`,
  notify: `/notify, /notify ${[...NOTIFY_WORDS, "default"].join("|")}`,
  /** How /allow and /deny take a user: a number, or another channel's id. */
  userArg: ["+E164", ...TYPED_USER_IDS.map((id) => id.helpWord)].join("|"),
};

export const HELP_APPS: readonly string[] = APPS;
export const HELP_NOTIFY_WORDS: readonly string[] = NOTIFY_WORDS;
