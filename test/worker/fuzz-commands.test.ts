// Generated bad commands through the Worker: unknown /words, /schedule and /tz with wrong
// arguments, very long words, emoji, right-to-left text. Each gets one delivered line back and
// changes nothing: no task, no time zone, no session, no run, no call to the VM.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseCommand } from "../../src/commands/commands";
import { validateScheduleSpec } from "../../src/schedules/schedule-validate";
import { ask, eventually, outboxSent, query, sendInbound, sentTo, vmRequests } from "./helpers";

const PHONE = "+15550000190";
/** Twilio refuses longer bodies (error 21617): a longer reply never reaches the user. */
const WHATSAPP_MAX_CHARS = 1600;

beforeAll(() => void vi.spyOn(console, "log").mockImplementation(() => undefined));
afterAll(() => vi.restoreAllMocks());

/** What a user's object keeps that a refused command must not touch. */
async function state(phone: string) {
  return {
    schedules: await query(phone, "SELECT * FROM schedules"),
    runs: await query(phone, "SELECT * FROM runs"),
    settings: await query(phone, "SELECT key, value FROM settings WHERE key IN ('time_zone', 'session_id') ORDER BY key"),
    queued: await query(phone, "SELECT id FROM messages WHERE status IN ('queued', 'handed')"),
  };
}

const word = fc.oneof(
  // Words the relay owns: any other /word is the agent's (a Claude Code command), not refused.
  fc.constantFrom("schedule", "Schedule", "SCHEDULE", "tz", "TZ", "new", "status", "help", "cancel", "stop", "schedules", "sessions", "switch", "deep", "delete", "rename", "git", "cost"),
);
const arg = fc.oneof(
  fc.constantFrom(
    "cron", "every", "at", "pause", "delete", "log", "list", "--in-chat", "--nope", '"0 9 * *"', '"61 * * * *"', "“0 9 * * *", "0m", "-1h", "999999d", "25:00", "13pm", "2026-02-30",
    "yesterday", "#0", "٣", "Mars/Olympus", "+05:30", "Europe/London", "🙂", "👨‍👩‍👧‍👦", "שלום עולם", "مرحبا", "\u202eevil", "\u200b", "e\u0301",
  ),
  fc.string({ unit: "grapheme", maxLength: 30 }).filter((t) => !/\s/.test(t)),
  fc.integer({ min: 100, max: 2500 }).map((n) => "9".repeat(n)),
);
const separator = fc.constantFrom(" ", "  ", "\n", "\u00a0", "\u2028");

/** A command the relay must refuse: the parser says invalid, or the new task fails validation. */
const refusedCommand = fc
  .tuple(word, fc.array(fc.tuple(separator, arg), { maxLength: 5 }))
  .map(([w, args]) => `/${w}${args.map(([s, a]) => s + a).join("")}`)
  .filter((text) => {
    const parsed = parseCommand(text);
    if (parsed?.type === "invalid") return true;
    if (parsed?.type !== "schedule_create") return false;
    return !validateScheduleSpec(parsed.request, { timeZone: "UTC", now: Date.now(), existingCount: 0 }).ok;
  });

describe("bad commands through the Worker", () => {
  it("answer with one delivered line and change nothing", async () => {
    const before = await state(PHONE);
    await fc.assert(
      fc.asyncProperty(refusedCommand, async (text) => {
        const reply = await ask(PHONE, text);
        expect(reply.trim()).not.toBe("");
        expect(reply).not.toMatch(/[\n\r\u2028\u2029]/);
        expect(reply.length).toBeLessThanOrEqual(WHATSAPP_MAX_CHARS);
        expect(await state(PHONE)).toEqual(before);
        // Delivered: Twilio took the reply (a refused one would be followed by a notice instead).
        await outboxSent(PHONE);
        expect(await query(PHONE, "SELECT error_code FROM outbox WHERE status IN ('failed', 'undelivered')")).toEqual([]);
      }),
      {
        numRuns: 25,
        examples: [
          // Found by the generator: the reply quoted the input in full, over Twilio's 1600
          // characters, so Twilio refused it and the user heard nothing.
          [`/switch ${"x".repeat(2000)}`],
          [`/tz ${"Europe/".repeat(300)}`],
          [`/schedule pause ${"9".repeat(2000)}`],
          // Found by the generator: a line break inside the time, echoed back.
          ["/schedule at today\n00:00 check"],
        ],
      },
    );
    expect(await vmRequests(PHONE)).toEqual([]);
    const sent = await sentTo(PHONE);
    expect(sent.every((m) => m.status !== "failed" && m.status !== "undelivered")).toBe(true);
  }, 30_000);
});

describe("long command replies", () => {
  // Found by the fuzzer: a command's answer was one outbox row, so /schedules with a few long
  // prompts was refused by Twilio (21617). Answers go in parts of at most 1,600 characters.
  it("/schedules with many tasks still reaches the user", async () => {
    const phone = "+15550000191";
    for (let i = 1; i <= 20; i++) {
      const reply = await ask(phone, `/schedule every ${i}h ${"check the nightly build and tell me what broke ".repeat(2)}#${i}`);
      expect(reply).toMatch(/^Task #\d+ scheduled/);
    }
    const [{ last }] = (await query<{ last: number }>(phone, "SELECT max(id) AS last FROM outbox")) as [{ last: number }];
    await sendInbound(phone, "/schedules");
    // The answer's rows, once Twilio has taken or refused each of them.
    const rows = await eventually(async () => {
      const all = await query<{ body: string; status: string; error_code: string | null }>(phone, "SELECT body, status, error_code FROM outbox WHERE id > ? ORDER BY id", last);
      return all.length > 0 && all.every((r) => r.status !== "pending" && r.status !== "sending") && all;
    });
    expect(rows.map((r) => [r.status, r.error_code, r.body.length <= WHATSAPP_MAX_CHARS])).toEqual(rows.map(() => ["sent", null, true]));
    expect(rows.map((r) => r.body).join("\n")).toContain("#20");
  }, 30_000);
});
