// Helpers of the /link tests: the Telegram side is injected as tg-in's webhook route hands it over:
// the directory names the object, and the update goes to that object's `enqueue` with a Telegram source.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { ask, bodies, eventually, query, sentTo, stubFor } from "./helpers";

export const directory = () => env.USER_DIRECTORY.get(env.USER_DIRECTORY.idFromName("directory"));
let updateId = 0;

/** The object a Telegram user's chat reaches, as the directory names it for the webhook. */
export const homeOfTelegram = (user: string) => directory().homeOf({ channel: "telegram", chat: user });

/** A Telegram user writes: routed by the directory as the webhook routes it; the reply is the object's answer to that update. */
export async function fromTelegram(user: string, body: string): Promise<{ home: string; reply: string }> {
  const home = await homeOfTelegram(user);
  const messageId = `tg-${user}-${++updateId}`;
  const { stored } = await stubFor(home).enqueue({ messageId, body, media: [], receivedAt: Date.now(), publicOrigin: "https://relay.example", source: { channel: "telegram", chat: user } });
  expect(stored).toBe(true);
  const reply = await eventually(async () => (await query<{ body: string }>(home, "SELECT body FROM outbox WHERE dedupe_key = ?", `command:${messageId}`))[0]?.body);
  return { home, reply };
}

export const codeIn = (reply: string) => /\/link ([A-Z0-9]{3}-[A-Z0-9]{3})/.exec(reply)?.[1];
export const setting = async (phone: string, key: string) => (await query<{ value: string }>(phone, "SELECT value FROM settings WHERE key = ?", key))[0]?.value ?? null;

/** The chat linked to a home, as its settings keep it (JSON), or null. */
export const linkedChat = async (home: string) => {
  const value = await setting(home, "linked_chat");
  return value === null ? null : (JSON.parse(value) as unknown);
};

/** Waits until `phone` was sent a message `matches` takes; its body. */
export const saidTo = (phone: string, matches: (body: string) => boolean) => eventually(async () => bodies(await sentTo(phone)).find((b) => b !== undefined && b !== null && matches(b)));

/**
 * `/link` on the phone, its code sent from Telegram, then /link yes from the phone (once it was
 * asked) and from Telegram last: the Telegram chat's last reply (Linked: …, or why not).
 */
export async function linkPhoneAndTelegram(phone: string, user: string): Promise<string> {
  const code = codeIn(await ask(phone, "/link"));
  expect((await fromTelegram(user, `/link ${code}`)).reply).toMatch(/^🔗 Link request: this chat would reach the agent of WhatsApp/);
  await saidTo(phone, (b) => b.startsWith(`🔗 Link request: Telegram (${user}) would reach this agent`));
  expect(await ask(phone, "/link yes")).toBe(`Confirmed here; waiting for Telegram (${user}) to send /link yes.`);
  return (await fromTelegram(user, "/link yes")).reply;
}
