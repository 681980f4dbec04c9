// Telegram's webhook: the secret first (401, nothing read; 503 when none is configured), then
// every decision of routeTelegramUpdate carried out. 200 for everything Telegram sent us (a
// refusal, a group, an edit, a malformed update, a duplicate): Telegram sends again whatever is
// not answered 2xx.
import { Hono } from "hono/tiny";
import { HTTPException } from "hono/http-exception";
import type { Inbound } from "../channel";
import { createTelegramClient, type TelegramClient } from "./client";
import { escapeHtml } from "./html-format";
import { tapAnswerText } from "./keyboard";
import { parseUpdate } from "./update";
import { routeTelegramUpdate } from "./webhook-route";
import { checkWebhookSecret, SECRET_HEADER } from "./webhook-secret";
import type { Config } from "../../config/config";
import { logEvent } from "../../shared/log";
import { telegramUserName } from "../user-names";
import type { ChannelDirectory, ChannelRouteDeps } from "../channel-directory";
import { changesHome, type HomeCache, homeOfChat } from "../home-cache";
import { refuseUnverifiable, requireConfig } from "../../config/require-config";
import { readCapped } from "../../protocol/capped-body";

/** An update is a few kilobytes; anything far past that is not Telegram's. */
const MAX_UPDATE_BYTES = 256 * 1024;
/** Chats this isolate knows unlinked (home-cache.ts). */
const homesHere: HomeCache = new Map();
/** Strangers this isolate has told already: most repeats cost no directory call. Bounded. */
const refusedHere = new Set<string>();
const REFUSED_HERE_MAX = 10_000;

const ok = () => new Response(null, { status: 200 });

/** Telegram's webhook, asking the directory and naming taps' toasts through `deps` (channels/routes.ts). */
export function telegramRoute(deps: ChannelRouteDeps) {
  return new Hono<{ Bindings: Env }>().post("/webhook", async function telegramWebhook(c) {
    const config = requireConfig(c.env);
    // No bot configured: there is no Telegram here, whatever is posted.
    if (!config.telegram) return c.json({ error: "not_found" }, 404);
    // A bot without its secret: no update can be verified, none is taken (503, Telegram sends it again).
    if (config.telegram.webhookSecret === null) refuseUnverifiable("/telegram/webhook", ["TELEGRAM_WEBHOOK_SECRET"]);
    if (!checkWebhookSecret(c.req.header(SECRET_HEADER), config.telegram.webhookSecret)) {
      logEvent("webhook_rejected", { path: "/telegram/webhook", reason: c.req.header(SECRET_HEADER) ? "bad_secret" : "no_secret" });
      return c.json({ error: "invalid or missing X-Telegram-Bot-Api-Secret-Token" }, 401);
    }
    const body = await readJson(c.req.raw);
    const parsed = parseUpdate(body);
    if (!parsed.ok) {
      logEvent("telegram_ignored", { reason: parsed.refused, detail: parsed.reason.slice(0, 200) });
      return ok();
    }
    const from = parsed.inbound.from;
    const access = await deps.directory.checkAccess(c.env, telegramUserName(from), {
      configured: () => config.allowedTelegramUsers.has(from) || config.adminTelegramUsers.has(from),
      ttlMs: config.allowlistCacheMs,
    });
    // Closed, but not lost: Telegram delivers the update again later, as Twilio does for WhatsApp.
    if (!access.allowed && access.reason === "directory_unreachable") throw new HTTPException(503, { message: "allowlist unavailable; try again later" });
    const action = routeTelegramUpdate(body, { allowed: access.allowed ? new Set([from]) : new Set(), admins: config.adminTelegramUsers });
    const client = createTelegramClient(config.telegram);
    switch (action.action) {
      case "ignore":
        logEvent("telegram_ignored", { reason: action.reason.slice(0, 200) });
        return ok();
      case "welcome":
        c.executionCtx.waitUntil(client.sendText(action.chat, escapeHtml(action.text)));
        return ok();
      case "refuse_tap":
        logEvent("inbound_ignored", { user: telegramUserName(from), reason: "not_allowed" });
        c.executionCtx.waitUntil(client.answerTap(action.ackRef, action.text));
        return ok();
      case "refuse":
        logEvent("inbound_ignored", { user: telegramUserName(from), reason: "not_allowed" });
        if (await firstRefusal(deps.directory, c.env, action.from)) c.executionCtx.waitUntil(client.sendText(action.chat, escapeHtml(action.text)));
        return ok();
      case "store":
        await store(deps, c.env, client, action.inbound, publicOrigin(config, c.req.url), (p) => c.executionCtx.waitUntil(p), config.allowlistCacheMs);
        return ok();
    }
  });
}

/** Once per stranger, ever (the directory remembers); an unreachable directory means silence. */
async function firstRefusal(directory: ChannelDirectory, env: Env, userId: string): Promise<boolean> {
  if (refusedHere.has(userId)) return false;
  if (refusedHere.size >= REFUSED_HERE_MAX) refusedHere.clear();
  refusedHere.add(userId);
  try {
    return await directory.firstRefusal(env, { channel: "telegram", chat: userId });
  } catch (error) {
    logEvent("allowlist_unreachable", { error: error instanceof Error ? error.message : String(error) });
    return false;
  }
}

/** Stored by the user's object before the 200; a tap is acknowledged once the object said what became of it. */
async function store(deps: ChannelRouteDeps, env: Env, client: TelegramClient, inbound: Inbound, publicOrigin: string, waitUntil: (p: Promise<unknown>) => void, homeTtlMs: number): Promise<void> {
  // Private chats only (parseUpdate): the chat's id is its user's. Unlinked chats' homes are kept
  // per isolate (home-cache.ts: why a stale one never reaches another user); /link and /unlink drop it.
  const chat = { channel: "telegram" as const, chat: inbound.from };
  const changing = inbound.kind === "message" && changesHome(inbound.text);
  const home = await homeOfChat(homesHere, chat, () => deps.directory.homeOf(env, chat), { now: Date.now(), ttlMs: homeTtlMs, changing });
  const stub = env.PHONE_AGENT.get(env.PHONE_AGENT.idFromName(home));
  const result = await stub.enqueue(toInboundMessage(inbound, Date.now(), publicOrigin));
  if (inbound.kind === "button" && inbound.ackRef) {
    // A repeat of a tap answered before, or a user whose access was removed: the spinner just stops.
    const text = result.stored && result.tap ? tapAnswerText(inbound.payload, result.tap, deps.tapToasts) : null;
    waitUntil(client.answerTap(inbound.ackRef, text));
    // A question answered or closed: its buttons go, so an old one cannot be tapped again.
    if (result.stored && (result.tap === "taken" || result.tap === "expired") && inbound.messageRef) waitUntil(client.removeKeyboard(inbound.chat, Number(inbound.messageRef)));
  }
}

/**
 * A Telegram inbound as the object stores it: message id `tg-<update_id>` (the VM protocol's ids
 * take no colon), a file's `url` its file_id (the media unit fetches it through the bot), a tap's
 * payload as WhatsApp's quick replies bring theirs. Its shape is messages/' InboundMessage, held to
 * it where the object's enqueue takes it.
 */
export function toInboundMessage(inbound: Inbound, receivedAt: number, publicOrigin: string) {
  const messageId = `tg-${inbound.dedupeKey.replace(/^telegram:/, "")}`;
  const source = { channel: "telegram" as const, chat: inbound.chat };
  if (inbound.kind === "button") return { messageId, body: inbound.title ?? inbound.payload, media: [], buttonPayload: inbound.payload, receivedAt, publicOrigin, source };
  const media = inbound.media.map((m) => ({ url: m.ref, contentType: m.contentType ?? "application/octet-stream" }));
  return { messageId, body: inbound.text, media, buttonPayload: null, receivedAt, publicOrigin, source, ...(inbound.repliedTo ? { repliedTo: inbound.repliedTo } : {}) };
}

function publicOrigin(config: Config, url: string): string {
  return config.publicUrl ?? new URL(url).origin;
}

/** The update's JSON, or null (refused as malformed by the parser) when it is not JSON or too large. */
async function readJson(request: Request): Promise<unknown> {
  const text = await readCapped(request, MAX_UPDATE_BYTES);
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
