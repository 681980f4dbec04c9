// GitHub's webhook signature, checked: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
// body, keyed by the webhook's secret>`, compared in constant time.
import { timingSafeEqual } from "../shared/timing-safe";

const encoder = new TextEncoder();
const HEADER = /^sha256=([0-9a-f]{64})$/i;

/** The hex HMAC-SHA256 of `body` under `secret`. */
async function hmacHex(secret: string, body: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, body))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether `header` is GitHub's signature of `body` (its exact bytes) under `secret`; false for a missing or malformed header. */
export async function verifyGithubSignature(secret: string, body: Uint8Array, header: string | null | undefined): Promise<boolean> {
  const given = header ? HEADER.exec(header.trim())?.[1]?.toLowerCase() : undefined;
  if (!given || secret === "") return false;
  return timingSafeEqual(await hmacHex(secret, body), given);
}
