// The relay's own texts (command answers, notices) in a channel's markup. They are written in
// WhatsApp's light markup (*bold*, _italic_, ~strike~, ``` blocks), which WhatsApp shows as it is;
// another channel gets them through its own formatter, read as the Markdown they amount to.
import { chunkReply } from "./whatsapp/chunk-reply";
import type { ChannelName } from "./channel";
import { CHANNELS } from "./index";

const FENCE = /^\s*(`{3,}|~{3,})/;
const CODE_SPAN = /(`+)(?:.*?[^`])?\1(?!`)/g;
/** `*bold*` and `~strike~` as WhatsApp reads them: no letter or digit outside, no space inside. */
const BOLD = /(?<![\p{L}\p{N}*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\p{L}\p{N}*])/gu;
const STRIKE = /(?<![\p{L}\p{N}~])~(?=[^\s~])([^~\n]*?[^\s~])~(?![\p{L}\p{N}~])/gu;

/** WhatsApp's markup as Markdown: bold doubled, strike doubled, italic and code as they are. */
export function whatsappMarkupToMarkdown(text: string): string {
  let inFence = false;
  return text
    .split("\n")
    .map((line) => {
      if (FENCE.test(line)) {
        inFence = !inFence;
        return line;
      }
      if (inFence) return line;
      // Code spans are kept whole; only the text between them is converted.
      let out = "";
      let last = 0;
      for (const span of line.matchAll(CODE_SPAN)) {
        out += convert(line.slice(last, span.index)) + span[0];
        last = span.index + span[0].length;
      }
      return out + convert(line.slice(last));
    })
    .join("\n");
}

const convert = (text: string) => text.replace(BOLD, "**$1**").replace(STRIKE, "~~$1~~");

/**
 * A relay text in `channel`'s parts, each within `limit` (default: one message): WhatsApp's exactly
 * as the relay has always chunked it; any other channel's through its formatter.
 */
export function relayTextParts(channel: ChannelName, text: string, limit?: number): string[] {
  if (channel === "whatsapp") return limit === undefined ? chunkReply(text) : chunkReply(text, limit);
  return CHANNELS[channel].format.render(whatsappMarkupToMarkdown(text), limit);
}
