// GET/HEAD /media/<token> through the Worker: the file with its type, ranges, downloads for
// documents; and one identical 404 for every token or object that is not good.
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeAll, expect, it, vi } from "vitest";
import { deriveMediaKeys, signMediaToken } from "../../src/media/media-token";
import { signedMediaUrl, storeOutbound, type StoredMedia } from "../../src/media/media-store";
import { fileOf, testMediaKeys } from "./media-helpers";
import { TEST_PUBLIC_URL } from "./test-env";

const phone = "+15550000156";
const png = fileOf("png", 3000);
const pdf = fileOf("pdf", 5000);
let image: StoredMedia;
let report: StoredMedia;

const get = (url: string, headers: Record<string, string> = {}, method = "GET") => exports.default.fetch(new Request(url, { method, headers }));
const linkTo = async (media: StoredMedia) => (await signedMediaUrl(await testMediaKeys(), { publicOrigin: TEST_PUBLIC_URL, key: media.key, createdAt: media.createdAt, retentionDays: 7, now: Date.now() }))!;
const tokenOf = (url: string) => url.split("/media/")[1]!;

beforeAll(async () => {
  const store = { bucket: env.MEDIA!, keys: await testMediaKeys(), now: () => Date.now() };
  const first = await storeOutbound(store, { owner: phone, body: png, filename: "chart.png" });
  const second = await storeOutbound(store, { owner: phone, body: pdf, filename: "Q3 report.pdf" });
  if (!first.ok || !second.ok) throw new Error("could not store the fixtures");
  [image, report] = [first, second];
});

afterEach(() => vi.restoreAllMocks());

it("serves the file with its type, length and caching, inline for an image", async () => {
  const url = await linkTo(image);
  expect(url).toMatch(/^https:\/\/relay\.example\.test\/media\/m1\.\d+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  const res = await get(url);
  expect(res.status).toBe(200);
  expect(new Uint8Array(await res.arrayBuffer())).toEqual(png);
  expect(Object.fromEntries(res.headers)).toMatchObject({
    "content-type": "image/png",
    "content-length": "3000",
    "accept-ranges": "bytes",
    "cache-control": "private",
    "content-disposition": 'inline; filename="chart.png"',
    "x-content-type-options": "nosniff",
  });
  expect(res.headers.get("etag")).toMatch(/^".+"$/);
});

it("sends documents as attachments, with a safe name", async () => {
  const res = await get(await linkTo(report));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/pdf");
  expect(res.headers.get("content-disposition")).toBe('attachment; filename="Q3-report.pdf"');
  expect(new Uint8Array(await res.arrayBuffer())).toEqual(pdf);
});

it("serves a single byte range, and says 416 for one past the end", async () => {
  const url = await linkTo(image);
  const part = await get(url, { range: "bytes=100-199" });
  expect(part.status).toBe(206);
  expect(part.headers.get("content-range")).toBe("bytes 100-199/3000");
  expect(part.headers.get("content-length")).toBe("100");
  expect(new Uint8Array(await part.arrayBuffer())).toEqual(png.subarray(100, 200));

  const tail = await get(url, { range: "bytes=-10" });
  expect(tail.status).toBe(206);
  expect(tail.headers.get("content-range")).toBe("bytes 2990-2999/3000");
  expect(new Uint8Array(await tail.arrayBuffer())).toEqual(png.subarray(2990));

  const past = await get(url, { range: "bytes=3000-" });
  expect(past.status).toBe(416);
  expect(past.headers.get("content-range")).toBe("bytes */3000");
  await past.body?.cancel();

  const several = await get(url, { range: "bytes=0-1,5-6" });
  expect(several.status).toBe(200);
  expect((await several.arrayBuffer()).byteLength).toBe(3000);

  const stale = await get(url, { range: "bytes=0-9", "if-range": '"some-older-version"' });
  expect(stale.status).toBe(200);
  expect((await stale.arrayBuffer()).byteLength).toBe(3000);
});

it("answers HEAD with the headers and no body", async () => {
  const url = await linkTo(report);
  const head = await get(url, {}, "HEAD");
  expect(head.status).toBe(200);
  expect(head.headers.get("content-type")).toBe("application/pdf");
  expect(head.headers.get("content-length")).toBe("5000");
  expect(head.headers.get("accept-ranges")).toBe("bytes");
  expect(await head.text()).toBe("");
  const ranged = await get(url, { range: "bytes=0-99" }, "HEAD");
  expect(ranged.status).toBe(206);
  expect(ranged.headers.get("content-range")).toBe("bytes 0-99/5000");
});

it("refuses every bad token and every missing or expired object with the same 404", async () => {
  const keys = await testMediaKeys();
  const good = tokenOf(await linkTo(image));
  const [version, seconds, encodedKey, mac] = good.split(".") as [string, string, string, string];
  const otherToken = tokenOf(await linkTo(report));
  const gone = "out/AAAAAAAAAAAAAAAA/AAAAAAAAAAAAAAAAAAAAAA";
  const old = "out/AAAAAAAAAAAAAAAA/oldoldoldoldoldoldoldo";
  await env.MEDIA!.put(old, png, { httpMetadata: { contentType: "image/png" }, customMetadata: { kind: "image", ext: "png", createdAt: String(Date.now() - 8 * 86_400_000) } });

  const bad: Record<string, string> = {
    expired: await signMediaToken(keys.token, image.key, Date.now() - 1000),
    forged: `${version}.${seconds}.${encodedKey}.${(mac[0] === "A" ? "B" : "A") + mac.slice(1)}`,
    "reused for another key": `${version}.${seconds}.${otherToken.split(".")[2]}.${mac}`,
    "pushed back": `${version}.${Number(seconds) + 86_400}.${encodedKey}.${mac}`,
    "another secret": await signMediaToken((await deriveMediaKeys("some-other-secret-0123456789")).token, image.key, Date.now() + 60_000),
    truncated: good.slice(0, -3),
    garbage: "hello",
    "missing object": await signMediaToken(keys.token, gone, Date.now() + 60_000),
    "past retention": await signMediaToken(keys.token, old, Date.now() + 60_000),
  };
  const reference = await get(`${TEST_PUBLIC_URL}/no-such-route`);
  const expected = { status: 404, type: reference.headers.get("content-type"), body: await reference.text() };
  expect(expected.status).toBe(404);
  for (const [name, token] of Object.entries(bad)) {
    for (const method of ["GET", "HEAD"]) {
      const res = await get(`${TEST_PUBLIC_URL}/media/${token}`, { range: "bytes=0-1" }, method);
      const seen = { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
      expect(seen, `${name} (${method})`).toEqual(method === "GET" ? expected : { ...expected, body: "" });
      expect(res.headers.get("content-range"), name).toBeNull();
    }
  }
});

it("logs sizes and types, never the token or the key", async () => {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
  const url = await linkTo(image);
  await (await get(url)).arrayBuffer();
  await (await get(`${url}x`)).text();
  const logged = lines.join("\n");
  expect(logged).toContain('"event":"media_served"');
  expect(logged).toContain('"contentType":"image/png"');
  expect(logged).toContain('"size":3000');
  expect(logged).toContain('"event":"media_refused"');
  for (const secret of [tokenOf(url), image.key, image.key.split("/")[2]!, tokenOf(url).split(".")[3]!]) expect(logged).not.toContain(secret);
});
