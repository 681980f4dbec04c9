// A reply's voice note through the outbox, over a real SQLite: spoken once by the speech model
// (the offline stand-in's real Opus encoder, over SPEECH_URL as `npm start` runs it), stored as
// any file the relay sends, sent to the Twilio emulator by its MediaUrl, and never spoken again
// when its send is retried. A failed speech call leaves the text alone, and says so once.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTwilioEmulator, type RunningEmulator } from "../../emulator/server";
import { createTwilioClient } from "../../src/channels/whatsapp/twilio-client";
import { whatsappChannelClient } from "../../src/channels/whatsapp/channel-client";
import { createOutbox } from "../../src/outbox/outbox-unit";
import { createSpeaker, speechCostUsd } from "../../src/media/speaker";
import { voiceNoteMaker } from "../../src/media/voice-reply";
import { mediaStoreFor } from "../../src/media/media-store";
import { deriveMediaKeys } from "../../src/media/media-token";
import { spokenReply } from "../../src/media/spoken-reply";
import { startAnthropicStandIn, SPEECH_PATH, type AnthropicStandIn } from "../stand-ins/anthropic-api";
import { readOggOpus } from "../support/ogg-opus";
import { ACCOUNT_SID, AUTH_TOKEN, SANDBOX_FROM } from "../emulator/helpers";
import { memoryBucket } from "./helpers/memory-bucket";
import { frozenClock, noLog, T0, useUnitDb } from "./helpers/unit-db";

const PHONE = "+15550002103";
const t = useUnitDb();
let emulator: RunningEmulator;
let model: AnthropicStandIn;
let files: Server;
let bucket: ReturnType<typeof memoryBucket>;
beforeAll(async () => {
  emulator = await startTwilioEmulator({ port: 0, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, statusCallbacks: false });
  model = await startAnthropicStandIn({ port: 0 });
  // The relay's media route, as far as Twilio sees it: the stored object's bytes by its key.
  files = createServer(async (req, res) => {
    const object = await bucket.binding.get(decodeURIComponent(req.url!.slice(1)));
    if (!object) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "audio/ogg" }).end(Buffer.from(await object.arrayBuffer()));
  });
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await emulator?.close();
  await model?.close();
  await new Promise((resolve) => files?.close(resolve));
});
beforeEach(async () => {
  bucket = memoryBucket();
  await fetch(`${emulator.url}/__emulator/reset`, { method: "POST" });
  t.repos.messages.insert({ id: "SMin1", body: "", media: [], conversationId: 1, now: T0 });
});

function outboxWith(speech: { fail?: boolean } = {}) {
  const calls: string[] = [];
  /** How many messages the user had when each note was asked for: the reply's text goes first. */
  const sentBefore: number[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    calls.push(JSON.parse(String(init?.body)).text);
    sentBefore.push((await sent()).length);
    return speech.fail ? new Response("model overloaded", { status: 503 }) : fetch(input, init);
  };
  const speaker = createSpeaker({ model: "@cf/deepgram/aura-1", url: `${model.url}${SPEECH_PATH}`, fetchFn });
  const store = mediaStoreFor(bucket.binding as unknown as R2Bucket, deriveMediaKeys("test-secret"), () => T0);
  const spent: { text: string; conversationId: number }[] = [];
  const twilio = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: SANDBOX_FROM, apiBase: emulator.url, messagingApiBase: emulator.url });
  const whatsapp = whatsappChannelClient({ twilio, quickReply: null, templateSid: null, origin: () => null, clock: frozenClock, log: noLog });
  const link = async (stored: { key: string }) => `http://127.0.0.1:${(files.address() as AddressInfo).port}/${encodeURIComponent(stored.key)}`;
  const outbox = createOutbox({
    repo: t.repos.outbox,
    settings: t.repos.settings,
    messages: t.repos.messages,
    user: PHONE,
    channels: { whatsapp },
    files: { copy: async () => ({ ok: false, reason: "no VM here", retry: false }), link },
    voice: { maker: voiceNoteMaker({ speaker, store, owner: PHONE }), spoken: (text, conversationId) => void spent.push({ text, conversationId }) },
    clock: frozenClock,
    log: noLog,
  });
  return { outbox, calls, spent, sentBefore };
}

type Sent = { body: string; media: { url: string; contentType?: string }[] };
const sent = async (): Promise<Sent[]> => ((await (await fetch(`${emulator.url}/__emulator/messages?to=whatsapp:${PHONE}`)).json()) as { messages: Sent[] }).messages;
const rows = () => t.rows<{ dedupe_key: string; status: string; error_code: string | null; body: string }>("SELECT dedupe_key, status, error_code, body FROM outbox ORDER BY id");

const REPLY = "I fixed the flaky test in `api/retry.test.ts`: the timer was never cleared. See https://github.com/acme/api/pull/12.";
const voiceRow = (text: string) => ({ dedupeKey: "voice-reply:run-1-1:4", body: "", media: { source: { vmRunId: "", fileId: "", name: "reply.ogg", contentType: "audio/ogg", size: 0 }, speak: { text, conversationId: 1 } }, now: T0 });

describe("a reply's voice note", () => {
  it("is spoken once, stored, and sent after the text as Ogg Opus within the cap; a retried send speaks nothing again", async () => {
    const { outbox, calls, spent, sentBefore } = outboxWith();
    const spoken = spokenReply(REPLY, 60);
    outbox.add({ dedupeKey: "run-1-1:4:0", body: REPLY, now: T0 });
    outbox.add(voiceRow(spoken.text));
    await outbox.runDue(T0);
    const messages = await sent();
    expect(messages.map((m) => [m.body, m.media.length])).toEqual([[REPLY, 0], ["", 1]]);
    expect(calls).toEqual([spoken.text]);
    expect(sentBefore).toEqual([1]);
    expect(spent).toEqual([{ text: spoken.text, conversationId: 1 }]);

    // What Twilio fetched is a voice note a phone plays: Ogg pages, OpusHead, as long as the words take.
    const copy = await fetch(new URL(messages[1]!.media[0]!.url, emulator.url));
    const ogg = readOggOpus(new Uint8Array(await copy.arrayBuffer()));
    if (!ogg.ok) throw new Error(ogg.error);
    expect(ogg.value.head.channels).toBe(1);
    expect(ogg.value.durationSec).toBeGreaterThan(0);
    expect(ogg.value.durationSec).toBeLessThanOrEqual(60);
    expect(Math.abs(ogg.value.durationSec - spoken.seconds)).toBeLessThanOrEqual(1);

    // The same row sent again (a resend after a passing fault) carries the stored note: no second call.
    t.sql`UPDATE outbox SET status = 'pending', send_started_at = NULL, sent_ref = NULL WHERE dedupe_key = 'voice-reply:run-1-1:4'`;
    await outbox.runDue(T0 + 1000);
    expect(calls).toHaveLength(1);
    expect(spent).toHaveLength(1);
  });

  it("a failed speech call sends the text alone and says so once, not on the next failure", async () => {
    const { outbox, calls, spent } = outboxWith({ fail: true });
    outbox.add({ dedupeKey: "run-1-1:4:0", body: "first answer", now: T0 });
    outbox.add(voiceRow("first answer."));
    await outbox.runDue(T0);
    outbox.add({ dedupeKey: "run-1-2:4:0", body: "second answer", now: T0 });
    outbox.add({ ...voiceRow("second answer."), dedupeKey: "voice-reply:run-1-2:4" });
    await outbox.runDue(T0);
    expect(calls).toEqual(["first answer.", "second answer."]);
    expect(spent).toEqual([]);
    const bodies = (await sent()).map((m) => m.body);
    expect(bodies).toEqual(["first answer", expect.stringMatching(/^🎙️ I could not speak that reply \(the speech model answered 503\)/), "second answer"]);
    expect(rows().filter((r) => r.error_code === "speech_failed")).toHaveLength(2);
  });

  it("prices speech by its characters: $0.015 per 1,000", () => {
    expect(speechCostUsd("x".repeat(1000))).toBeCloseTo(0.015, 10);
    expect(speechCostUsd("x".repeat(900))).toBeCloseTo(0.0135, 10);
  });
});
