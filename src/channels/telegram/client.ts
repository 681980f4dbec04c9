// The Bot API calls the relay makes, with typed results: send, edit, typing, answer a tap, send a
// file, fetch one. The edge of the channel (fetch injected); every decision is in the pure modules.
import type { Button, ChannelFailure } from "../channel";
import { DOWNLOAD_MAX_BYTES, FileSchema, fileUrl, isNotModified, methodUrl, PHOTO_MAX_BYTES, readApiAnswer, SentMessageSchema, type ApiAnswer } from "./api";
import { withDeadline } from "../../shared/deadline";
import { inlineKeyboard } from "./keyboard";

export type TelegramConnection = { apiBase: string; token: string };

export type SendResult = { ok: true; messageId: number } | ({ ok: false } & ChannelFailure);

/** A file to send: a URL Telegram fetches itself (at most 20 MB, photos 5 MB), or the bytes, uploaded (50 MB, photos 10 MB). */
export type FileSource = { kind: "url"; url: string } | { kind: "bytes"; bytes: Uint8Array; name: string; contentType: string };

export type FetchedFile = { ok: true; bytes: Uint8Array; filePath: string } | { ok: false; reason: "too_large" | "unavailable"; retryable: boolean; detail: string };

/** The Bot API answers in well under a second; an upload of 50 MB takes longer. */
const CALL_TIMEOUT_MS = 15_000;
const UPLOAD_TIMEOUT_MS = 120_000;

export function createTelegramClient(conn: TelegramConnection, fetchFn: typeof fetch = (input, init) => fetch(input, init)) {
  const request = async (method: string, body: BodyInit, headers: Record<string, string>, timeoutMs: number): Promise<ApiAnswer> => {
    try {
      return await withDeadline(timeoutMs, async (signal) => {
        const res = await fetchFn(methodUrl(conn.apiBase, conn.token, method), { method: "POST", headers, body, signal });
        return readApiAnswer(res.status, await res.json().catch(() => null));
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === "TimeoutError";
      // No answer: the Bot API may have taken the message all the same.
      return { ok: false, errorCode: timedOut ? "timeout" : "network", retryable: true, chatGone: false, maybeTaken: true, detail: error instanceof Error ? error.message : String(error) };
    }
  };
  const call = (method: string, params: Record<string, unknown>) => request(method, JSON.stringify(params), { "content-type": "application/json" }, CALL_TIMEOUT_MS);

  /** The Message a send answers with: its id is what an edit needs. */
  const sent = (answer: ApiAnswer): SendResult => {
    if (!answer.ok) return answer;
    const message = SentMessageSchema.safeParse(answer.result);
    return message.success ? { ok: true, messageId: message.data.message_id } : { ok: false, errorCode: "bad_body", retryable: false, chatGone: false, detail: "the Bot API's answer is not a Message" };
  };
  const markup = (buttons: readonly Button[] | undefined) => (buttons && buttons.length > 0 ? { reply_markup: inlineKeyboard(buttons) } : {});

  return {
    /** One part of a reply, already Telegram HTML (formatTelegramHtml, splitTelegramHtml). */
    async sendText(chatId: string, html: string, buttons?: readonly Button[]): Promise<SendResult> {
      return sent(await call("sendMessage", { chat_id: chatId, text: html, parse_mode: "HTML", link_preview_options: { is_disabled: true }, ...markup(buttons) }));
    },

    /** Replaces a message's text (progress); an edit that changes nothing is not a failure. */
    async editText(chatId: string, messageId: number, html: string, buttons?: readonly Button[]): Promise<SendResult> {
      const answer = await call("editMessageText", { chat_id: chatId, message_id: messageId, text: html, parse_mode: "HTML", link_preview_options: { is_disabled: true }, ...markup(buttons) });
      if (!answer.ok && isNotModified(answer)) return { ok: true, messageId };
      return answer.ok ? { ok: true, messageId } : answer;
    },

    /**
     * Takes a message's buttons away (editMessageReplyMarkup without a markup): a question answered
     * cannot be tapped again. A keyboard already gone is not a failure.
     */
    async removeKeyboard(chatId: string, messageId: number): Promise<boolean> {
      const answer = await call("editMessageReplyMarkup", { chat_id: chatId, message_id: messageId });
      return answer.ok || isNotModified(answer);
    },

    /** "typing…" for about five seconds, or until the next message. Best effort. */
    async sendTyping(chatId: string): Promise<boolean> {
      return (await call("sendChatAction", { chat_id: chatId, action: "typing" })).ok;
    },

    /** Every tap is answered, or the button spins on the phone until Telegram gives up. */
    async answerTap(callbackQueryId: string, text: string | null): Promise<boolean> {
      return (await call("answerCallbackQuery", { callback_query_id: callbackQueryId, ...(text ? { text } : {}) })).ok;
    },

    /**
     * A file, as a photo (shown in the chat, recompressed by Telegram), a voice note (Ogg Opus,
     * played in the chat) or a document (sent as it is: a picture of code must stay sharp). A
     * photo over Telegram's 10 MB goes as a document.
     */
    async sendFile(chatId: string, file: FileSource, captionHtml: string, as: "photo" | "document" | "voice"): Promise<SendResult> {
      const method = as === "voice" ? "voice" : as === "photo" && !(file.kind === "bytes" && file.bytes.byteLength > PHOTO_MAX_BYTES) ? "photo" : "document";
      const api = ({ photo: "sendPhoto", document: "sendDocument", voice: "sendVoice" } as const)[method];
      const caption = captionHtml === "" ? {} : { caption: captionHtml, parse_mode: "HTML" };
      if (file.kind === "url") return sent(await call(api, { chat_id: chatId, [method]: file.url, ...caption }));
      const form = new FormData();
      form.set("chat_id", chatId);
      for (const [key, value] of Object.entries(caption)) form.set(key, value);
      form.set(method, new Blob([new Uint8Array(file.bytes)], { type: file.contentType }), file.name);
      return sent(await request(api, form, {}, UPLOAD_TIMEOUT_MS));
    },

    /** A file the user sent, by its file_id: getFile, then the download; refused past 20 MB, as the Bot API refuses it. */
    async fetchFile(fileId: string, maxBytes = DOWNLOAD_MAX_BYTES): Promise<FetchedFile> {
      const answer = await call("getFile", { file_id: fileId });
      if (!answer.ok) {
        const tooBig = /file is too big/i.test(answer.detail ?? "");
        return { ok: false, reason: tooBig ? "too_large" : "unavailable", retryable: answer.retryable, detail: answer.detail ?? answer.errorCode };
      }
      const file = FileSchema.safeParse(answer.result);
      if (!file.success || !file.data.file_path) return { ok: false, reason: "unavailable", retryable: false, detail: "getFile gave no file_path" };
      if ((file.data.file_size ?? 0) > maxBytes) return { ok: false, reason: "too_large", retryable: false, detail: `${file.data.file_size} bytes` };
      const filePath = file.data.file_path;
      try {
        return await withDeadline(UPLOAD_TIMEOUT_MS, async (signal) => {
          const res = await fetchFn(fileUrl(conn.apiBase, conn.token, filePath), { signal });
          if (!res.ok) {
            await res.body?.cancel();
            return { ok: false, reason: "unavailable", retryable: res.status >= 500, detail: `download answered ${res.status}` };
          }
          const bytes = new Uint8Array(await res.arrayBuffer());
          if (bytes.byteLength > maxBytes) return { ok: false, reason: "too_large", retryable: false, detail: `${bytes.byteLength} bytes` };
          return { ok: true, bytes, filePath };
        });
      } catch (error) {
        return { ok: false, reason: "unavailable", retryable: true, detail: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
export type TelegramClient = ReturnType<typeof createTelegramClient>;
