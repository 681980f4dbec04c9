// POST /github/webhook: GitHub's webhooks. The repository the body names has a secret in the
// directory (/github watch); the body's X-Hub-Signature-256 is checked against it in constant
// time, and only then is anything stored: each X-GitHub-Delivery once, in the watching user's
// object, before the answer. A bad signature or an unknown repository gets 401, a malformed
// body 400, and neither stores anything.
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { loadConfig } from "../config";
import { parseGithubEvent, RepositorySchema } from "../core/github-events";
import { verifyGithubSignature } from "../core/github-signature";
import { logEvent } from "../core/log";
import { directoryOf } from "../objects/user-directory";

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

githubRoute.post("/webhook", async function githubWebhook(c) {
  if (Number(c.req.header("content-length") ?? 0) > MAX_BODY_BYTES) return refuse(c, 413, "too_large");
  const raw = new Uint8Array(await c.req.arrayBuffer());
  if (raw.byteLength > MAX_BODY_BYTES) return refuse(c, 413, "too_large");
  const payload = payloadOf(raw, c.req.header("content-type"));
  if (payload === undefined) return refuse(c, 400, "malformed_body");
  const named = RepositorySchema.safeParse(payload);
  if (!named.success) return refuse(c, 401, "no_repository");
  const repo = named.data.repository.full_name;
  const watch = await directoryOf(c.env).githubWatch(repo);
  if (!watch) return refuse(c, 401, "unknown_repository", repo);
  if (!(await verifyGithubSignature(watch.secret, raw, c.req.header("x-hub-signature-256")))) return refuse(c, 401, "bad_signature", repo);
  const event = c.req.header("x-github-event") ?? "";
  // GitHub's ping when the webhook is made: the secret matches, nothing to store.
  if (event === "ping") return c.json({ ok: true });
  const delivery = c.req.header("x-github-delivery") ?? "";
  if (!EVENT.test(event) || !DELIVERY.test(delivery)) return refuse(c, 400, "bad_headers", repo);
  const parsed = parseGithubEvent(event, payload);
  if (!parsed) return refuse(c, 400, "malformed_event", repo);
  const loaded = loadConfig(c.env);
  const publicOrigin = (loaded.ok ? loaded.config.publicUrl : null) ?? new URL(c.req.url).origin;
  const agent = c.env.PHONE_AGENT.get(c.env.PHONE_AGENT.idFromName(watch.home));
  const stored = await agent.receiveGithubEvent({ delivery, event, parsed, receivedAt: Date.now(), publicOrigin });
  // Logged once, by the object (github_event).
  return c.json({ ok: true, outcome: stored.outcome }, stored.outcome === "stored" ? 202 : 200);
});
