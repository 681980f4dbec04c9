// Telegram through the Bot API: its limits, its HTML formatting and its send policy, as one ChannelSpec.
import type { ChannelSpec } from "../channel";
import { CAPTION_MAX_CHARS, DOWNLOAD_MAX_BYTES, UPLOAD_MAX_BYTES } from "./api";
import { CALLBACK_DATA_MAX_BYTES } from "./keyboard";
import { formatTelegramHtml } from "./html-format";
import { CHAT_MIN_GAP_MS, decideOnTelegramFailure } from "./send-policy";
import { splitTelegramHtml, TELEGRAM_MAX_CHARS } from "./split-html";

export const telegramChannel: ChannelSpec = {
  name: "telegram",
  displayName: "Telegram",
  serviceName: "Telegram",
  chatNoun: "chat",
  limits: {
    maxTextChars: TELEGRAM_MAX_CHARS,
    maxCaptionChars: CAPTION_MAX_CHARS,
    // Telegram documents no count; a phone shows about this many rows of three before scrolling.
    maxButtons: 12,
    maxButtonTitleChars: 64,
    maxButtonPayloadBytes: CALLBACK_DATA_MAX_BYTES,
    acksTaps: true,
    inboundMaxBytes: DOWNLOAD_MAX_BYTES,
    outboundMaxBytes: UPLOAD_MAX_BYTES,
    canEdit: true,
    replyWindowMs: null,
    minGapMs: CHAT_MIN_GAP_MS,
  },
  format: {
    format: formatTelegramHtml,
    render: (markdown, limit = TELEGRAM_MAX_CHARS) => splitTelegramHtml(formatTelegramHtml(markdown), limit),
  },
  decideOnFailure: decideOnTelegramFailure,
};

export { parseUpdate, ALLOWED_UPDATES } from "./update";
export { checkWebhookSecret, SECRET_HEADER } from "./webhook-secret";
export { routeTelegramUpdate } from "./webhook-route";
export { parseTelegramUserIds } from "./user-ids";
export { inlineKeyboard, tapAnswerText } from "./keyboard";
export { readApiAnswer, isNotModified, methodUrl, fileUrl, DEFAULT_API_BASE } from "./api";
export { createTelegramClient } from "./client";
export { telegramChannelClient, sendFileAs } from "./channel-client";
