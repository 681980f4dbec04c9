// An approval the user will hear, through the runs unit over a real SQLite: after the prompt's
// text, a voice note of the command in words (approvals/spoken-approval.ts), under the same rule
// as the reply's voice note (auto: the user spoke; on; off).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { T0, useUnitDb } from "./helpers/unit-db";
import { streamedRunOf } from "./helpers/run-driver-harness";

const t = useUnitDb();
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

const VOICE = { url: "https://api.twilio.com/x", contentType: "audio/ogg", stored: { key: "in/k", contentType: "audio/ogg; codecs=opus", kind: "audio" as const, ext: "ogg", size: 9000, createdAt: T0 }, transcript: { text: "run the api tests", durationSec: 2 } };

async function askTo(mode: "auto" | "on" | "off", spoke: boolean) {
  const { runs, send, close } = await streamedRunOf(t, mode, spoke, VOICE, "run the api tests");
  const stepped = runs.runDue(T0, null);
  send({ seq: 1, type: "approval_request", requestId: "r1", tool: "Bash", input: { command: "cd api && npm test" }, projectDir: "/data/u/workspace/main" });
  await vi.advanceTimersByTimeAsync(1_000);
  close();
  await vi.advanceTimersByTimeAsync(1_000);
  await stepped.catch(() => undefined);
  return t.sql<{ dedupe_key: string; body: string; media: string | null }>`SELECT dedupe_key, body, media FROM outbox WHERE dedupe_key LIKE 'approval%' ORDER BY id`;
}

describe("an approval, spoken", () => {
  it("auto, the user spoke: the prompt's text, then a voice note saying the command in words", async () => {
    const rows = await askTo("auto", true);
    expect(rows.map((r) => r.dedupe_key)).toEqual([expect.stringMatching(/^approval:/), expect.stringMatching(/^approval-voice:/)]);
    expect(rows[0]!.body).toContain("npm test");
    const media = JSON.parse(rows[1]!.media!);
    expect(media.speak).toEqual({ text: "Approval 1: may I run npm test in api? Say yes or no.", conversationId: 1 });
    expect(media.source).toMatchObject({ name: "approval.ogg", contentType: "audio/ogg" });
  });

  it.each([
    ["auto, the user typed", "auto", false, 1],
    ["on, the user typed", "on", false, 2],
    ["off, the user spoke", "off", true, 1],
  ] as const)("%s", async (_, mode, spoke, rows) => {
    expect(await askTo(mode, spoke)).toHaveLength(rows);
  });
});
