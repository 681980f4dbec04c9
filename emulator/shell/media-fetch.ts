// Fetches a MediaUrl the way Twilio does before sending: no credentials, redirects followed, bytes counted.
import { WHATSAPP_MESSAGE_MAX_BYTES } from "../core/media-checks";

const FETCH_TIMEOUT_MS = 15_000;

export type FetchedFile =
  | { ok: true; contentType: string | null; bytes: Uint8Array<ArrayBuffer>; size: number; filename: string | null; truncated: boolean }
  | { ok: false; reason: string };

/**
 * Reads at most just over `maxBytes`: enough to tell a file over every limit without holding it.
 * A truncated file keeps what was read; its size is the Content-Length, else what was read.
 */
export async function fetchMediaUrl(url: string, shutdown: AbortSignal, maxBytes = WHATSAPP_MESSAGE_MAX_BYTES): Promise<FetchedFile> {
  try {
    const response = await fetch(url, { redirect: "follow", signal: AbortSignal.any([shutdown, AbortSignal.timeout(FETCH_TIMEOUT_MS)]) });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return { ok: false, reason: `HTTP ${response.status}` };
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size > maxBytes) break;
    }
    const truncated = size > maxBytes;
    const declared = Number(response.headers.get("content-length"));
    return {
      ok: true,
      contentType: response.headers.get("content-type"),
      bytes: Buffer.concat(chunks),
      size: truncated && Number.isSafeInteger(declared) && declared > size ? declared : size,
      filename: filenameOf(response.headers.get("content-disposition"), url),
      truncated,
    };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The name a download would get: Content-Disposition's filename, else the URL's last path segment. */
function filenameOf(disposition: string | null, url: string): string | null {
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition ?? "")?.[1];
  const name = named ?? new URL(url).pathname.split("/").pop();
  if (!name) return null;
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
