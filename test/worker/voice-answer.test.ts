// A voice note whose words are only "yes" is handed to the inbox as the typed word, which answers
// whatever a typed "yes" answers (an approval, here; /undo's question, tested typed elsewhere), and its
// echo says what it was taken as; a longer one goes to the agent as before, and leaves an open
// question open only while it is being heard. In workerd,
// the voice note fetched from Twilio (the emulator) into R2, Whisper behind a stand-in of the
// `AI` binding that hears what the test says it heard.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { loadConfig } from "../../src/agent/relay-settings";
import type { Media } from "../../src/messages/messages-repo";
import { systemClock } from "../../src/shared/clock";
import { composeUnits } from "../../src/agent/compose-units";
import { receive } from "../../src/agent/inbox";
import { createSql } from "../../src/shared/sql";
import voiceNoteUrl from "../fixtures/voice-note.ogg?inline";
import { newSid, stubFor } from "./helpers";
import { emulatorMediaUrl } from "./media-helpers";
import { TEST_PUBLIC_URL } from "./test-env";

/** Whisper as the binding answers it, with the words this test needs heard. */
const whisperHearing = (text: string) => ({ run: async () => ({ text, transcription_info: { duration: 1 } }) });

/** `asked`: an approval the run opened before the user spoke (the approvals unit, as run-effects calls it). */
async function speak(phone: string, heard: string, asked = false) {
  const bytes = new Uint8Array(await (await fetch(voiceNoteUrl)).arrayBuffer());
  const media: Media[] = [{ url: await emulatorMediaUrl(bytes, "audio/ogg"), contentType: "audio/ogg" }];
  return runInDurableObject(stubFor(phone), async (_instance, state) => {
    const loaded = loadConfig(env);
    if (!loaded.ok) throw new Error(loaded.problems.join("; "));
    const units = composeUnits({ sql: createSql(state.storage), phone, config: loaded.config, log: () => {}, bindings: { media: env.MEDIA, ai: whisperHearing(heard) as unknown as Ai }, clock: systemClock });
    const now = Date.now();
    if (asked) units.approvals.request({ id: "run-1", vmRunId: "run-1-1", conversationId: 1 }, { seq: 1, type: "approval_request", requestId: "r1", tool: "Bash", input: { command: "npm test" } }, now, true);
    const voiceId = newSid();
    receive(units.inbox, { messageId: voiceId, body: "", media, buttonPayload: null, receivedAt: now, publicOrigin: TEST_PUBLIC_URL }, now);
    await units.mediaInbox.runDue(now);
    const sql = state.storage.sql;
    return {
      said: sql.exec<{ body: string }>("SELECT body FROM outbox ORDER BY id").toArray().map((r) => r.body),
      queued: units.repos.messages.queued(5).map((m) => ({ id: m.id, body: m.body })),
      voiceId,
      approvals: sql.exec<{ status: string; answer: string | null }>("SELECT status, answer FROM approvals ORDER BY id").toArray().map((r) => ({ status: r.status, answer: r.answer })),
    };
  });
}

it("a spoken “Yes.” is taken as the typed word yes, and the echo says so", async () => {
  const { said, queued, voiceId } = await speak("+15550002204", "Yes.");
  expect(said).toEqual(["🎙️ Heard: “Yes.”, taken as “yes”."]);
  // The voice note itself is done; "yes" is now a message as if typed (no question is open here: it goes on as typed text would).
  expect(queued).toEqual([{ id: `${voiceId}:spoken`, body: "yes" }]);
});

it("a spoken “Yes.” answers an open approval as a typed yes would", async () => {
  const { approvals, said } = await speak("+15550002206", "Yes.", true);
  expect(approvals).toEqual([{ status: "allowed", answer: "yes" }]);
  expect(said).toContain("🎙️ Heard: “Yes.”, taken as “yes”.");
  // The prompt's own voice note was queued with it (the conversation's replies are spoken).
  expect(said.filter((body) => body === "")).toHaveLength(1);
});

it("a longer voice note leaves the approval open", async () => {
  const { approvals } = await speak("+15550002207", "yes but first show me the diff", true);
  expect(approvals.map((a) => a.status)).not.toContain("allowed");
  expect(approvals).toHaveLength(1);
});

it.each([["Stop.", "/stop"], ["Yes, all.", "yes all"], ["no!", "no"]])("“%s” is taken as %s", async (heard, typed) => {
  const { said } = await speak(`+1555000221${typed.length}`, heard);
  expect(said[0]).toBe(`🎙️ Heard: “${heard}”, taken as ${typed === "/stop" ? "/stop" : `“${typed}”`}.`);
});

it("a longer voice note is not an answer: it goes to the agent as heard", async () => {
  const { said, queued, voiceId } = await speak("+15550002205", "yes but first show me the diff");
  expect(said).toEqual(["🎙️ Heard: “yes but first show me the diff” (/voice echo off stops these)"]);
  expect(queued).toEqual([{ id: voiceId, body: "" }]);
});
