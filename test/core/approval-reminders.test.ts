import { describe, expect, it } from "vitest";
import { nextReminder, type RemindedPrompt, reminderDueAt } from "../../src/approvals/approval-reminders";

const MIN = 60_000;
/** A prompt asked at `askedAt` minutes, denied 10 minutes later (the default timeout). */
const prompt = (over: Partial<RemindedPrompt> = {}): RemindedPrompt => ({ id: 1, askedAt: 0, expiresAt: 10 * MIN, reminders: 0, remindedAt: null, ...over });

describe("reminderDueAt: widening intervals, quiet before the denial", () => {
  it.each([
    ["the first: 3 min after the question", prompt(), 3 * MIN],
    ["the second: 6 min after the first", prompt({ reminders: 1, remindedAt: 3 * MIN }), 9 * MIN],
    ["a late first reminder does not move the second (counted from the question)", prompt({ reminders: 1, remindedAt: 3.5 * MIN }), 9 * MIN],
    ["but never 3 min after the last one", prompt({ reminders: 1, remindedAt: 7 * MIN, expiresAt: 60 * MIN }), 10 * MIN],
    ["the third: 12 min after the second", prompt({ reminders: 2, remindedAt: 9 * MIN, expiresAt: 60 * MIN }), 21 * MIN],
    // 3 + 6 + 12 + 24 + 48 + 96 + 192 min, then 240 min (4 hours) each.
    ["gaps stop growing at 4 hours", prompt({ reminders: 7, remindedAt: 381 * MIN, expiresAt: 24 * 60 * MIN }), 621 * MIN],
    ["none within a minute of the denial", prompt({ reminders: 2, remindedAt: 9 * MIN }), null],
    ["none for a prompt denied before its first would come", prompt({ expiresAt: 3.5 * MIN }), null],
  ])("%s", (_what, p, expected) => {
    expect(reminderDueAt(p)).toBe(expected);
  });
});

describe("nextReminder: one at a time for the whole phone", () => {
  it.each([
    ["nothing open", [], null, 0, { at: null, due: [] }],
    ["not due yet", [prompt()], null, 2 * MIN, { at: 3 * MIN, due: [] }],
    ["due: named", [prompt()], null, 3 * MIN, { at: 3 * MIN, due: [1] }],
    // The case: three reminders within a minute. Once one went, the next waits its turn.
    ["just reminded: the next is 6 min on", [prompt({ reminders: 1, remindedAt: 3 * MIN })], 3 * MIN, 3.5 * MIN, { at: 9 * MIN, due: [] }],
    ["another prompt due a minute after a reminder waits 3 min from it", [prompt({ id: 2, askedAt: 1 * MIN, expiresAt: 11 * MIN })], 3 * MIN, 4 * MIN, { at: 6 * MIN, due: [] }],
    [
      "two prompts due together: one reminder names both",
      [prompt(), prompt({ id: 2, askedAt: 0.5 * MIN, expiresAt: 10.5 * MIN })],
      null,
      4 * MIN,
      { at: 3 * MIN, due: [1, 2] },
    ],
    ["a prompt past its reminders brings none", [prompt({ reminders: 2, remindedAt: 9 * MIN })], 9 * MIN, 9.5 * MIN, { at: null, due: [] }],
  ])("%s", (_what, open, lastAt, now, expected) => {
    expect(nextReminder(open, lastAt, now)).toEqual(expected);
  });
});
