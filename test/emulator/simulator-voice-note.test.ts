// The phone simulator in headless Chromium shows a voice note the relay sends (Ogg Opus from the
// offline speech model, by MediaUrl) as WhatsApp shows one: a player with its length, and it plays.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { launchChromium } from "../../emulator/tools/chromium";
import { speakOffline } from "../stand-ins/offline-speech";
import { useResources } from "../helpers/resources";
import { readOggOpus } from "../support/ogg-opus";
import { messagesUrl, postForm, startEmulator, startReceiver } from "./helpers";
import { playBriefly } from "./page-audio";

const ALICE = "+15551230001";
/** 45 characters: 3 s at the offline speaker's 15 a second. */
const SPOKEN = "I ran the tests in api, and all twelve pass!!";

const resources = useResources();
let browser: Browser;
beforeAll(async () => {
  browser = await resources.track(launchChromium(), (b) => b.close());
}, 60_000);

it("shows an audio/ogg reply as a voice note of its length that plays, served as Twilio stored it", { timeout: 60_000 }, async () => {
  const voice = speakOffline({ text: SPOKEN, speaker: "angus", encoding: "opus", container: "ogg" }).bytes;
  const receiver = resources.track(await startReceiver(), (r) => r.close());
  const emulator = resources.track(
    await startEmulator({ inboundWebhookUrl: `${receiver.url}/twilio/inbound`, statusDelayMs: 20, users: [{ phone: ALICE, name: "Alice" }] }),
    (e) => e.close(),
  );
  // The relay's media route, stood in for: the voice note at a URL Twilio fetches.
  const files = createServer((req, res) => void (req.url === "/reply.ogg" ? res.writeHead(200, { "content-type": "audio/ogg" }).end(voice) : res.writeHead(404).end()));
  resources.track(files, (s) => new Promise<void>((resolve) => s.close(() => resolve())));
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
  const page = resources.track(await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }), (p) => p.context().close());
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => void (message.type() === "error" && pageErrors.push(message.text())));
  await page.goto(`${emulator.url}/?phone=${encodeURIComponent(ALICE)}`);
  await page.getByTestId("connection").filter({ hasText: "live" }).waitFor();

  const form = { To: `whatsapp:${ALICE}`, From: "whatsapp:+14155238886", MediaUrl: `http://127.0.0.1:${(files.address() as AddressInfo).port}/reply.ogg` };
  expect((await postForm(messagesUrl(emulator), form)).status).toBe(201);
  const bubble = page.locator("[data-testid=message][data-direction=out]");
  await bubble.and(page.locator("[data-status=read]")).waitFor();

  const note = bubble.getByTestId("media-voice");
  const audio = note.getByTestId("media-audio");
  // Chromium's own Ogg Opus demuxer reads the length: the last granule less the pre-skip.
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.duration), { timeout: 15_000 }).toBeCloseTo(3, 1);
  expect(await note.getByTestId("voice-length").textContent()).toBe("0:03");
  // And it decodes and plays: time goes on, and no media error.
  const played = await playBriefly(audio);
  expect(played.error).toBeNull();
  expect(played.at).toBeGreaterThanOrEqual(0.25);

  // What the page plays is the emulator's copy, stored as Twilio stores it: the same bytes, audio/ogg.
  const src = await audio.getAttribute("src");
  const served = await fetch(new URL(src!, emulator.url));
  expect(served.headers.get("content-type")).toBe("audio/ogg");
  const bytes = new Uint8Array(await served.arrayBuffer());
  expect(bytes).toEqual(voice);
  const ogg = readOggOpus(bytes);
  expect(ogg.ok && ogg.value.durationSec).toBe(3);
  // A player finds the length in the last page, by a byte range, as from Twilio's CDN.
  const tail = await fetch(new URL(src!, emulator.url), { headers: { range: "bytes=-100" } });
  expect(tail.status).toBe(206);
  expect(tail.headers.get("content-range")).toBe(`bytes ${voice.byteLength - 100}-${voice.byteLength - 1}/${voice.byteLength}`);
  expect(new Uint8Array(await tail.arrayBuffer())).toEqual(voice.subarray(voice.byteLength - 100));
  expect(pageErrors).toEqual([]);
});
