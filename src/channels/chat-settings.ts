// The home's settings that name a channel: the /notify choice and the chat linked to the home, read
// and written over the settings' key/value rows (config/settings-repo.ts), which know no channel.
import * as z from "zod/mini";
import type { ChannelName, ChatAddress } from "./channel";
import { CHANNEL_NAMES, isChannelName } from "./index";
import type { SettingsRepo } from "../config/settings-repo";
import { readJson } from "../shared/json-text";

/** The home's /notify choice; null: each scheduled task's result goes to the chat that created it. */
export function notifyChannelOf(settings: Pick<SettingsRepo, "get">): ChannelName | null {
  const value = settings.get("notify_channel");
  return isChannelName(value) ? value : null;
}

const LinkedChatSchema = z.object({ channel: z.enum(CHANNEL_NAMES), chat: z.string() });

/** The chat linked to this home's agent, as the directory last told it; null: none (or a value no longer understood). */
export function linkedChatOf(settings: Pick<SettingsRepo, "get">): ChatAddress | null {
  const value = settings.get("linked_chat");
  return value === null ? null : readJson(LinkedChatSchema, value);
}

/** Records the chat linked to this home (null: none). */
export function setLinkedChat(settings: Pick<SettingsRepo, "set">, chat: ChatAddress | null): void {
  settings.set("linked_chat", chat === null ? null : JSON.stringify({ channel: chat.channel, chat: chat.chat }));
}
