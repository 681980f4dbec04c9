import { describe, expect, it } from "vitest";
import { spokenCosts, voiceCostFigures } from "../voice/figures";
import { REPRESENTATIVE_REPLIES } from "../voice/replies";

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
