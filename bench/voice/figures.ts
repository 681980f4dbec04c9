// The voice section's pure part: what a spoken reply costs, from the text the relay would speak
// (media/spoken-reply.ts, under the default 60 s cap) of representative replies, priced as
// aura-1 is (media/speaker.ts: characters × $0.015 / 1,000).
import { spokenReply } from "../../src/media/spoken-reply";
import { speechCostUsd } from "../../src/media/speaker";
import { info, type Figure } from "../lib/figures";
import { median } from "../lib/stats";

export type SpokenCost = { name: string; replyChars: number; spokenChars: number; seconds: number; usd: number };

/** Each reply's spoken text: its characters, its estimated seconds and its price. */
export function spokenCosts(replies: readonly { name: string; text: string }[], maxSeconds: number): SpokenCost[] {
  return replies.map(({ name, text }) => {
    const spoken = spokenReply(text, maxSeconds);
    return { name, replyChars: text.length, spokenChars: spoken.text.length, seconds: spoken.seconds, usd: speechCostUsd(spoken.text) };
  });
}

export function voiceCostFigures(costs: readonly SpokenCost[]): Figure[] {
  // Per 1,000 replies: one reply's cents would round to nothing in the table.
  const usd = costs.map((c) => c.usd * 1000);
  return [
    info("voice", "cost per spoken reply, median", median(usd), "$ per 1,000 replies", `${costs.length} representative replies, their spoken text × $0.015/1,000 chars`),
    info("voice", "cost per spoken reply, most", Math.max(...usd), "$ per 1,000 replies", "the longest, held by the 60 s cap"),
    info("voice", "spoken chars per reply, median", median(costs.map((c) => c.spokenChars)), "chars"),
  ];
}
