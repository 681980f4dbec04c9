// The stand-in's webhooks: hooks registered per repository, and each event POSTed to every active
// hook that subscribed to it, as GitHub delivers one: `X-GitHub-Event`, `X-GitHub-Delivery` (one
// GUID per event, kept by a redelivery), `X-GitHub-Hook-ID`, `X-Hub-Signature-256` (and the SHA-1
// `X-Hub-Signature`) when the hook has a secret, a JSON or form body. Once each, no retry: GitHub
// does not retry a failed delivery either; a redelivery is asked for.
import { createHmac, randomUUID } from "node:crypto";
import { signWebhook } from "../core/webhook-signature";
import type { HookEvent } from "../core/webhook-payloads";

export type Hook = { id: number; repo: string; repoId: number; url: string; secret: string | null; contentType: "json" | "form"; events: string[]; active: boolean; createdAt: number };

export type DeliveryRecord = {
  id: number; guid: string; hookId: number; repo: string; event: HookEvent; action: string | null;
  /** What was sent, byte for byte, so a redelivery sends the same. */
  body: string; redelivery: boolean; deliveredAt: number;
  /** The receiver's status; null when it could not be reached (then `error`). */
  statusCode: number | null; response: string | null; error: string | null; durationMs: number;
};

export type WebhookStore = { hooks: Hook[]; deliveries: DeliveryRecord[]; nextId(): number; now(): number };

/** GitHub waits 10 s for an answer. */
const TIMEOUT_MS = 10_000;

function bodyFor(hook: Hook, payload: unknown): { body: string; type: string } {
  const json = JSON.stringify(payload);
  return hook.contentType === "json" ? { body: json, type: "application/json" } : { body: `payload=${encodeURIComponent(json)}`, type: "application/x-www-form-urlencoded" };
}

async function post(store: WebhookStore, hook: Hook, guid: string, event: HookEvent, action: string | null, body: string, redelivery: boolean): Promise<DeliveryRecord> {
  const headers: Record<string, string> = {
    "content-type": hook.contentType === "json" ? "application/json" : "application/x-www-form-urlencoded",
    "user-agent": "GitHub-Hookshot/stand-in",
    "x-github-event": event,
    "x-github-delivery": guid,
    "x-github-hook-id": String(hook.id),
    "x-github-hook-installation-target-type": "repository",
    "x-github-hook-installation-target-id": String(hook.repoId),
  };
  if (hook.secret) {
    headers["x-hub-signature"] = `sha1=${createHmac("sha1", hook.secret).update(body).digest("hex")}`;
    headers["x-hub-signature-256"] = signWebhook(hook.secret, body);
  }
  const started = store.now();
  const record: DeliveryRecord = { id: store.nextId(), guid, hookId: hook.id, repo: hook.repo, event, action, body, redelivery, deliveredAt: started, statusCode: null, response: null, error: null, durationMs: 0 };
  store.deliveries.push(record);
  try {
    const res = await fetch(hook.url, { method: "POST", headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
    record.statusCode = res.status;
    record.response = (await res.text()).slice(0, 2000);
  } catch (error) {
    record.error = error instanceof Error ? error.message : String(error);
  }
  record.durationMs = store.now() - started;
  return record;
}

/** One event to every active hook of `repo` that takes it (`*`: all); one GUID for all of them. */
export function emit(store: WebhookStore, repo: string, event: HookEvent, payload: Record<string, unknown>): Promise<DeliveryRecord[]> {
  const guid = randomUUID();
  const hooks = store.hooks.filter((h) => h.repo === repo && h.active && (h.events.includes(event) || h.events.includes("*")));
  const action = typeof payload.action === "string" ? payload.action : null;
  return Promise.all(hooks.map((hook) => post(store, hook, guid, event, action, bodyFor(hook, payload).body, false)));
}

/** The `ping` a new hook gets, to it alone. */
export function ping(store: WebhookStore, hook: Hook, payload: Record<string, unknown>): Promise<DeliveryRecord> {
  return post(store, hook, randomUUID(), "ping", null, bodyFor(hook, payload).body, false);
}

/** The same delivery again (same GUID, same body, signed with the hook's secret now), marked a redelivery. Null: no such delivery or hook. */
export function redeliver(store: WebhookStore, deliveryId: number): Promise<DeliveryRecord> | null {
  const earlier = store.deliveries.find((d) => d.id === deliveryId);
  const hook = earlier ? store.hooks.find((h) => h.id === earlier.hookId) : undefined;
  if (!earlier || !hook) return null;
  return post(store, hook, earlier.guid, earlier.event, earlier.action, earlier.body, true);
}

/** A delivery as the REST API lists it (`GET …/hooks/{id}/deliveries`). */
export function deliveryJson(d: DeliveryRecord) {
  return {
    id: d.id, guid: d.guid, delivered_at: new Date(d.deliveredAt).toISOString().replace(/\.\d{3}Z$/, "Z"), redelivery: d.redelivery,
    duration: d.durationMs / 1000, status: d.statusCode === null ? (d.error ?? "failed") : d.statusCode < 300 ? "OK" : `Invalid HTTP Response: ${d.statusCode}`,
    status_code: d.statusCode ?? 0, event: d.event, action: d.action, installation_id: null, repository_id: null,
  };
}
