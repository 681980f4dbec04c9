// What an admin reads, once, when a user's chat stops taking messages (the user blocked the bot):
// in the words of the chat's app, whichever channel it is.
import type { ChannelName } from "./channel";
import { CHANNELS } from "./index";

export function chatStoppedNotice(user: string, channel: ChannelName, detail: string | undefined): string {
  return `📵 ${user}'s ${CHANNELS[channel].displayName} chat no longer takes messages (${detail ?? "blocked"}); nothing more is sent there until they write again.`;
}
