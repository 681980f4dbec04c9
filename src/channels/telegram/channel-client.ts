// Telegram's ChannelClient: an Outbound carried out with the Bot API client (attachments are
// fetched by media.ts). What the outbox will call once it speaks of a channel.
import type { ChannelClient, Outbound, OutboundFile } from "../channel";
import { PHOTO_URL_MAX_BYTES, VOICE_URL_MAX_BYTES } from "./api";
import type { TelegramClient } from "./client";

/** Types Telegram shows as a photo; anything else, or a picture that must stay sharp, goes as a document. */
const PHOTO_TYPES = new Set(["image/jpeg", "image/png", "image/webp"]);

/**
 * How a file is best sent: Ogg audio as a voice note (sendVoice plays Ogg Opus in the chat), a
 * photo only when Telegram takes it by URL and nothing is lost to its recompression.
 */
export function sendFileAs(file: OutboundFile): "photo" | "document" | "voice" {
  const type = file.contentType.split(";")[0]!.trim();
  if (type === "audio/ogg" && file.size <= VOICE_URL_MAX_BYTES) return "voice";
  return !file.keepSharp && PHOTO_TYPES.has(type) && file.size <= PHOTO_URL_MAX_BYTES ? "photo" : "document";
}

export function telegramChannelClient(client: TelegramClient): ChannelClient {
  return {
    async send(message: Outbound) {
      const chat = message.to.chat;
      switch (message.kind) {
        case "text": {
          const sent = await client.sendText(chat, message.part, message.buttons);
          return sent.ok ? { ok: true, ref: String(sent.messageId) } : sent;
        }
        case "edit": {
          const edited = await client.editText(chat, Number(message.messageRef), message.part, message.buttons);
          return edited.ok ? { ok: true, ref: message.messageRef } : edited;
        }
        case "file": {
          const sent = await client.sendFile(chat, { kind: "url", url: message.file.url }, message.caption, sendFileAs(message.file));
          return sent.ok ? { ok: true, ref: String(sent.messageId) } : sent;
        }
        case "typing":
          return (await client.sendTyping(chat)) ? { ok: true, ref: null } : { ok: false, errorCode: "typing_failed", retryable: false, chatGone: false };
        case "ack":
          return (await client.answerTap(message.ackRef, message.text)) ? { ok: true, ref: null } : { ok: false, errorCode: "ack_failed", retryable: false, chatGone: false };
      }
    },
  };
}
