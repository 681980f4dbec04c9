// Files from Telegram: fetched by the user's object with getFile and the download from the Bot API
// stand-in, stored and handed to the agent as a signed link; a voice note heard by the same
// transcriber as WhatsApp's; a file past the 20 MB a bot may download refused in one clear line.
import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { sampleVoiceNote } from "../stand-ins/offline-transcript";
import { eventually, vmRequests } from "../worker/helpers";
import { fileOf, toBase64 } from "../worker/media-helpers";
import { TEST_PUBLIC_URL } from "../worker/test-env";
import { postUpdate, queuedFor, storedOf, userWrites } from "./helpers";

const startOf = async (userId: string) => eventually(async () => (await vmRequests(`tg-${userId}`)).find((r) => r.kind === "start"));
/** Telegram's photos are JPEG: a JPEG's signature, then filler. */
const jpeg = (size: number) => {
  const bytes = fileOf("noise", size);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
};

it("a photo with a caption: the largest size fetched with getFile, stored, and linked for the agent", async () => {
  const user = "700120";
  const photo = jpeg(4096);
  const update = await userWrites(user, { caption: "what is wrong here?", photo: { base64: toBase64(photo) } });
  expect((await postUpdate(update)).status).toBe(200);
  const [message] = (await startOf(user)).messages!;
  expect(message!.text).toBe("what is wrong here?");
  expect(message!.attachments).toEqual([{ url: expect.stringMatching(new RegExp(`^${TEST_PUBLIC_URL}/media/`)), contentType: "image/jpeg", size: 4096, kind: "image", ext: "jpg" }]);
  const served = await exports.default.fetch(new Request(message!.attachments![0]!.url));
  expect(new Uint8Array(await served.arrayBuffer())).toEqual(photo);
  // The stored message keeps the file's id, never the bot's token or a download URL.
  const [stored] = await storedOf(user);
  expect(stored!.media_json).not.toContain("/file/bot");
});

it("a voice note is heard by the same transcriber as WhatsApp's: the agent gets the transcript", async () => {
  const user = "700121";
  const update = await userWrites(user, { voice: { base64: toBase64(sampleVoiceNote("add a test for the parser", 4)), duration: 4 } });
  expect((await postUpdate(update)).status).toBe(200);
  const [message] = (await startOf(user)).messages!;
  expect(message!.attachments).toEqual([expect.objectContaining({ kind: "audio", ext: "ogg", transcript: "(voice note, 0:04) add a test for the parser" })]);
  expect((await queuedFor(user)).map((r) => r.body)).toContain("🎙️ Heard: “add a test for the parser” (/voice echo off stops these)");
});

it("a document past 20 MB is refused in one clear line; its caption still goes to the agent", async () => {
  const user = "700122";
  const big = fileOf("pdf", 20 * 1024 * 1024 + 1);
  const update = await userWrites(user, { caption: "read the spec", document: { base64: toBase64(big), contentType: "application/pdf", filename: "spec.pdf" } });
  expect((await postUpdate(update)).status).toBe(200);
  const [message] = (await startOf(user)).messages!;
  expect(message).toEqual({ id: `tg-${update.update_id}`, text: "read the spec" });
  const told = await eventually(async () => (await queuedFor(user)).find((r) => r.body.startsWith("⚠️")));
  expect(told.body).toBe("⚠️ I couldn't get your attachment (application/pdf): it is over the 20 MB Telegram lets a bot download; send it as a link instead. The rest of your message went to the agent.");
});
