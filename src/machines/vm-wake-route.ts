// POST /vm/wake: the VM says it is back (after a restart) or that a stream's reader went away, so
// the user's object takes its runs up at once (protocol/vm/wake.ts). The body is signed with the
// VM_TOKEN of the VM that sends it: a phone's own Machine's (machineVmToken, so it wakes its own
// object only) or the shared VM's. A body that is not a wake gets a 400; a bad, stale or unverifiable wake gets one 403 line and changes
// nothing; a good one is idempotent (a repeat finds no run waiting).
import { Hono } from "hono/tiny";
import { HTTPException } from "hono/http-exception";
import { requireConfig } from "../config/require-config";
import type { Config } from "../config/config";
import { readCapped } from "../protocol/capped-body";
import { readJson } from "../shared/json-text";
import { logEvent } from "../shared/log";
import { timingSafeEqual } from "../shared/timing-safe";
import { MAX_WAKE_BODY_BYTES, WAKE_SIGNATURE_HEADER, type Wake, WakeSchema, wakeIsFresh, wakeSignature } from "../protocol/vm/wake";
import { machineVmToken } from "./fly-identity";

/** The token the VM serving `phone` holds: its own Machine's, or the shared VM's; null when none is set. */
async function vmTokenFor(config: Config, phone: string): Promise<string | null> {
  if (config.machines) return machineVmToken(config.machines.relayVmToken, phone);
  return config.vm?.token ?? null;
}

/** Whether `signature` is the wake's, by the VM serving its phone, and the wake is fresh. */
export async function wakeIsSigned(config: Config, wake: Wake, signature: string | undefined, now: number): Promise<boolean> {
  const token = await vmTokenFor(config, wake.phone);
  if (token === null || signature === undefined) return false;
  return timingSafeEqual(await wakeSignature(token, wake), signature) && wakeIsFresh(wake, now);
}

const refused = (reason: string): Response => {
  logEvent("vm_wake_refused", { reason });
  return new Response(JSON.stringify({ error: "forbidden: the wake is not signed by this user's VM, or is stale" }), { status: 403, headers: { "content-type": "application/json" } });
};

export const vmWakeRoute = new Hono<{ Bindings: Env }>();

vmWakeRoute.post("/wake", async (c) => {
  const config = requireConfig(c.env);
  const raw = await readCapped(c.req.raw, MAX_WAKE_BODY_BYTES);
  const wake = raw === null ? null : readJson(WakeSchema, raw);
  if (!wake) throw new HTTPException(400, { message: "the body must be a wake: {phone, vmRunIds, reason, at}" });
  if (!(await wakeIsSigned(config, wake, c.req.header(WAKE_SIGNATURE_HEADER), Date.now()))) return refused("bad_signature");
  const agent = c.env.PHONE_AGENT.get(c.env.PHONE_AGENT.idFromName(wake.phone));
  const { woken } = await agent.vmWoke(wake.vmRunIds, wake.reason);
  return c.json({ ok: true, woken });
});
