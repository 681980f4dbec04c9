// Fetching an incoming attachment from Twilio (the emulator): Basic auth, the redirect to the CDN
// link, where the credentials go, and Twilio's failures as reasons for the user.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { mediaOwnerTag } from "../../src/media/media-token";
import { fetchInboundMedia } from "../../src/channels/whatsapp/media";
import { emulatorMediaUrl, fileOf, inboundDeps, recordingFetch, testMediaKeys, type SeenRequest } from "./media-helpers";
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from "./test-env";

const phone = "+15550000154";
const basic = `Basic ${btoa(`${TEST_ACCOUNT_SID}:${TEST_AUTH_TOKEN}`)}`;

it("fetches with Twilio's Basic auth, follows the redirect to the media link, and stores the file", async () => {
  const png = fileOf("png", 240 * 1024);
  const url = await emulatorMediaUrl(png, "image/png");
  const seen: SeenRequest[] = [];
  const before = Date.now();
  const result = await fetchInboundMedia(await inboundDeps({ fetch: recordingFetch(seen) }), { url, declaredType: "image/png", owner: phone });

  expect(result).toMatchObject({ ok: true, contentType: "image/png", kind: "image", ext: "png", size: png.byteLength });
  expect(seen.map((s) => new URL(s.url).pathname)).toEqual([new URL(url).pathname, expect.stringMatching(/^\/__media-cdn\/[0-9a-f]{48}$/)]);
  expect(seen[0]!.authorization).toBe(basic);

  if (!result.ok) throw new Error(result.reason);
  const tag = await mediaOwnerTag(await testMediaKeys(), phone);
  expect(result.key).toMatch(new RegExp(`^in/${tag}/[A-Za-z0-9_-]{22}$`));
  expect(result.key).not.toContain("5550000154");
  expect(result.createdAt).toBeGreaterThanOrEqual(before);
  const stored = await env.MEDIA!.get(result.key);
  expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(png);
  expect(stored!.httpMetadata?.contentType).toBe("image/png");
  expect(stored!.customMetadata).toEqual({ kind: "image", ext: "png", direction: "in", createdAt: String(result.createdAt), declaredType: "image/png" });
});

it("never sends the credentials to another origin after Twilio's redirect", async () => {
  const url = await emulatorMediaUrl(fileOf("pdf", 3000), "application/pdf");
  const emulator = new URL(env.TWILIO_API_BASE!);
  const seen: SeenRequest[] = [];
  // Twilio's API and its CDN are different origins: point the 307 at one, and serve it from the emulator.
  const twoOrigins: typeof fetch = async (input, init) => {
    const target = new URL(String(input));
    if (target.host === "media-cdn.test") return fetch(`${emulator.origin}${target.pathname}`, init);
    const res = await fetch(input, init);
    if (res.status !== 307) return res;
    const location = new URL(res.headers.get("location")!);
    return new Response(null, { status: 307, headers: { location: `http://media-cdn.test${location.pathname}` } });
  };
  const result = await fetchInboundMedia(await inboundDeps({ fetch: recordingFetch(seen, twoOrigins) }), { url, declaredType: "application/pdf", owner: phone });

  expect(result).toMatchObject({ ok: true, kind: "document", ext: "pdf", size: 3000 });
  expect(seen).toHaveLength(2);
  expect(seen[0]).toEqual({ url, authorization: basic });
  expect(seen[1]!.url).toMatch(/^http:\/\/media-cdn\.test\/__media-cdn\//);
  expect(seen[1]!.authorization).toBeNull();
});

it("refuses a redirect from https down to http, and a redirect that goes on and on", async () => {
  const https = "https://api.twilio.test";
  const mediaUrl = `${https}/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Messages/MM1/Media/ME1`;
  const deps = async (location: (url: string) => string) =>
    inboundDeps({
      twilio: { accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, apiBase: https },
      fetch: async (input) => new Response(null, { status: 302, headers: { location: location(String(input)) } }),
    });
  const downgrade = await fetchInboundMedia(await deps(() => "http://cdn.twilio.test/x"), { url: mediaUrl, declaredType: null, owner: phone });
  expect(downgrade).toEqual({ ok: false, reason: "Twilio's redirect led nowhere" });
  const loop = await fetchInboundMedia(await deps((url) => `${url}/again`), { url: mediaUrl, declaredType: null, owner: phone });
  expect(loop).toEqual({ ok: false, reason: "Twilio's redirect led nowhere" });
});

it("turns Twilio's refusals and failures into reasons the user can read", async () => {
  const url = await emulatorMediaUrl(fileOf("png", 100), "image/png");
  const media = { url, declaredType: "image/png", owner: phone };

  const missing = url.replace(/ME[0-9a-f]{32}$/i, `ME${"0".repeat(32)}`);
  expect(await fetchInboundMedia(await inboundDeps(), { ...media, url: missing })).toEqual({ ok: false, reason: "Twilio answered 404" });

  const wrongToken = await inboundDeps();
  wrongToken.twilio = { ...wrongToken.twilio, authToken: "not-the-token" };
  expect(await fetchInboundMedia(wrongToken, media)).toEqual({ ok: false, reason: "Twilio answered 401" });

  const outage = await inboundDeps({ fetch: async () => new Response("Service Unavailable", { status: 503 }) });
  expect(await fetchInboundMedia(outage, media)).toEqual({ ok: false, reason: "Twilio answered 503" });

  const unreachable = await inboundDeps({ fetch: async () => Promise.reject(new TypeError("Network connection lost")) });
  expect(await fetchInboundMedia(unreachable, media)).toEqual({ ok: false, reason: "Twilio could not be reached" });
});

it("sends the credentials nowhere but Twilio's configured API", async () => {
  const seen: SeenRequest[] = [];
  const result = await fetchInboundMedia(await inboundDeps({ fetch: recordingFetch(seen) }), { url: "https://attacker.example/2010-04-01/Accounts/x", declaredType: "image/png", owner: phone });
  expect(result).toEqual({ ok: false, reason: "not a Twilio media link" });
  expect(seen).toEqual([]);
});

it("gives up on a fetch that stalls, in its headers or its body", async () => {
  const url = `${env.TWILIO_API_BASE}/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Messages/MM1/Media/ME1`;
  const media = { url, declaredType: "image/png", owner: phone };
  const never = await inboundDeps({ timeoutMs: 200, fetch: () => new Promise<Response>(() => {}) });
  expect(await fetchInboundMedia(never, media)).toEqual({ ok: false, reason: "Twilio took too long to answer" });

  let cancelled = false;
  const stalled = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(fileOf("png", 70 * 1024)); // past the sniffing window, then nothing more
    },
    cancel() {
      cancelled = true;
    },
  });
  const slow = await inboundDeps({ timeoutMs: 300, fetch: async () => new Response(stalled, { status: 200 }) });
  const started = Date.now();
  expect(await fetchInboundMedia(slow, media)).toEqual({ ok: false, reason: "Twilio took too long to send it" });
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(cancelled).toBe(true);
});
