// Files the agent sends: stored only when WhatsApp takes them, with a reason the agent can act on
// when not; links that never outlive the object's retention.
import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { mediaOwnerTag, verifyMediaToken } from "../../src/media/media-token";
import { signedMediaUrl, storeOutbound } from "../../src/media/media-store";
import { fileOf, testMediaKeys } from "./media-helpers";
import { TEST_PUBLIC_URL } from "./test-env";

const phone = "+15550000157";
const MB = 1024 * 1024;
const DAY = 86_400_000;
const store = async () => ({ bucket: env.MEDIA!, keys: await testMediaKeys(), now: () => Date.now() });
const ascii = (text: string) => new TextEncoder().encode(text);

it("stores an image WhatsApp shows inline, under the phone's keyed prefix, and its link serves it", async () => {
  const png = fileOf("png", 20_000);
  const result = await storeOutbound(await store(), { owner: phone, body: png, filename: "screenshot.png", declaredType: "image/png" });
  expect(result).toMatchObject({ ok: true, contentType: "image/png", kind: "image", ext: "png", size: 20_000, inline: true });
  if (!result.ok) throw new Error(result.reason);
  const tag = await mediaOwnerTag(await testMediaKeys(), phone);
  expect(result.key).toMatch(new RegExp(`^out/${tag}/[A-Za-z0-9_-]{22}$`));
  expect((await env.MEDIA!.head(result.key))!.customMetadata).toMatchObject({ direction: "out", filename: "screenshot.png", kind: "image" });

  const url = await signedMediaUrl(await testMediaKeys(), { publicOrigin: `${TEST_PUBLIC_URL}/`, key: result.key, createdAt: result.createdAt, retentionDays: 7, now: Date.now() });
  const res = await exports.default.fetch(new Request(url!));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-disposition")).toBe('inline; filename="screenshot.png"');
  expect(new Uint8Array(await res.arrayBuffer())).toEqual(png);
});

it("reads a stream as well, and sends an Office document as a document", async () => {
  const docx = ascii("PK\x03\x04" + "\x01".repeat(26) + "[Content_Types].xml" + "PK\x03\x04" + "\x01".repeat(26) + "word/document.xml");
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(docx.subarray(0, 10));
      controller.enqueue(docx.subarray(10));
      controller.close();
    },
  });
  const result = await storeOutbound(await store(), { owner: phone, body, filename: "notes.docx" });
  expect(result).toMatchObject({ ok: true, ext: "docx", kind: "document", inline: false, size: docx.byteLength });
});

it.each([
  ["a WEBP", ascii("RIFF\x10\x00\x00\x00WEBPVP8 "), /WEBP only as stickers; convert it to PNG or JPEG/],
  ["a text file", ascii("hello\n"), /send the text as a message/],
  ["a ZIP", ascii("PK\x03\x04" + "\x01".repeat(26) + "src/a.ts"), /send the files themselves/],
  ["an unknown type", fileOf("noise", 100), /an unknown file type/],
  ["an image over 5 MB", fileOf("png", 5_000_001), /over WhatsApp's 5 MB for images; make it smaller/],
  ["a PDF over 16 MB", fileOf("pdf", 16 * MB), /over WhatsApp's 16 MB for a file; compress it or split it/],
])("refuses %s with a reason the agent can act on, and stores nothing", async (_name, bytes, reason) => {
  const tag = await mediaOwnerTag(await testMediaKeys(), phone);
  const before = (await env.MEDIA!.list({ prefix: `out/${tag}/` })).objects.length;
  const result = await storeOutbound(await store(), { owner: phone, body: bytes });
  expect(result.ok).toBe(false);
  expect(!result.ok && result.reason).toMatch(reason);
  expect((await env.MEDIA!.list({ prefix: `out/${tag}/` })).objects.length).toBe(before);
});

it("never makes a link that outlives the object's retention", async () => {
  const keys = await testMediaKeys();
  const now = Date.now();
  const link = (createdAt: number) => signedMediaUrl(keys, { publicOrigin: TEST_PUBLIC_URL, key: "out/x/y", createdAt, retentionDays: 7, now });
  const young = (await link(now))!.split("/media/")[1]!;
  expect(await verifyMediaToken(keys.token, young, now + 59 * 60_000)).toBe("out/x/y");
  expect(await verifyMediaToken(keys.token, young, now + 61 * 60_000)).toBeNull();
  const nearlyOld = (await link(now - 7 * DAY + 30_000))!.split("/media/")[1]!;
  expect(await verifyMediaToken(keys.token, nearlyOld, now + 29_000)).toBe("out/x/y");
  expect(await verifyMediaToken(keys.token, nearlyOld, now + 31_000)).toBeNull();
  expect(await link(now - 7 * DAY)).toBeNull();
  expect(await link(now - 8 * DAY)).toBeNull();
});
