// The Bot API `Update`s the relay takes (https://core.telegram.org/bots/api#update), parsed with zod
// and turned into a channel-neutral inbound; anything else is refused by name, never guessed at.
import * as z from "zod/mini";
import "../../shared/zod-messages";
import type { InboundMedia, InboundParse } from "../channel";

/** Ids are up to 52 bits: safe integers in JavaScript, kept as decimal text past the parser. */
const IdSchema = z.number().check(z.int(), z.gte(-(2 ** 53 - 1)), z.lte(2 ** 53 - 1));
const FileIdSchema = z.string().check(z.minLength(1), z.maxLength(512));
const FileSizeSchema = z.optional(z.number().check(z.int(), z.gte(0)));

const UserSchema = z.looseObject({
  id: IdSchema,
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.optional(z.string()),
  username: z.optional(z.string()),
});
const ChatSchema = z.looseObject({ id: IdSchema, type: z.enum(["private", "group", "supergroup", "channel"]) });

const PhotoSizeSchema = z.looseObject({ file_id: FileIdSchema, file_unique_id: z.string(), width: z.number(), height: z.number(), file_size: FileSizeSchema });
const DocumentSchema = z.looseObject({
  file_id: FileIdSchema,
  file_unique_id: z.string(),
  file_name: z.optional(z.string()),
  mime_type: z.optional(z.string()),
  file_size: FileSizeSchema,
});
const VoiceSchema = z.looseObject({
  file_id: FileIdSchema,
  file_unique_id: z.string(),
  duration: z.number().check(z.gte(0)),
  mime_type: z.optional(z.string()),
  file_size: FileSizeSchema,
});

const MessageSchema = z.looseObject({
  message_id: IdSchema,
  from: z.optional(UserSchema),
  chat: ChatSchema,
  date: z.number(),
  text: z.optional(z.string()),
  caption: z.optional(z.string()),
  photo: z.optional(z.array(PhotoSizeSchema).check(z.minLength(1))),
  document: z.optional(DocumentSchema),
  voice: z.optional(VoiceSchema),
  /** The message this one quotes (only its id is read). */
  reply_to_message: z.optional(z.looseObject({ message_id: IdSchema })),
});

/** A callback query's message may be "inaccessible" (older than 48 h): only its chat and id then. */
const CallbackMessageSchema = z.looseObject({ message_id: IdSchema, chat: ChatSchema });
const CallbackQuerySchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  from: UserSchema,
  message: z.optional(CallbackMessageSchema),
  inline_message_id: z.optional(z.string()),
  chat_instance: z.string(),
  data: z.optional(z.string()),
});

export const UpdateSchema = z.looseObject({
  update_id: IdSchema.check(z.gte(0)),
  message: z.optional(MessageSchema),
  callback_query: z.optional(CallbackQuerySchema),
});
export type TelegramUpdate = z.infer<typeof UpdateSchema>;
type TelegramMessage = z.infer<typeof MessageSchema>;

/** Update kinds the Bot API documents that the relay does not take (an edit, a channel post…). */
const KNOWN_OTHER_KINDS = ["edited_message", "channel_post", "edited_channel_post", "business_message", "inline_query", "chosen_inline_result", "my_chat_member", "chat_member", "message_reaction", "poll", "poll_answer", "chat_join_request", "pre_checkout_query", "shipping_query"];

/** What setWebhook's `allowed_updates` asks for: only the kinds parseUpdate takes. */
export const ALLOWED_UPDATES = ["message", "callback_query"] as const;

/** `/link@MyAgentBot 42`: Telegram adds the bot's name to a command picked from a menu in some clients. */
const COMMAND_WITH_BOT = /^(\/[A-Za-z0-9_]+)@[A-Za-z0-9_]*bot(?=\s|$)/i;

/** An update as the relay's inbound, or why it is refused. `body` is the webhook's JSON as parsed. */
export function parseUpdate(body: unknown): InboundParse {
  const parsed = UpdateSchema.safeParse(body);
  if (!parsed.success) return { ok: false, refused: "malformed", reason: parsed.error.issues.map((i) => `${i.path.join(".") || "update"}: ${i.message}`).join("; ") };
  const update = parsed.data;
  const dedupeKey = `telegram:${update.update_id}`;
  if (update.message && update.callback_query) return { ok: false, refused: "malformed", reason: "an update carries one kind, this one two" };
  if (update.message) return parseMessage(update.message, dedupeKey);
  const query = update.callback_query;
  if (query) {
    // A button under an inline-mode message has no chat of ours to answer in.
    if (!query.message) return { ok: false, refused: "unsupported", reason: "a button of an inline message" };
    if (query.message.chat.type !== "private") return { ok: false, refused: "group", reason: `a ${query.message.chat.type} chat` };
    if (query.from.is_bot) return { ok: false, refused: "unsupported", reason: "a bot's button press" };
    if (query.data === undefined || query.data === "") return { ok: false, refused: "unsupported", reason: "a button without callback data (a game)" };
    return {
      ok: true,
      inbound: {
        kind: "button",
        channel: "telegram",
        chat: String(query.message.chat.id),
        from: String(query.from.id),
        dedupeKey,
        profileName: displayName(query.from),
        payload: query.data,
        title: null,
        ackRef: query.id,
        messageRef: String(query.message.message_id),
      },
    };
  }
  const other = KNOWN_OTHER_KINDS.find((kind) => kind in update);
  return { ok: false, refused: "unsupported", reason: other ? `an update of kind ${other}` : "an update of no kind the relay knows" };
}

function parseMessage(message: TelegramMessage, dedupeKey: string): InboundParse {
  if (message.chat.type !== "private") return { ok: false, refused: "group", reason: `a ${message.chat.type} chat` };
  if (!message.from) return { ok: false, refused: "malformed", reason: "a private message without from" };
  if (message.from.is_bot) return { ok: false, refused: "unsupported", reason: "a message from a bot" };
  const media = mediaOf(message);
  const text = (message.text ?? message.caption ?? "").replace(COMMAND_WITH_BOT, "$1");
  if (text === "" && media.length === 0) return { ok: false, refused: "unsupported", reason: "a message with no text, photo, document or voice note (a sticker, a location…)" };
  return {
    ok: true,
    inbound: {
      kind: "message",
      channel: "telegram",
      chat: String(message.chat.id),
      from: String(message.from.id),
      dedupeKey,
      profileName: displayName(message.from),
      messageId: String(message.message_id),
      text,
      media,
      ...(message.reply_to_message ? { repliedTo: String(message.reply_to_message.message_id) } : {}),
    },
  };
}

/** A photo comes in several sizes: the largest is the one the user sent. Telegram's photos are JPEG. */
function mediaOf(message: TelegramMessage): InboundMedia[] {
  const media: InboundMedia[] = [];
  if (message.photo) {
    const largest = message.photo.reduce((best, size) => (size.width * size.height > best.width * best.height ? size : best));
    media.push({ kind: "image", ref: largest.file_id, contentType: "image/jpeg", size: largest.file_size ?? null, name: null, durationSec: null });
  }
  if (message.document) {
    const d = message.document;
    media.push({ kind: "document", ref: d.file_id, contentType: d.mime_type ?? null, size: d.file_size ?? null, name: d.file_name ?? null, durationSec: null });
  }
  if (message.voice) {
    const v = message.voice;
    // Telegram's voice notes are OGG/Opus (sendVoice: "OGG file encoded with OPUS").
    media.push({ kind: "voice", ref: v.file_id, contentType: v.mime_type ?? "audio/ogg", size: v.file_size ?? null, name: null, durationSec: v.duration });
  }
  return media;
}

function displayName(user: { first_name: string; last_name?: string | undefined }): string {
  return [user.first_name, user.last_name].filter(Boolean).join(" ");
}
