// The limits of incoming media: the type is what the bytes say, the limit is that kind's, and it
// is enforced while reading, whatever Content-Length claims.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { mediaOwnerTag } from "../../src/media/media-token";
import { fetchInboundMedia } from "../../src/channels/whatsapp/media";
import { countedStream, emulatorMediaUrl, fileOf, inboundDeps, testMediaKeys } from "./media-helpers";
import { TEST_ACCOUNT_SID } from "./test-env";

const phone = "+15550000155";
const MB = 1024 * 1024;
const fakeUrl = () => `${env.TWILIO_API_BASE}/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Messages/MM1/Media/ME1`;

async function storedForPhone(): Promise<number> {
  const tag = await mediaOwnerTag(await testMediaKeys(), phone);
  return (await env.MEDIA!.list({ prefix: `in/${tag}/` })).objects.length;
}

it("takes the type from the bytes: a PNG declared as audio is an image", async () => {
  const url = await emulatorMediaUrl(fileOf("png", 5000), "audio/ogg");
  const result = await fetchInboundMedia(await inboundDeps(), { url, declaredType: "audio/ogg", owner: phone });
  expect(result).toMatchObject({ ok: true, contentType: "image/png", kind: "image", ext: "png", size: 5000 });
});

it("keeps a voice note's codec in its type", async () => {
  const url = await emulatorMediaUrl(fileOf("ogg", 12_000), "audio/ogg; codecs=opus");
  const result = await fetchInboundMedia(await inboundDeps(), { url, declaredType: "audio/ogg; codecs=opus", owner: phone });
  expect(result).toMatchObject({ ok: true, contentType: "audio/ogg; codecs=opus", kind: "audio", ext: "ogg", size: 12_000 });
});

it("refuses an image over 5 MB, stopping as soon as it is over, whatever Content-Length said", async () => {
  const before = await storedForPhone();
  const { stream, state } = countedStream(fileOf("png", 64 * 1024), new Uint8Array(64 * 1024), 50 * MB);
  const lying = await inboundDeps({ fetch: async () => new Response(stream, { status: 200, headers: { "content-length": "1000" } }) });
  const result = await fetchInboundMedia(lying, { url: fakeUrl(), declaredType: "image/png", owner: phone });

  expect(result).toEqual({ ok: false, reason: "over WhatsApp's 5 MB for images" });
  expect(state.pulled).toBeLessThanOrEqual(5 * MB + 3 * 64 * 1024); // the limit, the chunk past it, one read ahead
  expect(state.cancelled).toBe(true);
  expect(await storedForPhone()).toBe(before);
});

it("refuses an image over 5 MB from Twilio, and stores nothing", async () => {
  const before = await storedForPhone();
  const url = await emulatorMediaUrl(fileOf("png", 5 * MB + 1), "image/png");
  const result = await fetchInboundMedia(await inboundDeps(), { url, declaredType: "image/png", owner: phone });
  expect(result).toEqual({ ok: false, reason: "over WhatsApp's 5 MB for images" });
  expect(await storedForPhone()).toBe(before);
});

it("refuses at once a file whose Content-Length is already over its kind's limit", async () => {
  const { stream, state } = countedStream(fileOf("pdf", 64 * 1024), new Uint8Array(64 * 1024), 200 * MB);
  const honest = await inboundDeps({ fetch: async () => new Response(stream, { status: 200, headers: { "content-length": String(200 * MB) } }) });
  const result = await fetchInboundMedia(honest, { url: fakeUrl(), declaredType: "application/pdf", owner: phone });
  expect(result).toEqual({ ok: false, reason: "over WhatsApp's 100 MB for documents" });
  expect(state.pulled).toBeLessThanOrEqual(3 * 64 * 1024);
});

it("refuses an unknown type and an empty file", async () => {
  const url = await emulatorMediaUrl(fileOf("noise", 4000), "application/pdf");
  expect(await fetchInboundMedia(await inboundDeps(), { url, declaredType: "application/pdf", owner: phone })).toEqual({ ok: false, reason: "an unknown file type" });
  const empty = await inboundDeps({ fetch: async () => new Response(new Uint8Array(0), { status: 200 }) });
  expect(await fetchInboundMedia(empty, { url: fakeUrl(), declaredType: "image/png", owner: phone })).toEqual({ ok: false, reason: "an empty file" });
});

it("stores a document larger than one R2 part intact (a multipart upload)", async () => {
  const pdf = fileOf("pdf", 9 * MB + 12_345);
  const url = await emulatorMediaUrl(pdf, "application/pdf");
  const result = await fetchInboundMedia(await inboundDeps(), { url, declaredType: "application/pdf", owner: phone });
  expect(result).toMatchObject({ ok: true, kind: "document", contentType: "application/pdf", size: pdf.byteLength });
  if (!result.ok) throw new Error(result.reason);
  const stored = await env.MEDIA!.get(result.key);
  expect(stored!.size).toBe(pdf.byteLength);
  const digest = async (bytes: ArrayBuffer | Uint8Array) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  expect(await digest(await stored!.arrayBuffer())).toEqual(await digest(pdf));
  expect(stored!.customMetadata?.kind).toBe("document");
});
