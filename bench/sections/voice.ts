// The voice section: what a spoken reply costs (bench/voice/figures.ts). The time from a run's
// end to its voice note being sent is not measured yet.
import type { Section, SectionOutcome } from "../lib/section";
import { spokenCosts, voiceCostFigures } from "../voice/figures";
import { REPRESENTATIVE_REPLIES } from "../voice/replies";

const MAX_SECONDS = 60;

export const voiceSection: Section = {
  name: "voice",
  title: "a spoken reply's cost: representative replies' spoken text (60 s cap) × aura-1's $0.015 per 1,000 characters",
  async run({ log }): Promise<SectionOutcome> {
    const costs = spokenCosts(REPRESENTATIVE_REPLIES, MAX_SECONDS);
    for (const c of costs) log(`voice: ${c.name}: ${c.replyChars} chars written, ${c.spokenChars} spoken (~${c.seconds} s), $${c.usd.toFixed(5)}`);
    return { status: "ok", figures: voiceCostFigures(costs), details: { maxSeconds: MAX_SECONDS, costs } };
  },
};
