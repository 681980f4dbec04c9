// A user's attachment reaches the relay as Twilio's media webhook; its MediaUrl needs the account's credentials and redirects to the bytes.
import { afterEach, beforeEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { createResources, type Resources } from "../helpers/resources";
import { ACCOUNT_SID, basicAuth, postJson, startEmulator, startReceiver } from "./helpers";

const ALICE = "+15551230001";
/** A 1×1 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const VOICE = Buffer.from("OggS fake opus voice note");

let resources: Resources;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let emulator: RunningEmulator;
let now: number;
beforeEach(async () => {
  now = Date.UTC(2026, 5, 1, 9);
  resources = createResources();
  receiver = resources.track(await startReceiver(), (r) => r.close());
  emulator = resources.track(
    await startEmulator({ inboundWebhookUrl: `${receiver.url}/twilio/inbound`, mediaLinkTtlMs: 60_000, now: () => now }),
    (e) => e.close(),
  );
});
afterEach(() => resources.releaseAll());

async function sendPhoto(): Promise<Record<string, string>> {
  const response = await postJson(`${emulator.url}/__emulator/inbound`, {
    from: ALICE,
    body: "the failing test",
    media: [{ contentType: "image/png", base64: PNG.toString("base64"), filename: "screen.png" }],
  });
  expect(response.status).toBe(200);
  const answer = (await response.json()) as { sid: string; status: number; media: { sid: string; url: string }[] };
  expect(answer).toMatchObject({ sid: expect.stringMatching(/^MM[0-9a-f]{32}$/), status: 200 });
  const [post] = await receiver.waitFor(1);
  expect(post?.signatureValid).toBe(true);
  expect(post?.form.MediaUrl0).toBe(answer.media[0]?.url);
  return post!.form;
}

it("posts NumMedia, MediaUrl0 and MediaContentType0 with an MM message SID, the caption as Body", async () => {
  const form = await sendPhoto();
  expect(form).toMatchObject({ NumMedia: "1", MediaContentType0: "image/png", MessageType: "image", Body: "the failing test" });
  expect(form.MediaUrl0).toMatch(new RegExp(`^${emulator.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${form.MessageSid}/Media/ME[0-9a-f]{32}$`));
});

it("answers 401 with Twilio's error without the account's credentials", async () => {
  const { MediaUrl0 } = await sendPhoto();
  for (const authorization of [undefined, basicAuth(ACCOUNT_SID, "wrong")]) {
    const response = await fetch(MediaUrl0!, { redirect: "manual", headers: authorization ? { authorization } : {} });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect(await response.json()).toEqual({ code: 20003, message: "Authenticate", more_info: "https://www.twilio.com/docs/errors/20003", status: 401 });
  }
});

it("redirects (307) with credentials to a short-lived link that serves the bytes, type and length without them", async () => {
  const { MediaUrl0 } = await sendPhoto();
  const redirect = await fetch(MediaUrl0!, { redirect: "manual", headers: { authorization: basicAuth() } });
  expect(redirect.status).toBe(307);
  const location = redirect.headers.get("location")!;
  expect(location).toMatch(new RegExp(`^${emulator.url}/__media-cdn/[0-9a-f]{48}$`));

  const file = await fetch(location);
  expect(file.status).toBe(200);
  expect(file.headers.get("content-type")).toBe("image/png");
  expect(file.headers.get("content-length")).toBe(String(PNG.byteLength));
  expect(file.headers.get("content-disposition")).toBe('inline; filename="screen.png"');
  expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);

  // What a client that follows redirects (the relay's fetch) ends with.
  const followed = await fetch(MediaUrl0!, { headers: { authorization: basicAuth() } });
  expect(Buffer.from(await followed.arrayBuffer()).equals(PNG)).toBe(true);

  now += 60_000;
  expect((await fetch(location)).status).toBe(403);
});

it("answers the Media resource as JSON with .json", async () => {
  const { MediaUrl0, MessageSid } = await sendPhoto();
  const response = await fetch(`${MediaUrl0}.json`, { headers: { authorization: basicAuth() } });
  expect(await response.json()).toMatchObject({ account_sid: ACCOUNT_SID, content_type: "image/png", parent_sid: MessageSid, sid: expect.stringMatching(/^ME/) });
});

it.each([
  ["an unknown media SID", (url: string) => url.replace(/ME[0-9a-f]{32}$/, `ME${"0".repeat(32)}`)],
  ["a media SID under another message", (url: string) => url.replace(/MM[0-9a-f]{32}/, `MM${"0".repeat(32)}`)],
])("answers 404 with Twilio's error for %s", async (_name, change) => {
  const { MediaUrl0 } = await sendPhoto();
  const response = await fetch(change(MediaUrl0!), { redirect: "manual", headers: { authorization: basicAuth() } });
  expect(response.status).toBe(404);
  expect(await response.json()).toMatchObject({ code: 20404, status: 404, more_info: "https://www.twilio.com/docs/errors/20404" });
});

it("sends a voice note without caption as MessageType audio with an empty Body", async () => {
  await postJson(`${emulator.url}/__emulator/inbound`, { from: ALICE, media: [{ contentType: "audio/ogg", base64: VOICE.toString("base64") }] });
  const [post] = await receiver.waitFor(1);
  expect(post?.form).toMatchObject({ NumMedia: "1", MediaContentType0: "audio/ogg", MessageType: "audio", Body: "" });
});

it("hands out a Twilio-shaped media URL for bytes a test supplies", async () => {
  const response = await postJson(`${emulator.url}/__emulator/media`, { contentType: "audio/ogg", base64: VOICE.toString("base64") });
  expect(response.status).toBe(201);
  const media = (await response.json()) as { url: string; sid: string; messageSid: string; size: number };
  expect(media.url).toBe(`${emulator.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${media.messageSid}/Media/${media.sid}`);
  expect(media.size).toBe(VOICE.byteLength);
  const file = await fetch(media.url, { headers: { authorization: basicAuth() } });
  expect(file.headers.get("content-type")).toBe("audio/ogg");
  expect(Buffer.from(await file.arrayBuffer()).equals(VOICE)).toBe(true);
  expect((await fetch(media.url, { redirect: "manual" })).status).toBe(401);
});

it.each([
  ["neither body nor media", { from: ALICE }],
  ["media that is not base64", { from: ALICE, media: [{ contentType: "image/png", base64: "not base64!" }] }],
  ["media without a type", { from: ALICE, media: [{ base64: PNG.toString("base64") }] }],
])("refuses an inbound message with %s", async (_name, body) => {
  const response = await postJson(`${emulator.url}/__emulator/inbound`, body);
  expect(response.status).toBe(400);
  expect(receiver.posts).toEqual([]);
});
