// The Bot API's methods the relay calls (https://core.telegram.org/bots/api#available-methods):
// `POST /bot<token>/<method>`, the token checked, injected faults first, then the method.
import { Hono, type Context } from "hono";
import { BotErrors, errorBody, type BotApiError } from "../core/errors";
import { parseTelegramHtml, type MessageEntity } from "../core/html-entities";
import type { TelegramContext } from "../context";
import { takeFault, type BotMessage, type Chat, type Keyboard, type StoredFile, storeFile } from "../shell/bot-state";
import { jsonParam, readParams, text, type Params } from "./params";
// What a file is, from its bytes, read as the relay reads it (pure, no Worker API).
import { baseType, sniffMedia } from "../../../src/media/media-kind";

type Outcome = { result: unknown } | BotApiError;
type Method = (params: Params) => Outcome | Promise<Outcome>;

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const MB = 1024 * 1024;
/** Uploads: photos 10 MB, other files 50 MB; files given by URL: photos 5 MB, others 20 MB. getFile: 20 MB. */
const LIMITS = { photoUpload: 10 * MB, upload: 50 * MB, photoUrl: 5 * MB, url: 20 * MB, download: 20 * MB };
const CHAT_ACTIONS = new Set(["typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"]);
const COMMAND = /^[a-z0-9_]{1,32}$/;
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

export function botApi(ctx: TelegramContext): Hono {
  const { state } = ctx;
  const app = new Hono();
  const now = () => Math.floor(ctx.now() / 1000);

  const chatFor = (params: Params): Chat | BotApiError => {
    const id = text(params, "chat_id");
    if (id === undefined || id === "") return BotErrors.missing("chat_id");
    const chat = state.chats.get(Number(id));
    if (!chat) return BotErrors.chatNotFound();
    return chat.blocked ? BotErrors.blocked() : chat;
  };

  /** The text a client shows, and its entities, per parse_mode; or why Telegram refuses it. */
  const parseText = (raw: string, params: Params, key: "parse_mode"): { text: string; entities: MessageEntity[] } | BotApiError => {
    const mode = text(params, key);
    if (mode === undefined || mode === "" || /^markdown(v2)?$/i.test(mode)) return { text: raw, entities: [] };
    if (mode.toLowerCase() !== "html") return BotErrors.badParseMode();
    const parsed = parseTelegramHtml(raw);
    return parsed.ok ? { text: parsed.text, entities: parsed.entities } : BotErrors.cantParse(parsed.detail);
  };

  const keyboardFor = (params: Params): Keyboard | undefined | BotApiError => {
    const markup = jsonParam(params, "reply_markup");
    if (!markup.ok) return BotErrors.badMarkup("not JSON");
    if (markup.value === undefined) return undefined;
    const rows = (markup.value as { inline_keyboard?: unknown }).inline_keyboard;
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) return BotErrors.badMarkup("field \"inline_keyboard\" must be an Array of Arrays");
    for (const button of rows.flat() as { text?: unknown; callback_data?: unknown; url?: unknown }[]) {
      if (typeof button?.text !== "string" || button.text === "") return BotErrors.badMarkup("a button needs text");
      if (button.callback_data !== undefined) {
        const bytes = typeof button.callback_data === "string" ? new TextEncoder().encode(button.callback_data).byteLength : 0;
        if (bytes < 1 || bytes > 64) return BotErrors.buttonData();
      } else if (typeof button.url !== "string") return BotErrors.badMarkup("a button needs callback_data or url");
    }
    return markup.value as Keyboard;
  };

  const isError = (value: unknown): value is BotApiError => typeof value === "object" && value !== null && "error_code" in value;

  const messageOut = (chat: Chat, message: Omit<BotMessage, "direction">) => {
    return { ...message, from: { id: state.bot.id, is_bot: true, first_name: state.bot.firstName, username: state.bot.username }, chat: { id: chat.id, first_name: chat.firstName, type: "private" } };
  };

  const send = (chat: Chat, fields: Omit<BotMessage, "message_id" | "date" | "direction">) => {
    const message: BotMessage = { message_id: chat.nextMessageId++, date: now(), ...fields, direction: "bot" };
    chat.messages.push(message);
    chat.typing = null; // a message ends the chat action, as in Telegram's clients
    const { direction: _, ...shown } = message;
    return { result: messageOut(chat, shown) };
  };

  /** A file given as an upload, a file_id of ours, or an http(s) URL for us to fetch. */
  const fileParam = async (params: Params, key: "photo" | "document" | "voice"): Promise<StoredFile | BotApiError> => {
    const value = params[key];
    const isPhoto = key === "photo";
    // A voice note is kept as the type its bytes are (a client's upload often says octet-stream).
    const store = (bytes: Uint8Array, declared: string, name: string | null) => {
      const voice = key === "voice" ? voiceType(bytes) : null;
      return storeFile(state, bytes, voice ?? declared, name, isPhoto ? "photos" : voice ? "voice" : "documents");
    };
    if (value instanceof File) {
      if (value.size > (isPhoto ? LIMITS.photoUpload : LIMITS.upload)) return isPhoto ? BotErrors.fileTooBig() : BotErrors.entityTooLarge();
      return store(new Uint8Array(await value.arrayBuffer()), value.type || "application/octet-stream", value.name || null);
    }
    if (typeof value !== "string" || value === "") return BotErrors.missing(key);
    const known = state.files.get(value);
    if (known) return known;
    if (!/^https?:\/\//.test(value)) return BotErrors.invalidFileId();
    const response = await fetch(value, { signal: AbortSignal.timeout(15_000) }).catch(() => null);
    if (!response?.ok) return BotErrors.wrongFileUrl("failed to get HTTP URL content");
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > (isPhoto ? LIMITS.photoUrl : LIMITS.url)) return BotErrors.fileTooBig();
    const name = decodeURIComponent(new URL(value).pathname.split("/").pop() ?? "") || null;
    return store(bytes, response.headers.get("content-type") ?? "application/octet-stream", name);
  };

  const captionOf = (params: Params): { caption?: string; entities?: MessageEntity[] } | BotApiError => {
    const raw = text(params, "caption");
    if (raw === undefined || raw === "") return {};
    const parsed = parseText(raw, params, "parse_mode");
    if (isError(parsed)) return parsed;
    if (parsed.text.length > MAX_CAPTION) return BotErrors.captionTooLong();
    return { caption: parsed.text, ...(parsed.entities.length ? { entities: parsed.entities } : {}) };
  };

  /**
   * sendDocument, sendPhoto and sendVoice: the same checks, then the file shown as a document, a
   * photo or a voice message. A voice of Ogg Opus, MP3 or M4A shows as one (`duration` as the
   * sender gave it, 0 without); any other format goes as a document, as Telegram's docs allow
   * ("other formats may be sent as Audio or Document").
   */
  const sendFile = async (params: Params, key: "photo" | "document" | "voice"): Promise<Outcome> => {
    const chat = chatFor(params);
    if (isError(chat)) return chat;
    const caption = captionOf(params);
    if (isError(caption)) return caption;
    const keyboard = keyboardFor(params);
    if (isError(keyboard)) return keyboard;
    const duration = key === "voice" ? text(params, "duration") || "0" : "0";
    if (!/^\d{1,9}$/.test(duration)) return BotErrors.badDuration();
    const file = await fileParam(params, key);
    if (isError(file)) return file;
    const ids = { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.bytes.byteLength };
    const shown =
      key === "photo"
        ? // Telegram recompresses a photo and reports its sizes; the stand-in keeps the bytes and reports 0×0.
          { photo: [{ ...ids, width: 0, height: 0 }] }
        : key === "voice" && voiceType(file.bytes)
          ? { voice: { ...ids, duration: Number(duration), mime_type: file.contentType } }
          : { document: { ...ids, ...(file.name ? { file_name: file.name } : {}), mime_type: file.contentType } };
    return send(chat, { ...shown, ...caption, ...(keyboard ? { reply_markup: keyboard } : {}) });
  };

  const methods: Record<string, Method> = {
    getme: () => ({
      result: { id: state.bot.id, is_bot: true, first_name: state.bot.firstName, username: state.bot.username, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false },
    }),

    setwebhook: (params) => {
      const url = text(params, "url") ?? "";
      if (url === "") {
        state.webhook = null;
        return { result: true, description: "Webhook was deleted" };
      }
      // Telegram takes only HTTPS on ports 443, 80, 88 and 8443; the stand-in also takes http, for a local relay.
      if (!/^https?:\/\/[^\s/]+/.test(url)) return BotErrors.badWebhook("Webhook can be set up only on ports 80, 88, 443 or 8443");
      const secret = text(params, "secret_token");
      if (secret !== undefined && secret !== "" && !SECRET_TOKEN.test(secret)) return BotErrors.badWebhook("secret token contains unallowed characters");
      const allowed = jsonParam(params, "allowed_updates");
      state.webhook = { url, secretToken: secret || null, allowedUpdates: allowed.ok && Array.isArray(allowed.value) ? (allowed.value as string[]) : null };
      return { result: true, description: "Webhook was set" };
    },

    deletewebhook: () => {
      state.webhook = null;
      return { result: true, description: "Webhook was deleted" };
    },

    getwebhookinfo: () => ({
      result: { url: state.webhook?.url ?? "", has_custom_certificate: false, pending_update_count: 0, ...(state.webhook?.allowedUpdates ? { allowed_updates: state.webhook.allowedUpdates } : {}) },
    }),

    setmycommands: (params) => {
      const parsed = jsonParam(params, "commands");
      if (!parsed.ok || !Array.isArray(parsed.value)) return BotErrors.badCommands("can't parse commands JSON object");
      const commands = parsed.value as { command?: unknown; description?: unknown }[];
      if (commands.length > 100) return BotErrors.badCommands("too many commands specified");
      for (const c of commands) {
        if (typeof c.command !== "string" || !COMMAND.test(c.command)) return BotErrors.badCommands("BOT_COMMAND_INVALID");
        if (typeof c.description !== "string" || c.description.length < 1 || c.description.length > 256) return BotErrors.badCommands("BOT_COMMAND_DESCRIPTION_INVALID");
      }
      state.commands = commands.map((c) => ({ command: c.command as string, description: c.description as string }));
      return { result: true };
    },

    getmycommands: () => ({ result: state.commands }),

    sendmessage: (params) => {
      const chat = chatFor(params);
      if (isError(chat)) return chat;
      const raw = text(params, "text");
      if (raw === undefined || raw.trim() === "") return BotErrors.textEmpty();
      const parsed = parseText(raw, params, "parse_mode");
      if (isError(parsed)) return parsed;
      if (parsed.text.trim() === "") return BotErrors.textEmpty();
      if (parsed.text.length > MAX_TEXT) return BotErrors.textTooLong();
      const keyboard = keyboardFor(params);
      if (isError(keyboard)) return keyboard;
      return send(chat, { text: parsed.text, ...(parsed.entities.length ? { entities: parsed.entities } : {}), ...(keyboard ? { reply_markup: keyboard } : {}) });
    },

    editmessagetext: (params) => {
      const chat = chatFor(params);
      if (isError(chat)) return chat;
      const message = chat.messages.find((m) => m.direction === "bot" && m.message_id === Number(text(params, "message_id")));
      if (!message || message.text === undefined) return BotErrors.messageToEditNotFound();
      const raw = text(params, "text");
      if (raw === undefined || raw.trim() === "") return BotErrors.textEmpty();
      const parsed = parseText(raw, params, "parse_mode");
      if (isError(parsed)) return parsed;
      if (parsed.text.length > MAX_TEXT) return BotErrors.textTooLong();
      const keyboard = keyboardFor(params);
      if (isError(keyboard)) return keyboard;
      const same = message.text === parsed.text && JSON.stringify(message.entities ?? []) === JSON.stringify(parsed.entities) && JSON.stringify(message.reply_markup) === JSON.stringify(keyboard);
      if (same) return BotErrors.notModified();
      message.text = parsed.text;
      message.entities = parsed.entities.length ? parsed.entities : undefined;
      message.reply_markup = keyboard;
      message.edit_date = now();
      const { direction: _, ...shown } = message;
      return { result: messageOut(chat, shown) };
    },

    // Only the buttons change (none given: the keyboard goes); Telegram's apps mark no edit for it.
    editmessagereplymarkup: (params) => {
      const chat = chatFor(params);
      if (isError(chat)) return chat;
      const message = chat.messages.find((m) => m.direction === "bot" && m.message_id === Number(text(params, "message_id")));
      if (!message) return BotErrors.messageToEditNotFound();
      const keyboard = keyboardFor(params);
      if (isError(keyboard)) return keyboard;
      if (JSON.stringify(message.reply_markup) === JSON.stringify(keyboard)) return BotErrors.notModified();
      message.reply_markup = keyboard;
      const { direction: _, ...shown } = message;
      return { result: messageOut(chat, shown) };
    },

    sendchataction: (params) => {
      const chat = chatFor(params);
      if (isError(chat)) return chat;
      const action = text(params, "action") ?? "";
      if (!CHAT_ACTIONS.has(action)) return BotErrors.badAction();
      chat.typing = { action, at: ctx.now() };
      return { result: true };
    },

    senddocument: (params) => sendFile(params, "document"),
    sendphoto: (params) => sendFile(params, "photo"),
    sendvoice: (params) => sendFile(params, "voice"),

    answercallbackquery: (params) => {
      const query = state.callbackQueries.get(text(params, "callback_query_id") ?? "");
      // Telegram gives a bot about 15 s to answer a tap, and takes one answer.
      if (!query || query.answered || ctx.now() - query.createdAt > 15_000) return BotErrors.queryTooOld();
      query.answered = { text: text(params, "text") ?? null, showAlert: text(params, "show_alert") === "true" };
      return { result: true };
    },

    getfile: (params) => {
      const file = state.files.get(text(params, "file_id") ?? "");
      if (!file) return BotErrors.invalidFileId();
      if (file.bytes.byteLength > LIMITS.download) return BotErrors.fileTooBig();
      return { result: { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.bytes.byteLength, file_path: file.filePath } };
    },
  };

  const call = async (c: Context) => {
    const token = c.req.param("token")!;
    if (token !== `bot${state.bot.token}`) return answer(c, BotErrors.unauthorized());
    const methodName = c.req.param("method")!;
    const method = methods[methodName.toLowerCase()];
    if (!method) return answer(c, BotErrors.notFound());
    const fault = takeFault(state, methodName);
    if (fault) return answer(c, fault.status === 429 ? BotErrors.tooManyRequests(fault.retryAfter) : BotErrors.injected(fault.status));
    const params = await readParams(c);
    ctx.calls.push({ method: methodName, params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v instanceof File ? `<file ${v.name} ${v.size} bytes>` : v])), at: ctx.now() });
    const outcome = await method(params);
    return isError(outcome) ? answer(c, outcome) : c.json({ ok: true, ...outcome });
  };
  app.post("/:token/:method", call);
  app.get("/:token/:method", call);

  app.get("/file/:token/*", (c) => {
    // The path after /file/bot<token>/ is the file_path getFile gave.
    if (c.req.param("token") !== `bot${state.bot.token}`) return answer(c, BotErrors.unauthorized());
    const path = decodeURIComponent(c.req.path.slice(`/file/${c.req.param("token")}/`.length));
    const file = [...state.files.values()].find((f) => f.filePath === path);
    if (!file) return answer(c, BotErrors.notFound());
    return c.body(new Uint8Array(file.bytes), 200, { "content-type": file.contentType, "content-length": String(file.bytes.byteLength) });
  });

  return app;
}

/** The formats Telegram plays as a voice message: Ogg Opus, MP3, M4A; null for any other. */
function voiceType(bytes: Uint8Array): string | null {
  const sniffed = sniffMedia(bytes.subarray(0, 64 * 1024));
  if (!sniffed) return null;
  const type = baseType(sniffed.contentType);
  const opus = sniffed.contentType.includes("codecs=opus");
  return (type === "audio/ogg" && opus) || type === "audio/mpeg" || type === "audio/mp4" ? type : null;
}

function answer(c: Context, error: BotApiError): Response {
  return c.json(errorBody(error), error.error_code);
}
