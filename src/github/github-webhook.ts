// POST /github/webhook/<door>: GitHub's webhooks. The door is the sealed id that /github watch put in
// the URL (triggers/door-keys.ts): it names the watching user's object and the watch, and the secret
// is derived from it, so X-Hub-Signature-256 is checked in constant time before anything else is
// read and before any Durable Object is asked. A door that does not open (a forged or altered id,
// the bare /github/webhook of watches made before doors) and a bad signature get 401 with nothing
// stored. Past the door, the watching object stores each X-GitHub-Delivery once, before the answer,
// and refuses (401) a watch it has ended (/github unwatch, or a new /github watch).
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { doorKeysFor, doorSecret, openDoor } from "../triggers/door-keys";
import { parseGithubEvent, RepositorySchema } from "./github-events";
import { verifyGithubSignature } from "./github-signature";
import { logEvent } from "../shared/log";
import type { Config } from "../config/config";
import { DOOR_SECRET_SETTINGS } from "../channels/config";
import { refuseUnverifiable, requireConfig } from "../config/require-config";
import { readCappedBytes } from "../protocol/capped-body";

export const githubRoute = new Hono<{ Bindings: Env }>();

/** GitHub caps payloads at 25 MB; the events the relay reads are far smaller than this. */
const MAX_BODY_BYTES = 1024 * 1024;
/**
 * GitHub's delivery ids are GUIDs (36 characters). At most 55: a button's payload `gh-later:<delivery>`
 * fits Telegram's 64-byte callback data, and a run's id `gh-auto-<delivery>` the VM protocol's 80.
 */
const DELIVERY = /^[A-Za-z0-9_-]{1,55}$/;
const EVENT = /^[a-z_]{1,64}$/;

function refuse(c: Context, status: 400 | 401 | 413, reason: string, repo?: string): Response {
  logEvent("github_webhook_refused", { reason, ...(repo ? { repo } : {}) });
  return c.json({ error: status === 401 ? "unauthorized" : reason }, status);
}

/** The JSON payload, sent as `application/json` or as the form field `payload`; undefined when it is neither. */
function payloadOf(raw: Uint8Array, contentType: string | undefined): unknown {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(raw);
    const json = contentType?.startsWith("application/x-www-form-urlencoded") ? new URLSearchParams(text).get("payload") : text;
    return json === null ? undefined : (JSON.parse(json) as unknown);
  } catch {
    return undefined;
  }
}

/** The door's object and watch when `sealed` opens and `signature` is GitHub's of `raw` under its secret; null otherwise, with no lookup. */
async function passDoor(config: Config, sealed: string | undefined, raw: Uint8Array, signature: string | undefined): Promise<{ home: string; watchId: string } | null> {
  const keys = doorKeysFor(config);
  const door = keys && sealed ? await openDoor(await keys, "github", sealed) : null;
  if (!keys || !door || !sealed) return null;
  const secret = await doorSecret(await keys, "github", sealed);
  return (await verifyGithubSignature(secret, raw, signature)) ? { home: door.home, watchId: door.id } : null;
}

githubRoute.post("/webhook/:door?", async function githubWebhook(c) {
  const config = requireConfig(c.env);
  // No key to open doors with: a missing setting, not a forged delivery (503, require-config.ts).
  if (!doorKeysFor(config)) refuseUnverifiable("/github/webhook", DOOR_SECRET_SETTINGS);
  // Over the bound by its Content-Length, or once read that far in chunks: nothing more is read.
  const raw = await readCappedBytes(c.req.raw, MAX_BODY_BYTES);
  if (raw === null) return refuse(c, 413, "too_large");
  // The door first: nothing of the body is parsed, and no object asked, for a request it refuses.
  const passed = await passDoor(config, c.req.param("door"), raw, c.req.header("x-hub-signature-256"));
  if (!passed) return refuse(c, 401, c.req.param("door") ? "bad_door_or_signature" : "no_door");
  const payload = payloadOf(raw, c.req.header("content-type"));
  if (payload === undefined) return refuse(c, 400, "malformed_body");
  const event = c.req.header("x-github-event") ?? "";
  // GitHub's ping when the webhook is made: the secret matches, nothing to store.
  if (event === "ping") return c.json({ ok: true });
  const named = RepositorySchema.safeParse(payload);
  if (!named.success) return refuse(c, 400, "no_repository");
  const repo = named.data.repository.full_name;
  const delivery = c.req.header("x-github-delivery") ?? "";
  if (!EVENT.test(event) || !DELIVERY.test(delivery)) return refuse(c, 400, "bad_headers", repo);
  const parsed = parseGithubEvent(event, payload);
  if (!parsed) return refuse(c, 400, "malformed_event", repo);
  const publicOrigin = config.publicUrl ?? new URL(c.req.url).origin;
  const agent = c.env.PHONE_AGENT.get(c.env.PHONE_AGENT.idFromName(passed.home));
  // The signed body's hash: a replay of it under a new delivery id is recognised by the object.
  const bodyHash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", raw))].map((b) => b.toString(16).padStart(2, "0")).join("");
  const stored = await agent.receiveWatchedGithubEvent(passed.watchId, repo, { delivery, event, parsed, receivedAt: Date.now(), publicOrigin, bodyHash });
  // Logged once, by the object (github_event).
  if (stored.outcome === "unwatched") return refuse(c, 401, "unwatched", repo);
  return c.json({ ok: true, outcome: stored.outcome }, stored.outcome === "stored" ? 202 : 200);
});
