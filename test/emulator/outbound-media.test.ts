// A MediaUrl on a sent message: the emulator fetches it as Twilio does, records type and size, and fails breaches by status callback.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { createResources, type Resources } from "../helpers/resources";
import { listed, messagesUrl, postForm, startEmulator, startReceiver } from "./helpers";

const ALICE = "whatsapp:+15551230001";
const MB = 1024 * 1024;

/** The relay's media route, stood in for: each path a file of some type and size; /redirect goes to /shot.png. */
const FILES: Record<string, { type: string; size: number; name?: string }> = {
  "/shot.png": { type: "image/png", size: 2048 },
  "/big.png": { type: "image/png", size: 5 * MB + 1 },
  "/voice.ogg": { type: "audio/ogg; codecs=opus", size: 30_000 },
  "/long.mp3": { type: "audio/mpeg", size: 16 * MB + 1 },
  "/report": { type: "application/pdf", size: 70_000, name: "report.pdf" },
  "/anim.gif": { type: "image/gif", size: 500 },
  "/empty.png": { type: "image/png", size: 0 },
};

async function startFileServer() {
  const requests: { path: string; authorization: string | undefined }[] = [];
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? "", authorization: req.headers.authorization });
    if (req.url === "/redirect") return void res.writeHead(302, { location: "/shot.png" }).end();
    const file = FILES[req.url ?? ""];
    if (!file) return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    const headers: Record<string, string> = { "content-type": file.type, "content-length": String(file.size) };
    if (file.name) headers["content-disposition"] = `attachment; filename="${file.name}"`;
    res.writeHead(200, headers).end(Buffer.alloc(file.size, 7));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let resources: Resources;
let files: Awaited<ReturnType<typeof startFileServer>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let emulator: RunningEmulator;
beforeEach(async () => {
  resources = createResources();
  files = resources.track(await startFileServer(), (f) => f.close());
  receiver = resources.track(await startReceiver(), (r) => r.close());
  emulator = resources.track(await startEmulator(), (e) => e.close());
});
afterEach(() => resources.releaseAll());

/** MediaUrl may repeat, so the form is built as URLSearchParams. */
function sendRaw(fields: Record<string, string>, mediaUrls: string[]): Promise<Response> {
  const form = new URLSearchParams({ To: ALICE, From: "whatsapp:+14155238886", ...fields });
  for (const url of mediaUrls) form.append("MediaUrl", url);
  return postForm(messagesUrl(emulator), form);
}

async function sendMedia(path: string): Promise<string> {
  const response = await sendRaw({ StatusCallback: `${receiver.url}/status` }, [`${files.url}${path}`]);
  expect(response.status).toBe(201);
  return ((await response.json()) as { sid: string }).sid;
}

it.each([
  ["a PNG screenshot", "/shot.png", "image/png", 2048],
  ["an OGG/Opus voice note", "/voice.ogg", "audio/ogg; codecs=opus", 30_000],
  ["a PDF served under a path without extension", "/report", "application/pdf", 70_000],
  ["a file behind a redirect", "/redirect", "image/png", 2048],
])("fetches %s without credentials, records its type and size, and delivers it", async (_name, path, contentType, size) => {
  const sid = await sendMedia(path);
  const posts = await receiver.waitFor(3);
  expect(posts.map((p) => p.form.MessageStatus)).toEqual(["sent", "delivered", "read"]);
  expect(await listed(emulator, sid)).toMatchObject({ media: [{ url: `${files.url}${path}`, contentType, size, sid: expect.stringMatching(/^ME/) }] });
  expect(files.requests.every((r) => r.authorization === undefined)).toBe(true);
});

it.each([
  ["an image over 5 MB", "/big.png", 11751],
  ["audio over 16 MB", "/long.mp3", 11751],
  ["a GIF, not a type WhatsApp takes", "/anim.gif", 12300],
  ["a URL that answers 404", "/missing.png", 63019],
  ["an empty file", "/empty.png", 63019],
])("fails %s with one signed status callback, ErrorCode %s", async (_name, path, code) => {
  const sid = await sendMedia(path);
  const [post] = await receiver.waitFor(1);
  expect(post?.signatureValid).toBe(true);
  expect(post?.form).toMatchObject({ MessageSid: sid, MessageStatus: "failed", ErrorCode: String(code) });
  await expect.poll(async () => (await listed(emulator, sid))?.status).toBe("failed");
  await emulator.close();
  expect(receiver.posts).toHaveLength(1);
});

it("fails a MediaUrl whose server cannot be reached with 63019", async () => {
  await files.close();
  const sid = await sendMedia("/shot.png");
  const [post] = await receiver.waitFor(1);
  expect(post?.form).toMatchObject({ MessageSid: sid, MessageStatus: "failed", ErrorCode: "63019" });
});

it("sends only the first of several MediaUrl on WhatsApp, as Twilio does, and counts them in num_media", async () => {
  const response = await sendRaw({ Body: "two files" }, [`${files.url}/shot.png`, `${files.url}/report`]);
  expect(response.status).toBe(201);
  const message = (await response.json()) as { sid: string; num_media: string; body: string };
  expect(message).toMatchObject({ num_media: "1", body: "two files" });
  await expect.poll(async () => (await listed(emulator, message.sid))?.media).toEqual([expect.objectContaining({ contentType: "image/png", size: 2048 })]);
  expect(files.requests.map((r) => r.path)).toEqual(["/shot.png"]);
});

it.each([
  ["eleven MediaUrl", Array.from({ length: 11 }, (_, i) => `http://127.0.0.1:9/${i}.png`), 21623],
  ["a MediaUrl that is no http(s) URL", ["ftp://example.com/a.png"], 21620],
])("refuses %s with Twilio's %s", async (_name, urls, code) => {
  const response = await sendRaw({}, urls);
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ code, status: 400 });
});
