// A run's reply and its voice note, through the runs unit over a real SQLite: the note's row
// follows the reply's text, carries the reply made for ears (media/spoken-reply.ts), and is
// added only when /voice reply says so (auto: the user spoke).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { spokenReply } from "../../src/media/spoken-reply";
import { T0, useUnitDb } from "./helpers/unit-db";
import { streamedRunOf } from "./helpers/run-driver-harness";

const t = useUnitDb();
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

const REPLY = "I fixed the flaky test in `api/retry.test.ts`. See https://github.com/acme/api/pull/12.\n\n```ts\nclearTimeout(timer);\n```";
const VOICE = { url: "https://api.twilio.com/x", contentType: "audio/ogg", stored: { key: "in/k", contentType: "audio/ogg; codecs=opus", kind: "audio" as const, ext: "ogg", size: 9000, createdAt: T0 }, transcript: { text: "fix the flaky test", durationSec: 2 } };

async function replyTo(mode: "auto" | "on" | "off", spoke: boolean) {
  const { runs, send } = await streamedRunOf(t, mode, spoke, VOICE, "fix the flaky test");
  const stepped = runs.runDue(T0, null);
  send({ seq: 1, type: "result", messageIds: ["m1"], text: REPLY, isError: false, subtype: "success", costUsd: 0, numTurns: 1, durationMs: 5, sessionId: "s-1" });
  send({ seq: 2, type: "done" });
  await vi.advanceTimersByTimeAsync(1_000);
  await stepped;
  return t.sql<{ dedupe_key: string; body: string; media: string | null }>`SELECT dedupe_key, body, media FROM outbox ORDER BY id`;
}

describe("a run's reply, spoken", () => {
  it("auto, the user spoke: the text, then a voice note of the reply made for ears", async () => {
    const rows = await replyTo("auto", true);
    expect(rows.map((r) => r.body)).toEqual([expect.stringContaining("I fixed the flaky test"), ""]);
    const note = rows[1]!;
    expect(note.dedupe_key).toMatch(/^voice-reply:/);
    const media = JSON.parse(note.media!);
    expect(media.speak).toEqual({ text: spokenReply(REPLY, 60).text, conversationId: 1 });
    expect(media.speak.text).toBe("I fixed the flaky test in api/retry.test.ts. See a link. The code is in the text.");
    expect(media.source).toMatchObject({ name: "reply.ogg", contentType: "audio/ogg" });
  });

  it.each([
    ["auto, the user typed", "auto", false, 1],
    ["on, the user typed", "on", false, 2],
    ["off, the user spoke", "off", true, 1],
  ] as const)("%s", async (_, mode, spoke, rows) => {
    expect(await replyTo(mode, spoke)).toHaveLength(rows);
  });
});
