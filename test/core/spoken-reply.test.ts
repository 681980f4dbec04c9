import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CODE_IN_TEXT, REST_IN_TEXT, SPEAKING_CHARS_PER_SECOND, speakingSeconds, speaksReply, spokenReply } from "../../src/media/spoken-reply";

/** The words of a text, lower-cased, as a listener would hear them (punctuation aside). */
const wordsOf = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Phrases the relay says of its own: each one true of any text it stands for. */
const OWN_WORDS = [REST_IN_TEXT, CODE_IN_TEXT, "a link"];

/**
 * The spoken part never claims more than the text: each spoken sentence, less the relay's own
 * phrases, is the text's words in the text's order (nothing added, nothing moved).
 */
function expectSaysNoMoreThan(spoken: string, text: string): void {
  const heard = wordsOf(text);
  let stripped = spoken;
  for (const own of OWN_WORDS) stripped = stripped.split(own).join(" ");
  for (const sentence of stripped.split(/(?<=[.!?])\s+/)) {
    const words = wordsOf(sentence);
    if (words.length === 0) continue;
    // A subsequence of the text's words, starting somewhere in the text.
    const found = heard.some((_, start) => {
      let at = start;
      return words.every((w) => {
        while (at < heard.length && heard[at] !== w) at++;
        return at++ < heard.length;
      });
    });
    expect(found, `“${sentence}” is not said by the text`).toBe(true);
  }
}

const SHORT = [
  "I fixed the flaky test in `api/retry.test.ts`: the timer was never cleared.",
  "",
  "Committed as 3f9a2c1d on branch `fix-retry`. See https://github.com/acme/api/pull/12 for the pull request.",
  "",
  "```ts",
  "clearTimeout(timer);",
  "```",
].join("\n");

const LONG = [
  "## What I did",
  ...Array.from({ length: 20 }, (_, i) => `- Updated handler number ${i + 1} in /home/agent/workspace/api/src/handlers/h${i + 1}.ts so that it returns early on an empty body.`),
  "",
  "Two tests failed: the upload test and the retry test, both on a timeout.",
  "",
  "Should I raise the timeout to ten seconds, or look for the slow call first?",
].join("\n");

describe("the spoken part of a reply", () => {
  it("says a short reply whole, and never reads code, hashes, URLs or long paths", () => {
    const spoken = spokenReply(SHORT, 60);
    expect(spoken.summarised).toBe(false);
    expect(spoken.text).toBe(
      "I fixed the flaky test in api/retry.test.ts: the timer was never cleared. Committed as on branch fix-retry. See a link for the pull request. The code is in the text.",
    );
    expect(spoken.text).not.toMatch(/https?:|3f9a2c1d|clearTimeout|`|\/home/);
    expectSaysNoMoreThan(spoken.text, SHORT);
  });

  it.each([60, 30, 10])("summarises a long reply under a %i s cap: the opening, what failed, what is asked, and says the rest is in the text", (cap) => {
    const spoken = spokenReply(LONG, cap);
    expect(spoken.summarised).toBe(true);
    expect(spoken.text.length).toBeLessThanOrEqual(cap * SPEAKING_CHARS_PER_SECOND);
    expect(spoken.seconds).toBeLessThanOrEqual(cap);
    expect(spoken.text.endsWith(REST_IN_TEXT)).toBe(true);
    if (cap >= 30) {
      expect(spoken.text).toContain("Two tests failed");
      expect(spoken.text).toContain("Should I raise the timeout to ten seconds, or look for the slow call first?");
    }
    expect(spoken.text).not.toContain("/home/agent");
    expectSaysNoMoreThan(spoken.text, LONG);
  });

  it("estimates its length at the stated pace", () => {
    expect(speakingSeconds("x".repeat(SPEAKING_CHARS_PER_SECOND * 60))).toBe(60);
    expect(speakingSeconds("x".repeat(SPEAKING_CHARS_PER_SECOND * 60 + 1))).toBe(61);
  });

  it("holds for any reply: under the cap, and never more than the text says", () => {
    const word = fc.constantFrom("the", "test", "failed", "fixed", "src/app.ts", "`npm test`", "https://x.io/a", "deadbee1", "a/b/c/d.ts", "should I", "**done**", "#", "-", "?", ".", "\n", "```", "push");
    fc.assert(
      fc.property(fc.array(word, { maxLength: 400 }), fc.integer({ min: 5, max: 90 }), (words, cap) => {
        const text = words.join(" ");
        const spoken = spokenReply(text, cap);
        expect(spoken.text.length).toBeLessThanOrEqual(cap * SPEAKING_CHARS_PER_SECOND);
        expectSaysNoMoreThan(spoken.text, text);
      }),
      { numRuns: 200 },
    );
  });
});

describe("which replies are spoken (/voice reply)", () => {
  const voice = { media: [{ stored: { kind: "audio" }, transcript: { text: "fix it", durationSec: 2 } }] };
  const typed = { media: [] };
  const picture = { media: [{ stored: { kind: "image" } }] };
  it.each<[string, "auto" | "on" | "off", (typeof voice | typeof typed)[], boolean, boolean, boolean]>([
    ["auto, the user spoke", "auto", [voice], false, false, true],
    ["auto, the user typed", "auto", [typed], false, false, false],
    ["auto, a picture is not a voice note", "auto", [picture as typeof typed], false, false, false],
    ["auto, one of a batch spoke", "auto", [typed, voice], false, false, true],
    ["on, the user typed", "on", [typed], false, false, true],
    ["off, the user spoke", "off", [voice], false, false, false],
    ["on, a run a GitHub event started: a stranger's words are never read out", "on", [typed], true, false, false],
    ["auto, an event run that also carried a voice note", "auto", [voice], true, false, false],
    ["on, an error", "on", [typed], false, true, false],
    ["on, nothing answered (a scheduled task's run)", "on", [], false, false, false],
  ])("%s", (_, mode, answered, fromEvent, isError, expected) => {
    expect(speaksReply(mode, answered, fromEvent, isError)).toBe(expected);
  });
});
