import { describe, expect, it } from "vitest";
import { spokenCosts, voiceCostFigures } from "../voice/figures";
import { REPRESENTATIVE_REPLIES } from "../voice/replies";
import { voiceRoundOf, voiceTimingFigures } from "../voice/timing";

describe("voice: a spoken reply's cost", () => {
  it("prices the spoken text, not the written one: a link and a hash cost nothing to say", () => {
    const [cost] = spokenCosts([{ name: "fix", text: "Fixed. See https://github.com/acme/api/pull/12 at 3f9a2b7c1d." }], 60);
    expect(cost!.spokenChars).toBe("Fixed. See a link at.".length);
    expect(cost!.usd).toBeCloseTo((cost!.spokenChars * 0.015) / 1000, 12);
    expect(cost!.replyChars).toBeGreaterThan(cost!.spokenChars);
  });

  it("a long reply is held by the cap, so its price is bounded", () => {
    const costs = spokenCosts(REPRESENTATIVE_REPLIES, 60);
    const long = costs.find((c) => c.name === "a long report")!;
    expect(long.seconds).toBeLessThanOrEqual(60);
    expect(long.replyChars).toBeGreaterThan(long.spokenChars * 2);
  });

  it("reports the median and the most over the replies", () => {
    const costs = [1, 2, 9].map((usd, i) => ({ name: `r${i}`, replyChars: 0, spokenChars: usd * 10, seconds: 0, usd }));
    const figures = Object.fromEntries(voiceCostFigures(costs).map((f) => [f.name, f.value]));
    expect(figures).toEqual({ "cost per spoken reply, median": 2000, "cost per spoken reply, most": 9000, "spoken chars per reply, median": 20 });
  });
});

describe("voice: the time from a run's end to its voice note", () => {
  const at = (ms: number) => new Date(ms).toISOString();
  const text = (ms: number, body = "echo: done") => ({ body, dateCreated: at(ms), media: [] });
  const voice = (ms: number, contentType: string | null = "audio/ogg") => ({ body: "", dateCreated: at(ms), media: [{ contentType }] });
  const runEnd = { at: 1_000, fields: { event: "run_finished" } };
  const other = { at: 900, fields: { event: "message_queued" } };

  it.each([
    ["no run_finished line yet", [other], [text(1_010), voice(1_300)]],
    ["no voice note yet", [other, runEnd], [text(1_010)]],
    ["a send whose media Twilio has not fetched yet", [runEnd], [text(1_010), voice(1_300, null)]],
  ])("waits while there is %s", (_what, lines, sends) => {
    expect(voiceRoundOf("r", lines, sends)).toBeUndefined();
  });

  it("times the voice note and the reply's last text part before it from the run's end", () => {
    const sends = [text(1_010, "part 1"), text(1_020, "part 2"), voice(1_250), text(1_400, "later")];
    expect(voiceRoundOf("r", [other, runEnd], sends)).toEqual({ name: "r", runEndAt: 1_000, textAt: 1_020, voiceAt: 1_250 });
  });

  it.each([
    ["two voice notes for one reply", [text(1_010), voice(1_200), voice(1_300)], /2 voice notes/],
    ["a voice note without the text before it", [voice(1_200), text(1_300)], /without the reply's text/],
  ])("fails a round with %s", (_what, sends, error) => {
    expect(() => voiceRoundOf("r", [runEnd], sends)).toThrow(error);
  });

  it("reports the median and the most over the rounds, and the split at the text's send", () => {
    const rounds = [100, 200, 900].map((toVoice, i) => ({ name: `r${i}`, runEndAt: 0, textAt: 10 * (i + 1), voiceAt: toVoice }));
    const figures = Object.fromEntries(voiceTimingFigures(rounds).map((f) => [f.name, f.value]));
    expect(figures).toEqual({
      "run's end → its voice note sent, median": 200,
      "run's end → its voice note sent, most": 900,
      "run's end → the reply's text sent, median": 20,
      "the reply's text sent → its voice note sent, median": 180,
    });
  });
});
