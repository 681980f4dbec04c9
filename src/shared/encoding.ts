// Bytes and credentials as text, the way HTTP and Twilio want them: base64 for any size (in
// chunks, so a large voice note never spreads a million arguments), and HTTP Basic auth.

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** `Authorization: Basic …` for a user and secret (Twilio: the account SID and auth token). */
export function basicAuthorization(user: string, secret: string): string {
  return `Basic ${btoa(`${user}:${secret}`)}`;
}

/** Bytes as lowercase hex (a SHA-256 as R2 and the VM write it). */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
