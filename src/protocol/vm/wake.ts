// The VM's wake: "I am back" (after a restart) or "your reader went away", so the user's object
// takes its runs up again at once instead of waiting out its retry (docs/protocol.md "Wake").
// Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";

/** The Worker's route the VM posts a wake to (under RELAY_URL). */
export const WAKE_PATH = "/vm/wake";
/** The header carrying the wake's signature (hex HMAC-SHA256, see wakeSignature). */
export const WAKE_SIGNATURE_HEADER = "x-vm-signature";
/** A wake older or newer than this is refused: a replay is worth nothing after it. */
export const WAKE_MAX_SKEW_MS = 5 * 60_000;
/** A wake body is small; anything larger is refused unread. */
export const MAX_WAKE_BODY_BYTES = 16_384;
/** How long the VM gives a wake: it never holds up a boot or a stream's end. */
export const WAKE_TIMEOUT_MS = 3_000;

export const WakeSchema = z.object({
  /** The user (the object's name) whose runs the VM serves. */
  phone: z.string().check(z.minLength(1), z.maxLength(64)),
  /** The VM's run ids that were cut; empty: all of this user's. */
  vmRunIds: z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.maxLength(64)),
  /** `restarted`: the VM came back up; `reader_gone`: a stream's reader disconnected mid-run. */
  reason: z.enum(["restarted", "reader_gone"]),
  /** When the VM signed it, epoch milliseconds. */
  at: z.number().check(z.int(), z.nonnegative()),
});
export type Wake = z.infer<typeof WakeSchema>;

const encoder = new TextEncoder();

/** What is signed: every field, in a fixed order, so none can be changed alone. */
const signedText = (w: Wake): string => ["wake", w.phone, w.reason, String(w.at), ...w.vmRunIds].join("\n");

/** hex HMAC-SHA256 of the wake, keyed by the VM_TOKEN of the VM that sends it. */
export async function wakeSignature(vmToken: string, wake: Wake): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(vmToken), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(signedText(wake))));
  return [...mac].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Whether the wake was signed at a time near enough to `now` to be taken. */
export const wakeIsFresh = (wake: Wake, now: number): boolean => Math.abs(now - wake.at) <= WAKE_MAX_SKEW_MS;
