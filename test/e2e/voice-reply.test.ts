// A voice note in, a voice note back, end to end on each door: the local stack (wrangler dev, the VM
// with the real Claude Code CLI on the offline model, whose server also stands in for Whisper and
// for aura-1) driven only as a user would, a WhatsApp voice note through the Twilio emulator's
// media webhook and a Telegram `voice` update through the Bot API stand-in. The reply comes back as
// text and as a voice note, each once; the note is read from what the emulator (or the stand-in)
// holds, as a player would: Ogg pages with an OpusHead, of a length within VOICE_REPLY_MAX_SECONDS.
import { beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { useResources } from "../helpers/resources";
import { sampleVoiceNote } from "../stand-ins/offline-transcript";
import { readOggOpus } from "../support/ogg-opus";
import { eventually, nextMessage } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";

/** The default cap (VOICE_REPLY_MAX_SECONDS unset in the shipped .dev.vars.example). */
const CAP_SECONDS = 60;
/** The Telegram stand-in's allowed user (LOCAL_TELEGRAM_USERS). */
const ALICE_TG = 5550001;
const PHONE = PHONES[3];

let stack: E2eStack;
const resources = useResources();

beforeAll(async () => {
  stack = await startE2eStack("voice-reply", resources, { standIns: true });
});

const WaMessagesSchema = z.object({
  messages: z.array(z.object({ sid: z.string(), body: z.string().nullable(), media: z.array(z.object({ url: z.string().nullable(), contentType: z.string().nullable() })) })),
});
const waMessages = async () => WaMessagesSchema.parse(await (await fetch(`${stack.urls.twilio}/__emulator/messages?to=${encodeURIComponent(`whatsapp:${PHONE}`)}`)).json()).messages;
/** Twilio fetches a MediaUrl after accepting the send: its type is known once fetched. */
const isVoice = (m: { media: { contentType: string | null }[] }) => m.media.some((f) => f.contentType?.startsWith("audio/ogg"));

/** The bytes as a player reads them: every page checked, the OpusHead, and the length it plays. */
function playable(bytes: Uint8Array) {
  const ogg = readOggOpus(bytes);
  if (!ogg.ok) throw new Error(`the voice note is not Ogg Opus: ${ogg.error}`);
  return ogg.value;
}

it("WhatsApp: a voice note is answered with the text and a voice note, each once, the note Ogg Opus within the cap", async () => {
  const said = "run the tests please";
  const note = Buffer.from(sampleVoiceNote(said, 4)).toString("base64");
  const inbound = await fetch(`${stack.urls.twilio}/__emulator/inbound`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from: PHONE, media: [{ contentType: "audio/ogg; codecs=opus", base64: note, filename: "note.ogg" }] }),
  });
  expect(await inbound.json()).toMatchObject({ status: 200 });
  const isAnswer = (b: string) => b.includes("[offline model]") && b.includes(`(voice note, 0:04) ${said}`);
  const answer = await nextMessage("the text answer", waMessages, 0, isAnswer);
  const voice = await eventually("the voice note", async () => (await waMessages()).find(isVoice), 120_000);

  // The note as Twilio holds it (the emulator fetched the relay's MediaUrl): Ogg Opus, within the cap.
  const media = voice.media.find((f) => f.contentType?.startsWith("audio/ogg"))!;
  const served = await fetch(new URL(media.url!, stack.urls.twilio));
  expect(served.status).toBe(200);
  const ogg = playable(new Uint8Array(await served.arrayBuffer()));
  expect(ogg.head.channels).toBeGreaterThan(0);
  expect(ogg.ended).toBe(true);
  expect(ogg.durationSec).toBeGreaterThan(1);
  expect(ogg.durationSec).toBeLessThanOrEqual(CAP_SECONDS);

  // A text message after it settles the order: its answer is text alone (auto: the user typed).
  await expect(postText(PHONE, "[[count]] and now in writing")).resolves.toBe(200);
  await nextMessage("the typed message's answer", waMessages, answer.seen, (b) => b.includes("[offline model] count"));
  const all = await waMessages();
  expect(all.filter((m) => isAnswer(m.body ?? ""))).toHaveLength(1);
  expect(all.filter(isVoice).map((m) => m.sid)).toEqual([voice.sid]);
  // The text first, then its voice note; no "could not speak" notice.
  expect(all.findIndex((m) => m.sid === voice.sid)).toBeGreaterThan(answer.seen - 1);
  expect(all.filter((m) => /could not speak/i.test(m.body ?? ""))).toEqual([]);
});

/** A typed WhatsApp message through the emulator's simulated inbound: the relay's webhook status. */
async function postText(phone: string, body: string): Promise<number> {
  const res = await fetch(`${stack.urls.twilio}/__emulator/inbound`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: phone, body }) });
  return z.object({ status: z.number() }).parse(await res.json()).status;
}

const TgChatSchema = z.object({
  messages: z.array(
    z.object({
      direction: z.enum(["bot", "user"]),
      text: z.string().optional(),
      caption: z.string().optional(),
      voice: z.object({ file_id: z.string(), duration: z.number(), mime_type: z.string() }).optional(),
    }),
  ),
});
const CallsSchema = z.object({ calls: z.array(z.object({ method: z.string(), params: z.record(z.string(), z.unknown()) })) });
const tg = (path: string, body?: unknown) =>
  fetch(`${stack.urls.telegram}/__telegram${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const botMessages = async () => TgChatSchema.parse(await (await tg(`/users/${ALICE_TG}/chat`)).json()).messages.filter((m) => m.direction === "bot");
const botCalls = async (method: string) => CallsSchema.parse(await (await tg("/bot")).json()).calls.filter((c) => c.method.toLowerCase() === method);

it("Telegram: a voice update asking for a long answer gets it as text and as one sendVoice, summarised within the cap", async () => {
  // The offline model's [[long N]] answers N characters: spoken whole it would take far past the cap.
  const said = "[[long 1500]] tell me everything";
  const sent = await tg(`/users/${ALICE_TG}/messages`, { voice: { base64: Buffer.from(sampleVoiceNote(said, 3)).toString("base64"), duration: 3 } });
  expect(sent.status).toBe(200);
  const isAnswer = (m: { text?: string }) => (m.text ?? "").includes("[offline model] A long answer follows");
  await eventually("the text answer", async () => (await botMessages()).find(isAnswer), 120_000);
  const voice = await eventually("the voice note", async () => (await botMessages()).find((m) => m.voice), 120_000);

  expect(voice.voice!.mime_type).toBe("audio/ogg");
  const file = await tg(`/files/${voice.voice!.file_id}`);
  expect(file.status).toBe(200);
  const ogg = playable(new Uint8Array(await file.arrayBuffer()));
  // Summarised to fit: close to the cap, never past it.
  expect(ogg.durationSec).toBeGreaterThan(CAP_SECONDS / 2);
  expect(ogg.durationSec).toBeLessThanOrEqual(CAP_SECONDS);

  // Settled: a typed message's answer comes after, and nothing more was spoken or written twice.
  await expect(tg(`/users/${ALICE_TG}/messages`, { text: "[[count]] in writing" }).then((r) => r.status)).resolves.toBe(200);
  await eventually("the typed message's answer", async () => (await botMessages()).find((m) => (m.text ?? "").includes("[offline model] count")), 120_000);
  const all = await botMessages();
  expect(all.filter(isAnswer)).toHaveLength(1);
  expect(all.filter((m) => m.voice)).toHaveLength(1);
  expect(await botCalls("sendvoice")).toHaveLength(1);
  expect(all.filter((m) => /could not speak/i.test(m.text ?? ""))).toEqual([]);
});
