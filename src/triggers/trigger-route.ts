// POST /triggers/<door>: an HTTP trigger fired. The door is the sealed id /trigger add put in the
// URL (triggers/door-keys.ts): it names the owner's object and the trigger, and the token is derived
// from it, so the token is checked in the Worker, in constant time, before any Durable Object is
// asked (a forged or altered door, a wrong token, and the URL of a trigger made before doors get
// the same 401). Then the body is read within its limit and parsed, and the owner's object starts
// the run (202) or says why not: a removed trigger is unknown there, and gets the same 401.
import { Hono } from "hono/tiny";
import { HTTPException } from "hono/http-exception";
import * as z from "zod/mini";
import type { Config } from "../config/config";
import { DOOR_SECRET_SETTINGS } from "../channels/config";
import { doorKeysFor, doorSecret, openDoor } from "./door-keys";
import { logEvent } from "../shared/log";
import { timingSafeEqual } from "../shared/timing-safe";
import { bearerToken, MAX_IDEMPOTENCY_KEY_CHARS, MAX_TRIGGER_BODY_BYTES, MAX_TRIGGER_TEXT_CHARS, sha256Hex, TRIGGER_ID } from "./triggers";
import { refuseUnverifiable, requireConfig } from "../config/require-config";
import { readCapped } from "../protocol/capped-body";

const FiringBodySchema = z.object({ text: z.optional(z.string().check(z.maxLength(MAX_TRIGGER_TEXT_CHARS))) });
/** Printable ASCII, as HTTP header values are in practice. */
const IDEMPOTENCY_KEY = new RegExp(`^[\\x21-\\x7e][\\x20-\\x7e]{0,${MAX_IDEMPOTENCY_KEY_CHARS - 1}}$`);

const unauthorized = (): Response =>
  new Response(JSON.stringify({ error: "unauthorized" }), { status: 401, headers: { "content-type": "application/json", "www-authenticate": 'Bearer realm="trigger"' } });
const badRequest = (message: string): never => {
  throw new HTTPException(400, { message });
};

/** The caller's text: none for an empty body, else a JSON object with an optional `text`. */
function parseFiringBody(raw: string): string | undefined {
  if (raw.trim() === "") return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return badRequest("the body is not JSON");
  }
  const parsed = FiringBodySchema.safeParse(json);
  if (!parsed.success) return badRequest(`the body must be {"text": "…"} with at most ${MAX_TRIGGER_TEXT_CHARS} characters`);
  return parsed.data.text;
}

/** The trigger's owner and id when `token` opens the door `sealed`; null otherwise, with no lookup. */
async function passDoor(config: Config, sealed: string, token: string | null): Promise<{ home: string; triggerId: string } | null> {
  const keys = doorKeysFor(config);
  const door = keys && token ? await openDoor(await keys, "trigger", sealed) : null;
  if (!keys || !door || !TRIGGER_ID.test(door.id)) return null;
  return timingSafeEqual(await doorSecret(await keys, "trigger", sealed), token!) ? { home: door.home, triggerId: door.id } : null;
}

export const triggerRoute = new Hono<{ Bindings: Env }>();

triggerRoute.post("/:door", async (c) => {
  const receivedAt = Date.now();
  const config = requireConfig(c.env);
  // No key to open doors with: a missing setting, not a wrong token (503, require-config.ts).
  if (!doorKeysFor(config)) refuseUnverifiable("/triggers", DOOR_SECRET_SETTINGS);
  const token = bearerToken(c.req.header("authorization"));
  const passed = await passDoor(config, c.req.param("door"), token);
  if (!passed) {
    logEvent("trigger_refused", { reason: token ? "bad_door_or_token" : "no_token" });
    return unauthorized();
  }
  const key = c.req.header("idempotency-key");
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) badRequest(`Idempotency-Key must be 1-${MAX_IDEMPOTENCY_KEY_CHARS} printable ASCII characters`);
  const raw = await readCapped(c.req.raw, MAX_TRIGGER_BODY_BYTES);
  if (raw === null) badRequest(`the body is over ${MAX_TRIGGER_BODY_BYTES} bytes`);
  const text = parseFiringBody(raw!);
  const publicOrigin = config.publicUrl ?? new URL(c.req.url).origin;
  // No key: a fresh random one, so each such call is a firing of its own.
  const keyDigest = await sha256Hex(key ?? `random:${crypto.randomUUID()}`);
  const agent = c.env.PHONE_AGENT.get(c.env.PHONE_AGENT.idFromName(passed.home));
  const fired = await agent.fireTrigger({ triggerId: passed.triggerId, text, keyDigest, receivedAt, publicOrigin });
  switch (fired.outcome) {
    case "queued":
    case "duplicate":
      return c.json({ status: fired.outcome }, 202);
    case "unknown":
      return unauthorized();
    case "refused":
      switch (fired.reason) {
        case "trigger_rate_limited":
          return c.json({ error: "rate_limited" }, 429, { "retry-after": String(fired.retryAfterSeconds) });
        case "rate_limited":
          // The user's own rate limit (MAX_MESSAGES_PER_MINUTE), counted over a minute.
          return c.json({ error: "rate_limited" }, 429, { "retry-after": "60" });
        case "revoked":
          return c.json({ error: "forbidden" }, 403);
        case "no_conversation":
        case "cloning":
          return c.json({ error: fired.reason }, 409);
      }
  }
});
