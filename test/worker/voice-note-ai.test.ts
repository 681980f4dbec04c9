// The voice-note path through the `AI` binding, in workerd: a real Ogg/Opus voice note (the
// committed fixture, made by test/fixtures/make-voice-note.ts) is fetched from Twilio (the
// emulator) into R2 (miniflare's), sent to Workers AI's Whisper as Cloudflare documents the
// request (checked by the binding's stand-in), and the user hears what was heard.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/agent/relay-settings";
import type { Media } from "../../src/messages/messages-repo";
import { systemClock } from "../../src/shared/clock";
import { composeUnits } from "../../src/agent/compose-units";
import { receive } from "../../src/agent/inbox";
import { createSql } from "../../src/shared/sql";
import { createTranscriber } from "../../src/media/transcriber";
import voiceNoteUrl from "../fixtures/voice-note.ogg?inline";
import { newSid, stubFor } from "./helpers";
import { emulatorMediaUrl } from "./media-helpers";
import { TEST_PUBLIC_URL } from "./test-env";
import { readOggOpus } from "../support/ogg-opus";
import { createWhisperStandIn, WHISPER_MODEL } from "./whisper-stand-in";

const TRANSCRIPT = "fix the flaky test in the api";
const voiceNote = async () => new Uint8Array(await (await fetch(voiceNoteUrl)).arrayBuffer());

describe("the fixture is a voice note as WhatsApp sends it", () => {
  it("Ogg Opus, mono, 16 kHz input, 3 s, every page's CRC right", async () => {
    const ogg = readOggOpus(await voiceNote());
    if (!ogg.ok) throw new Error(ogg.error);
    expect(ogg.value.head).toMatchObject({ channels: 1, inputSampleRate: 16_000, preSkip: 312 });
    // RFC 7845: the last granule position less the pre-skip is the length, 48,000 a second.
    expect(ogg.value.durationSec).toBe(3);
    expect(ogg.value.tags.comments).toContain(`TRANSCRIPT=${TRANSCRIPT}`);
  });
});

describe("the transcriber over the AI binding", () => {
  it("sends the bytes as base64 under `audio` to whisper-large-v3-turbo and reads text and duration", async () => {
    const ai = createWhisperStandIn();
    const bytes = await voiceNote();
    const heard = await createTranscriber({ ai, url: null })!.transcribe(bytes);
    expect(heard).toEqual({ ok: true, text: TRANSCRIPT, durationSec: 3 });
    expect(ai.calls).toHaveLength(1);
    expect(ai.calls[0]!.model).toBe(WHISPER_MODEL);
    expect(Object.keys(ai.calls[0]!.input)).toEqual(["audio"]);
    expect(ai.calls[0]!.audio).toEqual(bytes);
  });

  it("the stand-in refuses what the model would: another shape, or audio that is not Ogg Opus", async () => {
    const ai = createWhisperStandIn();
    await expect(ai.run(WHISPER_MODEL, { audio: [1, 2, 3] })).rejects.toThrow(/AiError: invalid input/);
    await expect(ai.run(WHISPER_MODEL, { audio: "T2dnUw==", lang: "en" })).rejects.toThrow(/AiError: invalid input/);
    await expect(ai.run("@cf/openai/whisper", { audio: "T2dnUw==" })).rejects.toThrow(/no such model/);
    const broken = await voiceNote();
    broken[200] = broken[200]! ^ 0xff;
    await expect(ai.run(WHISPER_MODEL, { audio: btoa(String.fromCharCode(...broken)) })).rejects.toThrow(/bad CRC/);
    // The relay's transcriber turns a refusal into a reason, never a throw.
    expect(await createTranscriber({ ai, url: null })!.transcribe(broken)).toEqual({ ok: false, reason: "the transcriber failed" });
  });
});

// A number outside the allow-list: the object is driven directly (the Worker's checks are not under test).
const phone = "+15550002202";

it("a voice note through the object: fetched from Twilio into R2, heard by Workers AI, echoed to the user", async () => {
  const bytes = await voiceNote();
  // Twilio reports a WhatsApp voice note's type like this.
  const media: Media[] = [{ url: await emulatorMediaUrl(bytes, "audio/ogg"), contentType: "audio/ogg" }];
  const ai = createWhisperStandIn();
  const messageId = newSid();
  const { echo, stored } = await runInDurableObject(stubFor(phone), async (_instance, state) => {
    const loaded = loadConfig(env);
    if (!loaded.ok) throw new Error(loaded.problems.join("; "));
    // The object's units over its own storage, with the stand-in as the AI binding (TRANSCRIBER_URL
    // is also set in these tests: the binding wins, as in production).
    const units = composeUnits({ sql: createSql(state.storage), phone, config: loaded.config, log: () => {}, bindings: { media: env.MEDIA, ai: ai as unknown as Ai }, clock: systemClock });
    const now = Date.now();
    expect(receive(units.inbox, { messageId, body: "", media, buttonPayload: null, receivedAt: now, publicOrigin: TEST_PUBLIC_URL }, now)).not.toBeNull();
    expect(units.mediaInbox.nextDueAt(now)).toBe(now);
    await units.mediaInbox.runDue(now);
    const sql = state.storage.sql;
    return {
      echo: sql.exec<{ body: string }>("SELECT body FROM outbox ORDER BY id").toArray(),
      stored: JSON.parse(sql.exec<{ media_json: string }>("SELECT media_json FROM messages WHERE id = ?", messageId).one().media_json) as Media[],
    };
  });
  expect(ai.calls).toHaveLength(1);
  expect(ai.calls[0]!.audio).toEqual(bytes);
  expect(stored).toEqual([
    expect.objectContaining({
      stored: expect.objectContaining({ kind: "audio", ext: "ogg", contentType: expect.stringMatching(/^audio\/ogg/), size: bytes.length }),
      transcript: { text: TRANSCRIPT, durationSec: 3 },
    }),
  ]);
  // What R2 holds is the voice note itself, byte for byte.
  const object = await env.MEDIA!.get(stored[0]!.stored!.key);
  expect(new Uint8Array(await object!.arrayBuffer())).toEqual(bytes);
  expect(echo).toEqual([{ body: `🎙️ Heard: “${TRANSCRIPT}” (/voice echo off stops these)` }]);
});
