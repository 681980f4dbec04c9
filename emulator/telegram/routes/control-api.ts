// The stand-in's own routes under /__telegram/ (not Telegram's): a simulated user writes, sends a
// file or taps a button, delivered to the webhook with its secret; faults, blocking, and what the
// bot did, for tests and the simulator.
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { TelegramContext } from "../context";
import { chatOf, storeFile } from "../shell/bot-state";
import { deliverUpdate } from "../shell/webhook";

const FileSchema = z.object({ base64: z.string(), contentType: z.string().min(1).optional(), filename: z.string().min(1).optional() });
const MessageSchema = z
  .object({
    text: z.string().optional(),
    caption: z.string().optional(),
    firstName: z.string().min(1).default("Ada"),
    /** A group's message, to see the relay refuse it: the chat is then this negative id. */
    groupChatId: z.number().int().negative().optional(),
    photo: FileSchema.optional(),
    document: FileSchema.optional(),
    voice: FileSchema.extend({ duration: z.number().int().min(0).default(1) }).optional(),
  })
  .refine((m) => m.text !== undefined || m.photo || m.document || m.voice, "a message needs text, a photo, a document or a voice note");
const PressSchema = z
  .object({ messageId: z.number().int().min(1), data: z.string().optional(), index: z.number().int().min(0).optional() })
  .refine((p) => (p.data === undefined) !== (p.index === undefined), "give either data or index");
const FaultSchema = z.object({ method: z.string().min(1).nullable().default(null), status: z.union([z.literal(429), z.literal(500), z.literal(502)]), retryAfter: z.number().int().min(1).max(3600).default(1), count: z.number().int().min(1).default(1) });

async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<{ ok: true; value: z.output<T> } | { ok: false; response: Response }> {
  const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, response: c.json({ error: z.prettifyError(parsed.error) }, 400) };
}

const userOf = (id: number, firstName: string) => ({ id, is_bot: false, first_name: firstName, language_code: "en" });

export function controlApi(ctx: TelegramContext): Hono {
  const { state } = ctx;
  const app = new Hono();
  const userId = (c: Context) => Number(c.req.param("id"));
  const deliver = async (c: Context, update: Record<string, unknown>) => {
    const delivery = await deliverUpdate(state, update, ctx.shutdown);
    return c.json({ update, delivery }, delivery.ok ? 200 : 502);
  };

  app.post("/__telegram/users/:id{[0-9]+}/messages", async (c) => {
    const input = await readJson(c, MessageSchema);
    if (!input.ok) return input.response;
    const m = input.value;
    const chat = chatOf(state, userId(c), m.firstName);
    const message: Record<string, unknown> = {
      message_id: chat.nextMessageId++,
      from: userOf(chat.id, m.firstName),
      chat: m.groupChatId ? { id: m.groupChatId, title: "A group", type: "group" } : { id: chat.id, first_name: m.firstName, type: "private" },
      date: Math.floor(ctx.now() / 1000),
    };
    if (m.text !== undefined) message.text = m.text;
    if (m.caption !== undefined) message.caption = m.caption;
    const bytes = (file: z.infer<typeof FileSchema>) => new Uint8Array(Buffer.from(file.base64, "base64"));
    if (m.photo) {
      const f = storeFile(state, bytes(m.photo), "image/jpeg", null, "photos");
      message.photo = [{ file_id: f.fileId, file_unique_id: f.fileUniqueId, width: 1280, height: 960, file_size: f.bytes.byteLength }];
    }
    if (m.document) {
      const f = storeFile(state, bytes(m.document), m.document.contentType ?? "application/octet-stream", m.document.filename ?? null, "documents");
      message.document = { file_id: f.fileId, file_unique_id: f.fileUniqueId, ...(f.name ? { file_name: f.name } : {}), mime_type: f.contentType, file_size: f.bytes.byteLength };
    }
    if (m.voice) {
      const f = storeFile(state, bytes(m.voice), "audio/ogg", null, "voice");
      message.voice = { file_id: f.fileId, file_unique_id: f.fileUniqueId, duration: m.voice.duration, mime_type: "audio/ogg", file_size: f.bytes.byteLength };
    }
    chat.messages.push({ message_id: message.message_id as number, date: message.date as number, ...(m.text !== undefined ? { text: m.text } : {}), ...(m.caption ? { caption: m.caption } : {}), direction: "user" });
    return deliver(c, { update_id: state.nextUpdateId++, message });
  });

  app.post("/__telegram/users/:id{[0-9]+}/press", async (c) => {
    const input = await readJson(c, PressSchema);
    if (!input.ok) return input.response;
    const chat = state.chats.get(userId(c));
    const message = chat?.messages.find((m) => m.direction === "bot" && m.message_id === input.value.messageId);
    if (!chat || !message) return c.json({ error: "no such message of the bot in this chat" }, 404);
    const buttons = message.reply_markup?.inline_keyboard.flat() ?? [];
    const data = input.value.data ?? buttons[input.value.index!]?.callback_data;
    if (data === undefined || !buttons.some((b) => b.callback_data === data)) return c.json({ error: "the message has no such button" }, 404);
    const id = String(BigInt(chat.id) * 1000n + BigInt(state.nextUpdateId));
    state.callbackQueries.set(id, { id, chatId: chat.id, createdAt: ctx.now(), answered: null });
    const { direction: _, ...shown } = message;
    const callback_query = { id, from: userOf(chat.id, chat.firstName), message: { ...shown, chat: { id: chat.id, first_name: chat.firstName, type: "private" } }, chat_instance: String(chat.id * 7), data };
    return deliver(c, { update_id: state.nextUpdateId++, callback_query });
  });

  /** Any JSON, delivered as it is: to see the relay refuse what Telegram would never send. */
  app.post("/__telegram/updates", async (c) => deliver(c, (await c.req.json().catch(() => ({}))) as Record<string, unknown>));

  app.post("/__telegram/users/:id{[0-9]+}/block", async (c) => {
    const input = await readJson(c, z.object({ blocked: z.boolean() }));
    if (!input.ok) return input.response;
    chatOf(state, userId(c)).blocked = input.value.blocked;
    return c.json({ ok: true });
  });

  app.get("/__telegram/users/:id{[0-9]+}/chat", (c) => {
    const chat = state.chats.get(userId(c));
    if (!chat) return c.json({ error: "no such chat" }, 404);
    const answers = [...state.callbackQueries.values()].filter((q) => q.chatId === chat.id);
    return c.json({ id: chat.id, blocked: chat.blocked, typing: chat.typing, messages: chat.messages, callbackAnswers: answers });
  });

  app.post("/__telegram/faults", async (c) => {
    const input = await readJson(c, FaultSchema);
    if (!input.ok) return input.response;
    state.faults.push(input.value);
    return c.json({ ok: true });
  });
  app.delete("/__telegram/faults", (c) => {
    state.faults.splice(0);
    return c.json({ ok: true });
  });

  /** A file's bytes without the bot's token, for the phone simulator to show what was sent. */
  app.get("/__telegram/files/:fileId", (c) => {
    const file = state.files.get(c.req.param("fileId"));
    if (!file) return c.json({ error: "no such file" }, 404);
    return c.body(file.bytes.slice().buffer as ArrayBuffer, 200, { "content-type": file.contentType, ...(file.name ? { "content-disposition": `inline; filename="${file.name.replace(/["\\\r\n]/g, "_")}"` } : {}) });
  });

  app.get("/__telegram/bot", (c) => c.json({ id: state.bot.id, username: state.bot.username, webhook: state.webhook, commands: state.commands, calls: ctx.calls }));

  return app;
}
