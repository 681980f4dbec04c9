// Helpers for the Worker's tests: signed Twilio webhooks, and what the stand-ins saw.
import { env, exports } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";
import { MIGRATIONS, migrate } from "../../src/shared/migrate";
import type { StandInRequest, VmScript } from "../stand-ins/vm-stand-in-types";
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_PUBLIC_URL, TEST_WHATSAPP_FROM } from "./test-env";

let sidCounter = 0;
/** A fresh Twilio-shaped message SID, unique within the test run. */
export function newSid(prefix = "SM"): string {
  sidCounter += 1;
  const random = crypto.getRandomValues(new Uint8Array(12));
  const hex = [...random].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${prefix}${hex}${sidCounter.toString(16).padStart(8, "0")}`;
}

export function inboundForm(phone: string, body: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    MessageSid: newSid(),
    AccountSid: TEST_ACCOUNT_SID,
    From: `whatsapp:${phone}`,
    To: TEST_WHATSAPP_FROM,
    Body: body,
    NumMedia: "0",
    ProfileName: "Test User",
    WaId: phone.slice(1),
    ...extra,
  };
}

/** Posts a form to the Worker signed exactly as Twilio signs it (per Twilio's own library). */
export async function postSigned(path: string, form: Record<string, string>, signature?: string | null): Promise<Response> {
  const url = `${TEST_PUBLIC_URL}${path}`;
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  const sig = signature === undefined ? getExpectedTwilioSignature(TEST_AUTH_TOKEN, url, form) : signature;
  if (sig !== null) headers["x-twilio-signature"] = sig;
  return exports.default.fetch(new Request(url, { method: "POST", headers, body: new URLSearchParams(form) }));
}

export async function sendInbound(phone: string, body: string, extra: Record<string, string> = {}) {
  const form = inboundForm(phone, body, extra);
  const res = await postSigned("/twilio/inbound", form);
  return { res, sid: form.MessageSid!, text: await res.text() };
}

export type EmulatedMessage = {
  sid: string;
  to: string;
  body: string | null;
  status: string;
  errorCode: string | number | null;
  contentSid: string | null;
  /** Quick-reply buttons of a Content API message, rendered with its variables. */
  buttons: { title: string; id: string }[];
  /** MediaUrl the relay sent, with what the emulator found there (null until fetched, or when it could not). */
  media: { url: string; contentType: string | null; size: number | null }[];
};

export async function sentTo(phone: string): Promise<EmulatedMessage[]> {
  const res = await fetch(`${env.TWILIO_API_BASE}/__emulator/messages?to=${encodeURIComponent(`whatsapp:${phone}`)}`);
  return ((await res.json()) as { messages: EmulatedMessage[] }).messages;
}

export async function vmRequests(phone: string): Promise<StandInRequest[]> {
  const res = await fetch(`${env.VM_URL}/__stand-in/requests?userId=${encodeURIComponent(phone)}`);
  return ((await res.json()) as { requests: StandInRequest[] }).requests;
}

export async function releaseVm(phone: string): Promise<void> {
  await fetch(`${env.VM_URL}/__stand-in/release`, { method: "POST", body: JSON.stringify({ userId: phone }) });
}

/** The user's next run at the VM stand-in serves these raw connections, then `events` (see VmScript). */
export async function scriptVmRun(script: VmScript): Promise<void> {
  const res = await fetch(`${env.VM_URL}/__stand-in/script`, { method: "POST", body: JSON.stringify(script) });
  if (!res.ok) throw new Error(`script: ${res.status}`);
}

/** The next `count` creates fail with `status`, or are taken and their answer lost (`afterAccept`: the connection dropped, or held open). */
export async function twilioFaults(fault: { to?: string; count: number } & ({ status: number } | { afterAccept: "drop" | "hang" })): Promise<void> {
  const res = await fetch(`${env.TWILIO_API_BASE}/__emulator/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fault) });
  if (!res.ok) throw new Error(`faults: ${res.status}`);
}

export function stubFor(phone: string) {
  return env.PHONE_AGENT.get(env.PHONE_AGENT.idFromName(phone));
}

/** Polls until `check` returns a value other than undefined/false (alarms run in the background). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const bodies = (messages: EmulatedMessage[]) => messages.map((m) => m.body);

/** Sends a message and waits for the relay's next outgoing message; returns its body. */
export async function ask(phone: string, text: string): Promise<string> {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, text);
  const sent = await eventually(async () => {
    const all = await sentTo(phone);
    return all.length > before && all;
  });
  return sent[before]!.body ?? "";
}

/**
 * Rewrites the phone's stored rows behind its object's back (to move time or set up state), then
 * evicts the object: it caches what it reads, and an object idle as long as these rewrites
 * pretend would have been evicted anyway, so the next instance reads storage afresh.
 */
export async function rewriteStorage(phone: string, write: (storage: DurableObjectStorage) => unknown): Promise<void> {
  await runInDurableObject(stubFor(phone), async (_a, state) => {
    await write(state.storage);
  });
  await evictDurableObject(stubFor(phone));
}

/**
 * Puts a phone's object back to the schema the first `upTo` migrations leave behind, empty, as
 * an object made before the later ones would be (then fill it, evict, and let it migrate).
 */
export function resetToSchema(storage: DurableObjectStorage, upTo: number): number[] {
  // Every table the migrations made, read from the schema (a list by hand missed each new table).
  const tables = storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'").toArray();
  for (const { name } of tables) storage.sql.exec(`DROP TABLE IF EXISTS "${name}"`);
  return migrate(storage, Date.now(), MIGRATIONS.slice(0, upTo));
}

/** Runs SQL inside the phone's Durable Object (for setup and inspection). */
export function query<T extends Record<string, SqlStorageValue>>(phone: string, sql: string, ...params: SqlStorageValue[]): Promise<T[]> {
  return runInDurableObject(stubFor(phone), (_a, state) => state.storage.sql.exec<T>(sql, ...params).toArray());
}

/** Waits until the phone's outbox has nothing left to send: every message queued so far went out. */
export const outboxSent = (phone: string): Promise<boolean> =>
  eventually(async () => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')"))[0]?.n === 0);

/**
 * Moves every task's next run to now, then arms the platform's alarm on the fresh instance (the
 * eviction comes first: evicting waits for an alarm handler that may be streaming a held run).
 * Returns the due time the tasks got (their task runs' ids end with it).
 */
export async function makeTasksDue(phone: string): Promise<number> {
  const now = Date.now();
  await rewriteStorage(phone, async (storage) => {
    storage.sql.exec("UPDATE schedules SET next_run_at = ? WHERE status = 'active'", now - 1);
    // The schedules unit keeps its next due time for the alarm: it moves with the rows.
    storage.sql.exec("UPDATE due_times SET due_at = ? WHERE unit = 'schedules'", now - 1);
    // The fresh instance then knows of no alarm but the one set below.
    await storage.deleteAlarm();
  });
  await runInDurableObject(stubFor(phone), (_a, state) => state.storage.setAlarm(now));
  return now - 1;
}
