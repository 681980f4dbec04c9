// Media through the whole relay: an attachment fetched from Twilio (the emulator) into R2 and
// handed to the VM as a signed /media link (never Twilio's URL), a voice note transcribed and
// echoed, a failed fetch told, and a file the agent sends copied from the VM and sent once.
import { runDurableObjectAlarm } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { sampleVoiceNote } from "../stand-ins/offline-transcript";
import { STAND_IN_PNG } from "../stand-ins/vm-stand-in-types";
import type { RunEvent } from "../../src/protocol/vm/runs";
import { ask, eventually, inboundForm, postSigned, query, rewriteStorage, scriptVmRun, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";
import { emulatorMediaUrl, fileOf } from "./media-helpers";
import { TEST_PUBLIC_URL } from "./test-env";

const mediaForm = (url: string, contentType: string) => ({ NumMedia: "1", MediaUrl0: url, MediaContentType0: contentType });
const startOf = async (phone: string) => eventually(async () => (await vmRequests(phone)).find((r) => r.kind === "start"));
const fetchLink = (url: string) => exports.default.fetch(new Request(url));

it("an image reaches the agent as a signed link to its stored bytes, never as Twilio's URL", async () => {
  const phone = "+15550000194";
  const png = fileOf("png", 2048);
  const twilioUrl = await emulatorMediaUrl(png, "image/png");
  await sendInbound(phone, "what is in this screenshot?", mediaForm(twilioUrl, "image/png"));
  const start = await startOf(phone);
  const [message] = start.messages!;
  expect(message!.text).toBe("what is in this screenshot?");
  expect(message!.attachments).toEqual([{ url: expect.stringMatching(new RegExp(`^${TEST_PUBLIC_URL}/media/`)), contentType: "image/png", size: 2048, kind: "image", ext: "png" }]);
  expect(JSON.stringify(await vmRequests(phone))).not.toContain(twilioUrl);
  const served = await fetchLink(message!.attachments![0]!.url);
  expect(served.status).toBe(200);
  expect(new Uint8Array(await served.arrayBuffer())).toEqual(png);
  await eventually(async () => (await sentTo(phone)).some((m) => m.body === "echo: what is in this screenshot?"));
});

it("a voice note is transcribed: the user hears what was heard, the agent gets the transcript and the file", async () => {
  const phone = "+15550000195";
  const twilioUrl = await emulatorMediaUrl(sampleVoiceNote("fix the flaky test in the api", 12), "audio/ogg");
  await sendInbound(phone, "", mediaForm(twilioUrl, "audio/ogg"));
  const echo = await eventually(async () => (await sentTo(phone)).find((m) => m.body?.startsWith("🎙️")));
  expect(echo.body).toBe("🎙️ Heard: “fix the flaky test in the api” (/voice echo off stops these)");
  const [message] = (await startOf(phone)).messages!;
  expect(message!.attachments).toEqual([expect.objectContaining({ kind: "audio", ext: "ogg", transcript: "(voice note, 0:12) fix the flaky test in the api" })]);
  // The agent's answer first: the command's answer below is the first message after it.
  await eventually(async () => (await sentTo(phone)).some((m) => m.body?.startsWith("echo:")));
  // With the echo off, the next voice note is heard without a word back.
  expect(await ask(phone, "/voice echo off")).toMatch(/^Voice notes: no echo/);
  await sendInbound(phone, "", mediaForm(await emulatorMediaUrl(sampleVoiceNote("and push it", 3), "audio/ogg"), "audio/ogg"));
  await eventually(async () => (await vmRequests(phone)).filter((r) => r.kind === "start" || r.kind === "input").length >= 2);
  expect((await sentTo(phone)).filter((m) => m.body?.startsWith("🎙️"))).toHaveLength(1);
});

it("an attachment that cannot be fetched is told in one line; the text still goes to the agent", async () => {
  const phone = "+15550000196";
  const gone = (await emulatorMediaUrl(fileOf("png", 100), "image/png")).replace(/ME[0-9a-f]{32}$/, `ME${"0".repeat(32)}`);
  await sendInbound(phone, "and this one", mediaForm(gone, "image/png"));
  const told = await eventually(async () => (await sentTo(phone)).find((m) => m.body?.startsWith("⚠️ I couldn't get")));
  expect(told.body).toMatch(/^⚠️ I couldn't get your attachment \(image\/png\): .*404.*\. The rest of your message went to the agent\.$/);
  const [message] = (await startOf(phone)).messages!;
  expect(message).toEqual({ id: expect.any(String), text: "and this one" });
});

it("a file the agent sends is copied from the VM once and sent with a signed MediaUrl, before the reply", async () => {
  const phone = "+15550000197";
  await sendInbound(phone, "send me the chart [[vm:send-file chart.png]]");
  const reply = await eventually(async () => (await sentTo(phone)).find((m) => m.body?.startsWith("tool said:")));
  expect(reply.body).toBe("tool said: ok: chart.png is queued for the user; it goes out to their chat in order with your replies.");
  const sent = await sentTo(phone);
  const file = sent.find((m) => m.media.length > 0)!;
  expect(sent.findIndex((m) => m.sid === file.sid)).toBeLessThan(sent.findIndex((m) => m.sid === reply.sid));
  expect(file.media[0]!.url).toMatch(new RegExp(`^${TEST_PUBLIC_URL}/media/`));
  const served = await fetchLink(file.media[0]!.url);
  expect(served.headers.get("content-type")).toBe("image/png");
  expect(new Uint8Array(await served.arrayBuffer())).toEqual(STAND_IN_PNG);
  expect((await vmRequests(phone)).filter((r) => r.kind === "file")).toHaveLength(1);
  expect(await query(phone, "SELECT dedupe_key FROM outbox WHERE media IS NOT NULL")).toEqual([{ dedupe_key: expect.stringMatching(/^file:.*:call-\d+$/) }]);
});

it("a file a task sends outside the 24-hour window is copied at once, held, and sent when the user writes", async () => {
  const phone = "+15550000149";
  await ask(phone, "/schedule every 1h --in-chat the report [[vm:send-file report.png]]");
  // The user last wrote 25 hours ago.
  await rewriteStorage(phone, (storage) => storage.sql.exec("UPDATE messages SET received_at = ? WHERE kind = 'user'", Date.now() - 25 * 3600_000));
  const before = (await sentTo(phone)).length;
  await runDurableObjectAlarm(stubFor(phone));
  // Copied from the VM now (the VM keeps a staged file only a while), though it waits for the window.
  const [held] = await eventually(async () => {
    const rows = await query<{ held: number; media: string }>(phone, "SELECT held, media FROM outbox WHERE media IS NOT NULL");
    return rows[0] && JSON.parse(rows[0].media).stored && rows;
  });
  expect(held!.held).toBe(1);
  expect((await sentTo(phone)).length).toBe(before);
  // The user writes: the file goes, with its link.
  await sendInbound(phone, "hi again");
  const file = await eventually(async () => (await sentTo(phone)).find((m) => m.media.length > 0));
  expect(file.media[0]!.url).toMatch(new RegExp(`^${TEST_PUBLIC_URL}/media/`));
});

it("a file is sent once though its tool_call comes again on a reconnect", async () => {
  const phone = "+15550000129";
  const form = inboundForm(phone, "the chart please");
  const sid = form.MessageSid!;
  const sessionId = "replay-session";
  const sendFile = { seq: 2, type: "tool_call", callId: "call-2", name: "send_file", args: { fileId: "file-chart", name: "chart.png", contentType: "image/png", size: STAND_IN_PNG.byteLength } } as const;
  const events: RunEvent[] = [
    { seq: 1, type: "session", sessionId },
    sendFile,
    { seq: 3, type: "result", messageIds: [sid], text: "sent", isError: false, subtype: "success", costUsd: 0.001, numTurns: 1, durationMs: 5, sessionId },
    { seq: 4, type: "done" },
  ];
  const line = (e: unknown) => `${JSON.stringify(e)}\n`;
  // The first stream ends after the tool_call; the reconnect (after seq 2) delivers it again, then the rest.
  await scriptVmRun({ userId: phone, connections: [[line(events[0]), line(sendFile)], [line(sendFile), line(events[2]), line(events[3])]], events });
  expect((await postSigned("/twilio/inbound", form)).status).toBe(200);
  await eventually(async () => {
    const [run] = await query<{ phase: string }>(phone, "SELECT phase FROM runs");
    if (run?.phase === "finished") return true;
    await runDurableObjectAlarm(stubFor(phone));
    return false;
  }, 20_000);
  await eventually(async () => (await sentTo(phone)).some((m) => m.body === "sent"));
  expect((await sentTo(phone)).filter((m) => m.media.length > 0)).toHaveLength(1);
  expect(await query(phone, "SELECT dedupe_key FROM outbox WHERE media IS NOT NULL")).toEqual([{ dedupe_key: expect.stringMatching(/:call-2$/) }]);
  expect((await vmRequests(phone)).filter((r) => r.kind === "file")).toHaveLength(1);
});
