// The offline model's stand-in of Workers AI's speech model (SPEECH_URL): real Ogg Opus that
// decodes, as long as the text takes to say at 15 characters a second, sounding where the text
// has letters; and its HTTP face, which takes the model's input and refuses anything else in one line.
import OpusScript from "opusscript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnthropicStandIn, SPEECH_PATH, type AnthropicStandIn } from "../stand-ins/anthropic-api";
import { CHARS_PER_SECOND, speakOffline, speakingSeconds, type SpeechRequest } from "../stand-ins/offline-speech";
import { offlineTranscript } from "../stand-ins/offline-transcript";
import { readOggOpus, type OggOpus } from "../support/ogg-opus";

const request = (text: string, more: Partial<SpeechRequest> = {}): SpeechRequest => ({ text, speaker: "angus", encoding: "opus", container: "ogg", ...more });

function read(bytes: Uint8Array): OggOpus {
  const ogg = readOggOpus(bytes);
  if (!ogg.ok) throw new Error(ogg.error);
  return ogg.value;
}

/** Decodes every packet with libopus at 48 kHz and drops the pre-skip: what a player plays. */
function decode(ogg: OggOpus): Int16Array {
  const decoder = new OpusScript(48_000, 1);
  try {
    const pcm = ogg.packets.flatMap((packet) => {
      const out = decoder.decode(Buffer.from(packet));
      return [...new Int16Array(out.buffer, out.byteOffset, out.byteLength / 2)];
    });
    return Int16Array.from(pcm.slice(ogg.head.preSkip, ogg.head.preSkip + Number(ogg.lastGranule) - ogg.head.preSkip));
  } finally {
    decoder.delete();
  }
}

function rms(pcm: Int16Array, fromSec: number, toSec: number): number {
  const part = pcm.subarray(Math.round(fromSec * 48_000), Math.round(toSec * 48_000));
  return Math.sqrt(part.reduce((sum, x) => sum + x * x, 0) / part.length);
}

describe("speakOffline", () => {
  it.each([
    ["a word", "ok", 0.5],
    ["a sentence", "Ran npm test in api: 42 passed.", 31 / 15],
    ["an approval", "Run npm test in api? Say yes, no, or stop.", 42 / 15],
    ["a reply at the 60 s cap", "x".repeat(60 * CHARS_PER_SECOND), 60],
  ])("%s: an Ogg Opus file as long as the text takes to say", (_name, text, seconds) => {
    expect(speakingSeconds(text)).toBeCloseTo(seconds, 6);
    const speech = speakOffline(request(text));
    const ogg = read(speech.bytes);
    expect(ogg.head).toEqual({ version: 1, channels: 1, preSkip: 312, inputSampleRate: 16_000, outputGain: 0, mappingFamily: 0 });
    expect(ogg.ended).toBe(true);
    // The granule keeps the text's length; the packets hold at most one frame of padding past it.
    expect(ogg.durationSec).toBeCloseTo(seconds, 4);
    expect(speech.durationSec).toBe(ogg.durationSec);
    expect(ogg.packetSamples - Number(ogg.lastGranule)).toBeGreaterThanOrEqual(0);
    expect(ogg.packetSamples - Number(ogg.lastGranule)).toBeLessThan(960);
  });

  it("decodes with libopus to sound where the text has letters and quiet where it has spaces", () => {
    const text = `${"a".repeat(15)}${" ".repeat(15)}${"o".repeat(15)}`;
    const pcm = decode(read(speakOffline(request(text)).bytes));
    expect(pcm.length).toBe(3 * 48_000);
    const [first, gap, last] = [rms(pcm, 0.1, 0.9), rms(pcm, 1.2, 1.8), rms(pcm, 2.1, 2.9)];
    expect(first).toBeGreaterThan(1000);
    expect(last).toBeGreaterThan(1000);
    expect(gap).toBeLessThan(first / 20);
  });

  it("gives the same bytes for the same request, another voice for another speaker", () => {
    const one = speakOffline(request("the tests pass")).bytes;
    expect(speakOffline(request("the tests pass")).bytes).toEqual(one);
    expect(speakOffline(request("the tests pass", { speaker: "luna" })).bytes).not.toEqual(one);
  });

  it("carries its words in OpusTags, so the offline transcriber hears what it said", () => {
    const speech = speakOffline(request("edit src/app.ts,\n3 lines"));
    expect(read(speech.bytes).tags.comments).toEqual(["TRANSCRIPT=edit src/app.ts, 3 lines", "DURATION=2"]);
    expect(offlineTranscript(speech.bytes)).toEqual({ text: "edit src/app.ts, 3 lines", durationSec: 2 });
  });
});

describe(`POST ${SPEECH_PATH} on the offline model's server`, () => {
  let model: AnthropicStandIn;
  beforeAll(async () => {
    model = await startAnthropicStandIn({ port: 0 });
  });
  afterAll(async () => {
    await model?.close();
  });

  const post = (body: unknown) =>
    fetch(`${model.url}${SPEECH_PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });

  it("answers Workers AI's input with the audio/ogg bytes of the voice note", async () => {
    const res = await post({ text: "All 12 tests pass.", encoding: "opus", container: "ogg", speaker: "asteria" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/ogg");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(read(bytes).durationSec).toBeCloseTo(18 / 15, 4);
    expect(bytes).toEqual(speakOffline(request("All 12 tests pass.", { speaker: "asteria" })).bytes);
  });

  it.each([
    ["no text", { encoding: "opus", container: "ogg" }, /^text: /],
    ["empty text", { text: "  ", encoding: "opus", container: "ogg" }, /^text: text is empty$/],
    ["text over Deepgram's 2,000 characters", { text: "a".repeat(2001), encoding: "opus", container: "ogg" }, /^text: text is over 2000 characters$/],
    ["another encoding", { text: "hi", encoding: "mp3", container: "ogg" }, /^encoding: the offline speech model makes encoding "opus" only$/],
    ["no encoding (the model's default is mp3)", { text: "hi", container: "ogg" }, /^encoding: /],
    ["another container", { text: "hi", encoding: "opus", container: "wav" }, /^container: /],
    ["a speaker the model does not have", { text: "hi", encoding: "opus", container: "ogg", speaker: "bob" }, /^speaker: /],
    ["an unknown field", { text: "hi", encoding: "opus", container: "ogg", voice: "angus" }, /^body: .*voice/],
    ["a bit rate libopus does not take", { text: "hi", encoding: "opus", container: "ogg", bit_rate: 1000 }, /^bit_rate: /],
    ["a body that is not JSON", "text=hi", /^body: /],
  ])("refuses %s with a one-line 400", async (_name, body, message) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { errors: { message: string }[] };
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors[0]!.message).toMatch(message);
    expect(answer.errors[0]!.message).not.toContain("\n");
  });
});
