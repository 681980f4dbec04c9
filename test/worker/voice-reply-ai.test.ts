// A reply spoken through the `AI` binding, in workerd: the speaker asks aura-1 as Cloudflare
// documents it (`{ text, encoding: "opus", container: "ogg" }`, `returnRawResponse`), checked by
// the binding's stand-in, which answers a real Ogg Opus note (the committed fixture, encoded by
// libopus: test/fixtures/make-voice-note.mjs). Through the object's own units the note is stored
// in R2 (miniflare's) once, and its characters are counted in the day's spend.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/agent/relay-settings";
import { systemClock } from "../../src/shared/clock";
import { composeUnits } from "../../src/agent/compose-units";
import { createSql } from "../../src/shared/sql";
import { createSpeaker, speechCostUsd } from "../../src/media/speaker";
import voiceNoteUrl from "../fixtures/voice-note.ogg?inline";
import { stubFor } from "./helpers";
import { readOggOpus } from "../support/ogg-opus";

const AURA = "@cf/deepgram/aura-1";
const voiceNote = async () => new Uint8Array(await (await fetch(voiceNoteUrl)).arrayBuffer());

/** aura-1 behind the binding: its documented input only, the raw Response asked for, Ogg Opus back. */
function auraStandIn(o: { status?: number } = {}) {
  const calls: { model: string; input: Record<string, unknown> }[] = [];
  return {
    calls,
    async run(model: string, input: Record<string, unknown>, options?: { returnRawResponse?: boolean }) {
      calls.push({ model, input });
      if (model !== AURA) throw new Error(`AiError: no such model ${model}`);
      const allowed = ["text", "speaker", "encoding", "container", "sample_rate", "bit_rate"];
      if (typeof input.text !== "string" || input.text === "" || Object.keys(input).some((k) => !allowed.includes(k))) throw new Error("AiError: invalid input");
      // Without returnRawResponse the binding answers a ReadableStream, which the speaker does not read.
      if (options?.returnRawResponse !== true) return new ReadableStream();
      if (input.encoding !== "opus" || input.container !== "ogg") throw new Error("AiError: this test only answers Ogg Opus");
      if (o.status) return new Response("overloaded", { status: o.status });
      return new Response(await voiceNote(), { headers: { "content-type": "audio/ogg" } });
    },
  };
}

describe("the speaker over the AI binding", () => {
  it("asks aura-1 for Ogg Opus with the raw response, and hands back its bytes", async () => {
    const ai = auraStandIn();
    const spoken = await createSpeaker({ ai, model: AURA, url: null })!.speak("Two tests failed.");
    expect(ai.calls).toEqual([{ model: AURA, input: { text: "Two tests failed.", encoding: "opus", container: "ogg" } }]);
    if (!spoken.ok) throw new Error(spoken.reason);
    expect(spoken.audio).toEqual(await voiceNote());
  });

  it("turns a refusal, an error status or a body that is not Ogg into a reason, never a throw", async () => {
    expect(await createSpeaker({ ai: auraStandIn(), model: "@cf/deepgram/aura-9", url: null })!.speak("hi")).toEqual({ ok: false, reason: "the speech model failed" });
    expect(await createSpeaker({ ai: auraStandIn({ status: 500 }), model: AURA, url: null })!.speak("hi")).toEqual({ ok: false, reason: "the speech model answered 500" });
    const notOgg = { run: async () => new Response("RIFF....WAVEfmt ") };
    expect(await createSpeaker({ ai: notOgg, model: AURA, url: null })!.speak("hi")).toEqual({ ok: false, reason: "the speech model answered something unreadable" });
    expect(createSpeaker({ model: AURA, url: null })).toBeNull();
  });
});

const phone = "+15550002203";

it("through the object: the reply's note is spoken once, stored in R2 as Ogg Opus, and its characters counted", async () => {
  const ai = auraStandIn();
  const words = "I fixed the flaky test. Two tests failed on a timeout. Should I raise it?";
  const { stored, spend, byModel } = await runInDurableObject(stubFor(phone), async (_instance, state) => {
    const loaded = loadConfig(env);
    if (!loaded.ok) throw new Error(loaded.problems.join("; "));
    const units = composeUnits({ sql: createSql(state.storage), phone, config: loaded.config, log: () => {}, bindings: { media: env.MEDIA, ai: ai as unknown as Ai }, clock: systemClock });
    const now = Date.now();
    const conversationId = 1;
    units.outbox.add({ dedupeKey: "voice-reply:run-9-1:3", body: "", media: { source: { vmRunId: "", fileId: "", name: "reply.ogg", contentType: "audio/ogg", size: 0 }, speak: { text: words, conversationId } }, now });
    await units.outbox.copyFiles(now);
    await units.outbox.copyFiles(now);
    const sql = state.storage.sql;
    return {
      stored: JSON.parse(sql.exec<{ media: string }>("SELECT media FROM outbox WHERE dedupe_key = 'voice-reply:run-9-1:3'").one().media) as { stored?: { key: string; contentType: string }; source: { size: number } },
      spend: sql.exec<{ cost: number }>("SELECT sum(cost_usd) AS cost FROM spend_days").one().cost,
      byModel: sql.exec<{ model: string; cost: number }>("SELECT model, sum(cost_usd) AS cost FROM spend_models GROUP BY model").toArray(),
    };
  });
  expect(ai.calls).toHaveLength(1);
  expect(stored.stored?.contentType).toMatch(/^audio\/ogg/);
  const object = await env.MEDIA!.get(stored.stored!.key);
  const bytes = new Uint8Array(await object!.arrayBuffer());
  expect(stored.source.size).toBe(bytes.byteLength);
  const ogg = readOggOpus(bytes);
  if (!ogg.ok) throw new Error(ogg.error);
  expect(ogg.value.head.channels).toBe(1);
  expect(ogg.value.durationSec).toBeLessThanOrEqual(60);
  expect(spend).toBeCloseTo(speechCostUsd(words), 12);
  expect(byModel).toEqual([{ model: AURA, cost: expect.closeTo(speechCostUsd(words), 12) }]);
});
