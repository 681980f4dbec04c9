// The emulator's own JSON API under /__emulator/: what tests and the simulator page read and steer.
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { PhoneSchema } from "../config";
import type { EmulatorContext } from "../context";

const FaultStatusSchema = z.union([z.literal(429), z.literal(500), z.literal(503)]);

/**
 * `{ to?, status, count }`: the next `count` creates fail; `{ to?, code: 63016, count }`: they are
 * refused at once for WhatsApp's window; `{ outage: { to?, status, forMs } }`: every create for `forMs` from now.
 */
const FaultSchema = z.union([
  z.object({ to: PhoneSchema.optional(), status: FaultStatusSchema, count: z.number().int().min(1) }),
  z.object({ to: PhoneSchema.optional(), code: z.literal(63016), count: z.number().int().min(1) }),
  z.object({ to: PhoneSchema.optional(), afterAccept: z.enum(["drop", "hang"]), count: z.number().int().min(1) }),
  z.object({
    outage: z.object({ to: PhoneSchema.optional(), status: FaultStatusSchema, forMs: z.number().int().min(1).max(3_600_000) }),
  }),
]);

const LastInboundSchema = z.object({ phone: PhoneSchema, at: z.number().int().min(0) });

export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const raw: unknown = await c.req.json().catch(() => {
    throw new HTTPException(400, { message: "the body must be JSON" });
  });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new HTTPException(400, { message: z.prettifyError(parsed.error) });
  return parsed.data;
}

export function controlApi(ctx: EmulatorContext): Hono {
  const { config, store } = ctx;
  const api = new Hono();

  api.get("/__emulator/messages", (c) => {
    const to = c.req.query("to");
    const messages = store.outbound(to || undefined).map((m) => ({
      sid: m.sid,
      to: m.to,
      from: m.from,
      body: m.body,
      buttons: m.buttons,
      media: m.media.map(({ sid, url, contentType, size }) => ({ sid, url, contentType, size })),
      contentSid: m.contentSid ?? null,
      contentVariables: m.contentVariables ?? null,
      statusCallback: m.statusCallback ?? null,
      status: m.status,
      errorCode: m.errorCode,
      errorMessage: m.errorMessage,
      dateCreated: new Date(m.createdAt).toISOString(),
    }));
    return c.json({ messages });
  });

  api.post("/__emulator/faults", async (c) => {
    const fault = await readJson(c, FaultSchema);
    const now = config.now();
    if ("outage" in fault) {
      const { to, status, forMs } = fault.outage;
      store.addOutage({ to, status, startedAt: now, endsAt: now + forMs });
    } else {
      const answer = "code" in fault ? { code: fault.code } : "afterAccept" in fault ? { afterAccept: fault.afterAccept } : { status: fault.status };
      store.addFault({ to: fault.to, remaining: fault.count, ...answer });
    }
    return c.json({ faults: store.pendingFaults(), outages: store.pendingOutages(now) });
  });

  api.get("/__emulator/typing", (c) => c.json({ requests: store.typingRequests(c.req.query("messageId") || undefined) }));

  api.post("/__emulator/last-inbound", async (c) => {
    const { phone, at } = await readJson(c, LastInboundSchema);
    store.setLastInbound(phone, at);
    return c.json({ phone, at });
  });

  api.get("/__emulator/users", (c) => c.json({ users: config.users, whatsappFrom: config.whatsappFrom, inboundWebhookUrl: config.inboundWebhookUrl ?? null }));

  api.post("/__emulator/reset", (c) => {
    store.reset();
    ctx.media.reset();
    return c.json({ ok: true });
  });

  return api;
}
