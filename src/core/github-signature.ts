// GitHub's webhook signature, checked: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
// body, keyed by the webhook's secret>`, compared in constant time.

const encoder = new TextEncoder();
const HEADER = /^sha256=([0-9a-f]{64})$/i;

/** The 32 bytes a header carries, or null when it is missing or not `sha256=<64 hex digits>`. */
export function parseSignatureHeader(header: string | null | undefined): Uint8Array | null {
  const hex = header ? HEADER.exec(header.trim())?.[1] : undefined;
  if (!hex) return null;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Equal lengths and bytes, in time that depends on the length only. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Whether `header` is GitHub's signature of `body` (its exact bytes) under `secret`. */
export async function verifyGithubSignature(secret: string, body: Uint8Array, header: string | null | undefined): Promise<boolean> {
  const given = parseSignatureHeader(header);
  if (!given || secret === "") return false;
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const expected = new Uint8Array(await crypto.subtle.sign("HMAC", key, body));
  return constantTimeEqual(expected, given);
}
