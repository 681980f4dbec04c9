// Helpers for the media tests: files of a given type, the emulator's Twilio-shaped media URLs,
// and the dependencies the Durable Object hands the media shell.
import { env } from "cloudflare:workers";
import { loadConfig } from "../../src/agent/relay-settings";
import type { MediaKeys } from "../../src/media/media-token";
import type { InboundMediaDeps } from "../../src/channels/whatsapp/media";
import { mediaKeysFor, mediaSinkOf, type MediaResult } from "../../src/media/media-store";
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from "./test-env";

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** `size` bytes that sniff as this type: its signature, then filler. */
export function fileOf(kind: "png" | "pdf" | "ogg" | "noise", size: number): Uint8Array {
  const head: number[] =
    kind === "png" ? [...PNG_SIGNATURE, 0, 0, 0, 13, ...ascii("IHDR")]
    : kind === "pdf" ? ascii("%PDF-1.7\n")
    : kind === "ogg" ? [...ascii("OggS"), ...new Array<number>(24).fill(0), ...ascii("OpusHead")]
    : [0x00, 0x01, 0xfe, 0xff];
  const bytes = new Uint8Array(size);
  for (let i = head.length; i < size; i++) bytes[i] = (i * 31) & 0xff;
  bytes.set(head.slice(0, size));
  return bytes;
}

function ascii(text: string): number[] {
  return [...text].map((ch) => ch.charCodeAt(0));
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Hands the emulator bytes as a Media resource; returns the `MediaUrl0` Twilio would post (Basic auth, then a 307). */
export async function emulatorMediaUrl(bytes: Uint8Array, contentType: string): Promise<string> {
  const res = await fetch(`${env.TWILIO_API_BASE}/__emulator/media`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ contentType, base64: toBase64(bytes) }),
  });
  if (res.status !== 201) throw new Error(`emulator media: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { url: string }).url;
}

export async function testMediaKeys(): Promise<MediaKeys> {
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new Error(loaded.problems.join("; "));
  return (await mediaKeysFor(loaded.config))!;
}

export async function inboundDeps(overrides: Partial<InboundMediaDeps<MediaResult>> = {}): Promise<InboundMediaDeps<MediaResult>> {
  return {
    sink: mediaSinkOf({ bucket: env.MEDIA!, keys: await testMediaKeys(), now: () => Date.now() }),
    fetch: (input, init) => fetch(input, init),
    twilio: { accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, apiBase: env.TWILIO_API_BASE! },
    ...overrides,
  };
}

export type SeenRequest = { url: string; authorization: string | null };

/** A fetch that records what it sends, for checking where the credentials went. */
export function recordingFetch(seen: SeenRequest[], inner: typeof fetch = (input, init) => fetch(input, init)): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    seen.push({ url, authorization: new Headers(init?.headers).get("authorization") });
    return inner(input, init);
  };
}

/** A body that yields `chunk` until `total` bytes, counting what was pulled; `cancelled` once the reader gave up. */
export function countedStream(first: Uint8Array, chunk: Uint8Array, total: number) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = state.pulled === 0 ? first : chunk;
      if (state.pulled >= total) return controller.close();
      state.pulled += next.byteLength;
      controller.enqueue(next);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}
