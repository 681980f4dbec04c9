// Helpers of the Telegram webhook's tests: updates made by the Bot API stand-in (a user writes,
// sends a file, taps a button) and posted to the Worker as Telegram posts them.
import { env, exports } from "cloudflare:workers";
import { SECRET_HEADER } from "../../src/channels/telegram/webhook-secret";
import { query } from "../worker/helpers";
import { TEST_PUBLIC_URL } from "../worker/test-env";
import { TEST_TELEGRAM_SECRET, TEST_TELEGRAM_TOKEN } from "./telegram-env";

type Update = Record<string, unknown> & { update_id: number };
const botApi = () => env.TELEGRAM_API_BASE!;

async function control(path: string, body: unknown): Promise<Update> {
  const res = await fetch(`${botApi()}/__telegram/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  // 502: the stand-in has no webhook to deliver to (the Worker under test listens on no port); the update is what it would have posted.
  if (res.status !== 502 && res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { update: Update }).update;
}

/** What Telegram would post when `userId` writes this (text, caption, photo, document, voice, groupChatId). */
export const userWrites = (userId: string, message: Record<string, unknown>) => control(`users/${userId}/messages`, message);
/** What Telegram would post when `userId` taps the button `data` under the bot's message `messageId`. */
export const userTaps = (userId: string, messageId: number, data: string) => control(`users/${userId}/press`, { messageId, data });

/** Posts to the Worker's webhook as Telegram does: JSON, with the secret header (null: none). */
export function postUpdate(update: unknown, secret: string | null = TEST_TELEGRAM_SECRET): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret !== null) headers[SECRET_HEADER] = secret;
  const body = typeof update === "string" ? update : JSON.stringify(update);
  return exports.default.fetch(new Request(`${TEST_PUBLIC_URL}/telegram/webhook`, { method: "POST", headers, body }));
}

/** The bot sends `userId` a message with buttons, as the relay's outbox would (through the real Bot API stand-in). */
export async function botSendsButtons(userId: string, text: string, buttons: { text: string; callback_data: string }[]): Promise<number> {
  const res = await fetch(`${botApi()}/bot${TEST_TELEGRAM_TOKEN}/sendMessage`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ chat_id: userId, text, reply_markup: { inline_keyboard: [buttons] } }),
  });
  const answer = (await res.json()) as { ok: boolean; result?: { message_id: number }; description?: string };
  if (!answer.ok) throw new Error(`sendMessage: ${answer.description}`);
  return answer.result!.message_id;
}

export type ChatView = { messages: { text?: string; direction: "user" | "bot" }[]; callbackAnswers: { id: string; answered: { text: string | null } | null }[] };

/** The chat as the user sees it in the stand-in. */
export async function chatOf(userId: string): Promise<ChatView> {
  const res = await fetch(`${botApi()}/__telegram/users/${userId}/chat`);
  return res.status === 404 ? { messages: [], callbackAnswers: [] } : ((await res.json()) as ChatView);
}

/** The messages a Telegram user's own object stored. */
export const storedOf = (userId: string) => query<{ id: string; body: string; channel: string; chat: string | null; media_json: string }>(`tg-${userId}`, "SELECT id, body, channel, chat, media_json FROM messages ORDER BY seq");
/** What the object queued for the user (the outbox). */
export const queuedFor = (userId: string) => query<{ body: string }>(`tg-${userId}`, "SELECT body FROM outbox ORDER BY id");
