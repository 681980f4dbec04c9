// Helpers for the HTTP trigger tests: make one over WhatsApp (its URL and token from the reply)
// and fire it as a caller would.
import { exports } from "cloudflare:workers";
import { eventually, query, sendInbound, sentTo } from "./helpers";
import { TEST_ADMIN, TEST_PUBLIC_URL } from "./test-env";

/** `id`: the trigger's own id (its firings' message ids); `door`: the sealed id its URL ends with. */
export type MadeTrigger = { id: string; door: string; url: string; token: string; reply: string };

/** Lets `phones` in (ALLOWED_SENDERS' numbers are all taken by other files). */
export async function allowPhones(phones: readonly string[]): Promise<void> {
  for (const phone of phones) {
    await sendInbound(TEST_ADMIN, `/allow ${phone}`);
    await eventually(async () => (await sentTo(TEST_ADMIN)).some((m) => (m.body ?? "").startsWith(`Allowed ${phone}`) || (m.body ?? "").startsWith(`${phone} is already`)));
  }
}

/** `/trigger add NAME PROMPT` in the phone's current conversation; the URL and token its reply shows once. */
export async function addTrigger(phone: string, name: string, prompt: string): Promise<MadeTrigger> {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, `/trigger add ${name} ${prompt}`);
  // Other messages (a firing's notice, a run's reply) may come between: the answer is the one naming the trigger.
  const reply = await eventually(async () => (await sentTo(phone)).slice(before).find((m) => (m.body ?? "").startsWith(`Trigger ${name}:`))?.body ?? undefined);
  const url = /^URL: (\S+)$/m.exec(reply)?.[1];
  const token = /^Token: (\S+)$/m.exec(reply)?.[1];
  if (!url || !token) throw new Error(`no URL and token in: ${reply}`);
  const [row] = await query<{ id: string }>(phone, "SELECT id FROM triggers WHERE name = ?", name);
  if (!row) throw new Error(`no trigger ${name} in ${phone}'s object`);
  return { id: row.id, door: url.split("/").at(-1)!, url, token, reply };
}

export function fire(path: string, o: { token?: string | null; key?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json", ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.key !== undefined) headers["idempotency-key"] = o.key;
  const url = path.startsWith("http") ? path : `${TEST_PUBLIC_URL}${path}`;
  return exports.default.fetch(new Request(url, { method: "POST", headers, body: o.body }));
}

/** What a firing could have stored at the phone's object: its messages and what it told the user. */
export async function storedByTriggers(phone: string): Promise<{ messages: number; notices: number }> {
  const [messages] = await query<{ n: number }>(phone, "SELECT count(*) AS n FROM messages WHERE id LIKE 'trigger-%'");
  const [notices] = await query<{ n: number }>(phone, "SELECT count(*) AS n FROM outbox WHERE dedupe_key LIKE 'event:trigger-%'");
  return { messages: messages!.n, notices: notices!.n };
}
