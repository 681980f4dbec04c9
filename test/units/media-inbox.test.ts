// The inbound media unit over a real SQLite: attachments fetched from the Twilio emulator (Basic
// auth, then its 307 to a CDN link) into an in-memory stand-in of R2, voice notes heard by the
// offline stand-in of Workers AI's transcription, and every failure told in one line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTwilioEmulator, type RunningEmulator } from "../../emulator/server";
import { deriveMediaKeys } from "../../src/media/media-token";
import { NO_TRANSCRIBER_NOTICE, voiceEchoLine } from "../../src/media/voice-note";
import { NO_MEDIA_STORAGE } from "../../src/media/media-replies";
import { createTranscriber } from "../../src/media/transcriber";
import type { Media } from "../../src/messages/messages-repo";
import { createMediaInbox } from "../../src/media/media-inbox-unit";
import { outboxKeys } from "../../src/outbox/outbox-keys";
import { whatsappMediaFetcher } from "../../src/channels/whatsapp/media";
import { createMessages } from "../../src/messages/messages";
import { messagesNotices } from "../../src/outbox/messages-notices";
import { createSchedules } from "../../src/schedules/schedules-unit";
import { startAnthropicStandIn, TRANSCRIBE_PATH, type AnthropicStandIn } from "../stand-ins/anthropic-api";
import { sampleVoiceNote } from "../stand-ins/offline-transcript";
import { ACCOUNT_SID, AUTH_TOKEN } from "../emulator/helpers";
import { memoryBucket } from "./helpers/memory-bucket";
import { frozenClock, noLog, T0, useUnitDb } from "./helpers/unit-db";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, ...new Array<number>(2000).fill(7)]);
const t = useUnitDb();
let emulator: RunningEmulator;
let model: AnthropicStandIn;
beforeAll(async () => {
  emulator = await startTwilioEmulator({ port: 0, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, statusCallbacks: false });
  model = await startAnthropicStandIn({ port: 0 });
});
afterAll(async () => {
  await model?.close();
  await emulator?.close();
});

/** Hands the emulator bytes as a Media resource; returns the `MediaUrl0` Twilio would post. */
async function twilioMedia(bytes: Uint8Array, contentType: string): Promise<string> {
  const res = await fetch(`${emulator.url}/__emulator/media`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ contentType, base64: Buffer.from(bytes).toString("base64") }) });
  return ((await res.json()) as { url: string }).url;
}

function unit(o: { storage?: boolean; transcriber?: boolean; clock?: () => number; fetchFn?: typeof fetch } = {}) {
  const opened = { count: 0 };
  const { repos } = t;
  const bucket = memoryBucket();
  const schedules = createSchedules({ repo: repos.schedules, messages: repos.messages, settings: repos.settings, transaction: t.sql.transaction, repoTrusted: () => false });
  const inbox = createMediaInbox({
    messages: repos.messages,
    lifecycle: createMessages({ repo: repos.messages, outbox: messagesNotices(repos.outbox), schedules, log: noLog }),
    outbox: repos.outbox,
    keys: outboxKeys,
    settings: repos.settings,
    transaction: t.sql.transaction,
    store: o.storage === false ? null : async () => ((opened.count += 1), { bucket: bucket.binding, keys: await deriveMediaKeys("test-secret"), now: Date.now }),
    fetchers: { whatsapp: whatsappMediaFetcher({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiBase: emulator.url }, o.fetchFn)! },
    transcriber: o.transcriber === false ? null : createTranscriber({ url: `${model.url}${TRANSCRIBE_PATH}` }),
    owner: "+15550003001",
    clock: o.clock ?? frozenClock,
    log: noLog,
  });
  return { inbox, bucket, opened };
}
const receive = (id: string, body: string, media: { url: string; contentType: string }[]) => t.repos.messages.insert({ id, body, media, conversationId: 1, now: T0 });
const mediaOf = (id: string): Media[] => t.repos.messages.get(id)!.media;
const told = () => t.rows<{ dedupe_key: string; body: string }>("SELECT dedupe_key, body FROM outbox ORDER BY id");

describe("runDue (settling attachments)", () => {
  it("stores an image as its sniffed type and leaves the message to run; a second pass finds nothing", async () => {
    const { inbox, bucket } = unit();
    receive("MM1", "what is this?", [{ url: await twilioMedia(PNG, "image/png"), contentType: "image/png" }]);
    expect(await inbox.runDue(T0)).toBe(1);
    const [media] = mediaOf("MM1");
    expect(media!.stored).toMatchObject({ contentType: "image/png", kind: "image", ext: "png", size: PNG.byteLength });
    expect(bucket.bytes(media!.stored!.key)).toEqual(PNG);
    expect(told()).toEqual([]);
    expect(t.repos.messages.get("MM1")!.status).toBe("queued");
    expect(await inbox.runDue(T0)).toBe(0);
  });

  it("hears a voice note and tells the user what was heard, unless the echo is off", async () => {
    const { inbox } = unit();
    receive("MM1", "", [{ url: await twilioMedia(sampleVoiceNote("fix the flaky test", 12), "audio/ogg"), contentType: "audio/ogg" }]);
    await inbox.runDue(T0);
    expect(mediaOf("MM1")[0]!.transcript).toEqual({ text: "fix the flaky test", durationSec: 12 });
    t.repos.settings.set("voice_echo", "off");
    receive("MM2", "", [{ url: await twilioMedia(sampleVoiceNote("and push it", 3), "audio/ogg"), contentType: "audio/ogg" }]);
    await inbox.runDue(T0);
    expect(mediaOf("MM2")[0]!.transcript?.text).toBe("and push it");
    expect(told()).toEqual([{ dedupe_key: "voice:MM1:0", body: voiceEchoLine("fix the flaky test") }]);
  });

  it("without a transcriber says once that voice notes are not heard here, and the file still goes", async () => {
    const { inbox } = unit({ transcriber: false });
    for (const id of ["MM1", "MM2"]) receive(id, "", [{ url: await twilioMedia(sampleVoiceNote("hello", 2), "audio/ogg"), contentType: "audio/ogg" }]);
    expect(await inbox.runDue(T0)).toBe(2);
    expect(mediaOf("MM2")[0]!.stored?.kind).toBe("audio");
    expect(told()).toEqual([{ dedupe_key: "voice:MM1:0", body: NO_TRANSCRIBER_NOTICE }]);
  });

  const gone = async () => (await twilioMedia(PNG, "image/png")).replace(/ME[0-9a-f]{32}$/, `ME${"0".repeat(32)}`);
  it.each([
    { name: "Twilio answers 404", url: gone, storage: true, reason: "Twilio answered 404" },
    { name: "a link that is not Twilio's", url: async () => "https://example.com/cat.png", storage: true, reason: "not a Twilio media link" },
    { name: "no media storage here", url: async () => twilioMedia(PNG, "image/png"), storage: false, reason: "attachments cannot be stored on this relay (no media storage is configured)" },
  ])("$name: told in one line; with text the message still runs, without it the relay has answered", async ({ url, storage, reason }) => {
    const { inbox } = unit({ storage });
    receive("MM1", "and this one", [{ url: await url(), contentType: "image/png" }]);
    receive("MM2", "", [{ url: await url(), contentType: "image/png" }]);
    expect(await inbox.runDue(T0)).toBe(2);
    expect(mediaOf("MM1")[0]!.failed).toBe(reason);
    expect(told()).toEqual([
      { dedupe_key: "media-failed:MM1:0", body: `⚠️ I couldn't get your attachment (image/png): ${reason}. The rest of your message went to the agent.` },
      { dedupe_key: "media-failed:MM2:0", body: `⚠️ I couldn't get your attachment (image/png): ${reason}.` },
    ]);
    expect(t.repos.messages.get("MM1")!.status).toBe("queued");
    expect(t.repos.messages.get("MM2")!.status).not.toBe("queued");
  });

  it("a message from a channel with no fetcher here (its credentials not configured) fails as unstorable, and no store is opened for it", async () => {
    const { inbox, opened } = unit();
    t.repos.messages.insert({ id: "TG1", body: "", media: [{ url: "FILE-1", contentType: "image/jpeg" }], conversationId: 1, source: { channel: "telegram", chat: "42" }, now: T0 });
    expect(await inbox.runDue(T0)).toBe(1);
    expect(mediaOf("TG1")[0]!.failed).toBe(NO_MEDIA_STORAGE);
    expect(opened.count).toBe(0);
    expect(told()).toEqual([{ dedupe_key: "media-failed:TG1:0", body: `⚠️ I couldn't get your attachment (image/jpeg): ${NO_MEDIA_STORAGE}.` }]);
  });

  it("dates a message's attachments when their fetch ended: the step's now (an alarm's, ahead of the clock) plus the time it took", async () => {
    let real = T0;
    const { inbox } = unit({ clock: () => real, fetchFn: async (input, init) => ((real += 40_000), fetch(input, init)) });
    receive("MM1", "what is this?", [{ url: await twilioMedia(PNG, "image/png"), contentType: "image/png" }]);
    const now = T0 + 60_000;
    await inbox.runDue(now);
    expect(real).toBeGreaterThan(T0);
    expect(t.rows<{ updated_at: number }>("SELECT updated_at FROM messages WHERE id = 'MM1'")).toEqual([{ updated_at: now + (real - T0) }]);
  });

  it("names each attachment of a message with several, and the stored ones still go", async () => {
    const { inbox } = unit();
    receive("MM1", "", [
      { url: await twilioMedia(PNG, "image/png"), contentType: "image/png" },
      { url: await gone(), contentType: "image/jpeg" },
    ]);
    await inbox.runDue(T0);
    expect(told().map((m) => m.body)).toEqual(["⚠️ I couldn't get attachment 2 (image/jpeg): Twilio answered 404. The rest of your message went to the agent."]);
    expect(t.repos.messages.get("MM1")!.status).toBe("queued");
  });
});
