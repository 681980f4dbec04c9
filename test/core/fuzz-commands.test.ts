// Generated command text through parseCommand and, for a new task, validateScheduleSpec: every
// input is a parse or an `invalid` with one short line, never a throw, whatever the user typed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCommand, type ParsedCommand } from "../../src/commands/commands";
import { MAX_PROMPT_LENGTH, validateScheduleSpec } from "../../src/schedules/schedule-validate";

const NOW = Date.UTC(2026, 2, 29, 0, 30); // the night Europe/London springs forward
const ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Australia/Lord_Howe"];
/** A reply is one WhatsApp line: no line break of any kind, and short enough to read. */
const LINE_BREAK = /[\n\r\u000b\u000c\u0085\u2028\u2029]/;
const MAX_REASON = 320;

const commandWord = fc.oneof(
  fc.constantFrom(
    "help", "status", "cancel", "stop", "new", "schedules", "schedule", "tz", "vm", "sessions", "switch", "clear",
    "rename", "delete", "deep", "end", "git", "cost", "approvals",
  ),
  fc.stringMatching(/^[A-Za-z]{1,12}$/),
);
const casing = (word: string, flips: boolean[]) => [...word].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c)).join("");
const separator = fc.constantFrom(" ", "  ", "\t", "\n", "\u00a0", "\u2028", "\u3000", " \n ");

const token = fc.oneof(
  fc.constantFrom(
    "cron", "every", "at", "list", "pause", "resume", "delete", "log", "CRON", "Every",
    "--in-chat", "—in-chat", "–in-chat", "--IN-CHAT", "--foo", "—", "--",
    '"0 9 * * 1-5"', "“0 9 * * *”", '"', "”", '"* * * * * *"', '"@daily"', '"0 0 30 2 *"', '"61 25 * * *"',
    "2h", "0m", "-5m", "30s", "1h30m", "1m", "999999d", "366d", "1d1d", "2H",
    "today", "tomorrow", "9:00", "23:59", "00:00", "25:61", "5pm", "13pm", "0am", "2026-02-30", "2026-12-01", "9999-12-31", "0000-01-01", "2026-03-29T01:30",
    "#3", "0", "-1", "1.5", "99999999999", "2147483648", "٣", "３",
    "api", "web-app_2", "yes", "name", "email", "ada@example.com", "Ada Lovelace", "https://github.com/acme/api.git", "git@github.com:acme/api.git",
    "file:///etc/passwd", "ext::sh", "https://u:p@host/x", "--upload-pack=x", "release/2.1", "../x",
    "Europe/London", "europe/london", "Mars/Olympus", "+05:30", "Etc/GMT+5", "UTC", "../../etc/passwd",
    "🙂", "👨‍👩‍👧‍👦", "שלום", "مرحبا بك", "\u202eevil", "\u200f", "\u200b", "e\u0301", "\u0000", "\u0085", "\ud83d\ude00",
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
);
/** A token repeated into something long: a word of thousands of characters, or many words. */
const longToken = fc.tuple(token, fc.integer({ min: 50, max: 3000 }), fc.boolean()).map(([t, n, spaced]) => (spaced ? `${t} `.repeat(Math.ceil(n / (t.length + 1))) : t.repeat(Math.ceil(n / Math.max(1, t.length)))));

const commandText = fc
  .record({
    word: commandWord,
    flips: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
    punct: fc.constantFrom("", "", "", ".", "!", "?", "?!"),
    lead: fc.constantFrom("", " ", "\n", "\u00a0"),
    args: fc.array(fc.tuple(separator, fc.oneof({ weight: 8, arbitrary: token }, { weight: 1, arbitrary: longToken })), { maxLength: 6 }),
  })
  .map(({ word, flips, punct, lead, args }) => `${lead}/${casing(word, flips)}${punct}${args.map(([s, t]) => s + t).join("")}`);

/** Text that starts like a command and goes on with its arguments in typical shapes. */
const scheduleText = fc
  .tuple(
    fc.constantFrom("cron", "every", "at", "pause", "resume", "delete", "log", "list"),
    fc.array(fc.tuple(separator, fc.oneof({ weight: 8, arbitrary: token }, { weight: 1, arbitrary: longToken })), { maxLength: 5 }),
  )
  .map(([kind, args]) => `/schedule ${kind}${args.map(([s, t]) => s + t).join("")}`);

function expectOneLine(reason: string, input: string): void {
  expect(reason.trim(), `reason for ${JSON.stringify(input.slice(0, 200))}`).not.toBe("");
  expect(reason, `reason for ${JSON.stringify(input.slice(0, 200))}`).not.toMatch(LINE_BREAK);
  expect(reason.length, `reason for ${JSON.stringify(input.slice(0, 200))}: ${reason.slice(0, 200)}`).toBeLessThanOrEqual(MAX_REASON);
}

/** What the Durable Object does with a parse (minus storage): the same checks, same order. */
function checkParsed(parsed: ParsedCommand | null, input: string, timeZone: string): void {
  if (parsed === null) return;
  switch (parsed.type) {
    case "invalid":
      return expectOneLine(parsed.reason, input);
    case "schedule_create": {
      const checked = validateScheduleSpec(parsed.request, { timeZone, now: NOW, existingCount: 0 });
      if (!checked.ok) return expectOneLine(checked.reason, input);
      expect(checked.schedule.nextRunAt).toBeGreaterThan(NOW);
      expect(checked.schedule.prompt.trim()).not.toBe("");
      expect([...checked.schedule.prompt].length).toBeLessThanOrEqual(MAX_PROMPT_LENGTH);
      return;
    }
    case "schedule_manage":
      expect(Number.isSafeInteger(parsed.id) && parsed.id > 0 && parsed.id < 2 ** 31).toBe(true);
      return;
    case "tz_set":
      expect(() => new Intl.DateTimeFormat("en-US", { timeZone: parsed.timeZone })).not.toThrow();
      return;
    case "conversation_create":
      expect(parsed.name).toMatch(NAME);
      if (parsed.repo) {
        expect(parsed.repo.url).toMatch(/^(https:\/\/[^\s@]+|git@[A-Za-z0-9.-]+:[^\s]+)$/);
        if (parsed.repo.branch !== null) expect(parsed.repo.branch).toMatch(/^[A-Za-z0-9._/][A-Za-z0-9._/-]*$/);
      }
      return;
    case "conversation_switch":
      expect(parsed.target).toMatch(/^(\d{1,3}|[A-Za-z0-9_-]{1,32})$/);
      return;
    case "conversation_rename":
    case "conversation_delete":
      expect(parsed.name).toMatch(NAME);
      return;
    case "git_set":
      expect(parsed.value).not.toMatch(LINE_BREAK);
      expect([...parsed.value].length).toBeLessThanOrEqual(parsed.field === "name" ? 100 : 260);
      return;
    case "voice_reply":
      expect(["auto", "on", "off"]).toContain(parsed.mode);
      return;
    case "voice_echo":
    case "progress":
      expect([true, false, null]).toContain(parsed.on);
      return;
    case "approvals":
      expect(["show", "off", "edits", "on", "forget", "log"]).toContain(parsed.action);
      return;
    default:
      expect(["help", "status", "cancel", "new_session", "conversation_list", "deep", "git_show", "cost", "schedule_list", "tz_show", "vm_health"]).toContain(parsed.type);
  }
}

const NAME = /^[A-Za-z0-9_-]{1,32}$/;

describe("parseCommand under generated input", () => {
  it("answers every /word with a parse or a one-line reason, and never throws", () => {
    fc.assert(
      fc.property(fc.oneof(commandText, scheduleText), fc.constantFrom(...ZONES), (text, zone) => {
        checkParsed(parseCommand(text), text, zone);
      }),
      {
        numRuns: 3000,
        examples: [
          // Found by this generator: user input quoted back in full, thousands of characters long.
          [`/${"x".repeat(3000)}`, "UTC"],
          [`/schedule ${"x".repeat(3000)}`, "UTC"],
          [`/schedule pause ${"9".repeat(3000)}`, "UTC"],
          [`/tz ${"Europe/".repeat(400)}`, "UTC"],
          [`/schedule every ${"1h".repeat(1500)} check`, "UTC"],
          [`/schedule cron "${"1 ".repeat(1500)}" check`, "UTC"],
          [`/schedule cron "* * * * ${"9".repeat(2000)}" check`, "UTC"],
          [`/schedule every 2h --${"x".repeat(3000)} check`, "UTC"],
          // Found by this generator: a time split by a line separator, echoed in "is in the past".
          ["/schedule at today\u202800:00 check", "UTC"],
          ["/schedule at today\n00:10 check", "Europe/London"],
          // A git name with a line separator inside would break the one-line identity.
          ["/git name Ada\u2028Lovelace", "UTC"],
        ],
      },
    );
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.string({ unit: "grapheme", maxLength: 200 })), (text) => {
        checkParsed(parseCommand(text), text, "UTC");
        checkParsed(parseCommand(`/${text}`), `/${text}`, "UTC");
        checkParsed(parseCommand(`/schedule ${text}`), `/schedule ${text}`, "UTC");
        checkParsed(parseCommand(`/tz ${text}`), `/tz ${text}`, "UTC");
      }),
      { numRuns: 1000 },
    );
  });

  it("reads a known command word the same in any case", () => {
    const known = fc.constantFrom("help", "status", "cancel", "new", "schedules", "schedule", "tz", "vm", "sessions", "switch", "delete", "git");
    fc.assert(
      fc.property(known, fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(separator, token), { maxLength: 4 }), (word, flips, args) => {
        const rest = args.map(([s, t]) => s + t).join("");
        expect(parseCommand(`/${casing(word, flips)}${rest}`)).toEqual(parseCommand(`/${word}${rest}`));
      }),
      { numRuns: 500 },
    );
  });

  it("leaves text that does not start with /letters to the agent", () => {
    const notCommand = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 60 }).filter((t) => !/^\s*\/[A-Za-z]/.test(t)),
      fc.tuple(fc.constantFrom("/ ", "/1", "//", "/-", "/🙂", "/é", "/ש"), fc.string({ maxLength: 30 })).map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(notCommand, (text) => {
        expect(parseCommand(text)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });
});
