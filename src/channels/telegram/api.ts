// The Bot API's answers (https://core.telegram.org/bots/api#making-requests): the `{ok, result}` and
// `{ok: false, error_code, description, parameters}` envelope read into a result or a ChannelFailure.
import * as z from "zod/mini";
import "../../shared/zod-messages";
import type { ChannelFailure } from "../channel";

/** The Bot API's public address; TELEGRAM_API_BASE points elsewhere (the emulator's stand-in). */
export const DEFAULT_API_BASE = "https://api.telegram.org";

const ErrorEnvelopeSchema = z.looseObject({
  ok: z.literal(false),
  error_code: z.number().check(z.int()),
  description: z.string(),
  parameters: z.optional(z.looseObject({ retry_after: z.optional(z.number().check(z.gte(0))), migrate_to_chat_id: z.optional(z.number()) })),
});
const OkEnvelopeSchema = z.looseObject({ ok: z.literal(true), result: z.unknown() });

/** sendMessage, editMessageText, sendPhoto, sendDocument: the Message sent (what an edit needs later). */
export const SentMessageSchema = z.looseObject({ message_id: z.number().check(z.int()), chat: z.looseObject({ id: z.number().check(z.int()) }) });
/** getFile: `file_path` is absent when the file cannot be downloaded. */
export const FileSchema = z.looseObject({ file_id: z.string(), file_unique_id: z.string(), file_size: z.optional(z.number()), file_path: z.optional(z.string()) });
/** getMe. */
export const BotUserSchema = z.looseObject({ id: z.number().check(z.int()), is_bot: z.literal(true), first_name: z.string(), username: z.optional(z.string()) });

/** Files the Bot API lets a bot download: "up to 20MB in size". */
export const DOWNLOAD_MAX_BYTES = 20 * 1024 * 1024;
/** Files a bot may send: "up to 50 MB" for documents; photos "must not exceed 10 MB". */
export const UPLOAD_MAX_BYTES = 50 * 1024 * 1024;
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
/** sendPhoto's and sendDocument's caption: "0-1024 characters after entities parsing". */
export const CAPTION_MAX_CHARS = 1024;
/** A photo given by URL, which Telegram fetches itself: "5 MB max size for photos". */
export const PHOTO_URL_MAX_BYTES = 5 * 1024 * 1024;
/** sendVoice by URL: "the file must have the type audio/ogg and be no more than 1MB in size. 1-20MB voice notes will be sent as files." */
export const VOICE_URL_MAX_BYTES = 1024 * 1024;

export function methodUrl(apiBase: string, token: string, method: string): string {
  return `${apiBase.replace(/\/+$/, "")}/bot${token}/${method}`;
}

export function fileUrl(apiBase: string, token: string, filePath: string): string {
  return `${apiBase.replace(/\/+$/, "")}/file/bot${token}/${filePath}`;
}

/** 403s after which this chat can no longer be written to (the user blocked or deleted the bot). */
const CHAT_GONE = [/bot was blocked by the user/i, /user is deactivated/i, /bot can't initiate conversation/i, /bot was kicked/i];
/** A 400 that says the chat does not exist (the user never started the bot, or deleted it). */
const CHAT_NOT_FOUND = /chat not found/i;

export type ApiAnswer = { ok: true; result: unknown } | ({ ok: false } & ChannelFailure);

/**
 * What an HTTP status and body from the Bot API mean. 429 and 5xx are retryable (429 with its
 * `retry_after`); a blocked bot makes the chat gone; any other 4xx is final, as repeating the same
 * request gets the same answer. A body that is not the envelope counts as the status alone.
 */
export function readApiAnswer(status: number, body: unknown): ApiAnswer {
  const ok = OkEnvelopeSchema.safeParse(body);
  if (ok.success && status >= 200 && status < 300) return { ok: true, result: ok.data.result };
  const error = ErrorEnvelopeSchema.safeParse(body);
  const code = error.success ? error.data.error_code : status;
  const description = error.success ? error.data.description : `HTTP ${status} without the Bot API's envelope`;
  const retryAfter = error.success ? error.data.parameters?.retry_after : undefined;
  const retryable = code === 429 || code >= 500 || (status >= 500 && !error.success);
  const chatGone = (code === 403 && CHAT_GONE.some((re) => re.test(description))) || (code === 400 && CHAT_NOT_FOUND.test(description));
  return {
    ok: false,
    errorCode: `telegram:${code}`,
    retryable,
    chatGone,
    detail: description,
    ...(retryAfter !== undefined && code === 429 ? { retryAfterMs: retryAfter * 1000 } : {}),
  };
}

/** editMessageText's answer when the text and buttons are what the message already shows: not a failure. */
export function isNotModified(failure: ChannelFailure): boolean {
  return failure.errorCode === "telegram:400" && /message is not modified/i.test(failure.detail ?? "");
}
