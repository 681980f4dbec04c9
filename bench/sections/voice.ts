// The voice section: what a spoken reply costs (bench/voice/figures.ts), and how long after its
// run's end its voice note is sent, through the relay on the local stack (bench/voice/measure.ts).
import type { Section, SectionOutcome } from "../lib/section";
import { spokenCosts, voiceCostFigures } from "../voice/figures";
import { measureVoiceRounds } from "../voice/measure";
import { REPRESENTATIVE_REPLIES } from "../voice/replies";
import { voiceTimingFigures } from "../voice/timing";

const MAX_SECONDS = 60;

export const DEFINITIONS = {
  cost: "each representative reply's spoken text as the relay makes it (media/spoken-reply.ts, 60 s cap) × aura-1's $0.015 per 1,000 characters",
  time: "the relay's run_finished line (as the bench reads it from wrangler dev's output, a few ms after the object wrote it) → the emulator's dateCreated of the voice note's send (the send accepted); one machine, one clock",
  stack: "wrangler dev, the Twilio emulator and the VM stand-in (answers at once, \"echo: <text>\"), the offline model's server at SPEECH_URL in its own process (a real Opus encoder, not aura-1's time); /voice reply on, then each representative reply's text sent and waited for, one at a time, 1 s apart",
};

export const voiceSection: Section = {
  name: "voice",
  title: "a spoken reply: its cost (characters × aura-1's $0.015/1,000) and the time from its run's end to its voice note sent, on the local stack",
  async run({ quick, rounds, log }): Promise<SectionOutcome> {
    const costs = spokenCosts(REPRESENTATIVE_REPLIES, MAX_SECONDS);
    for (const c of costs) log(`voice: ${c.name}: ${c.replyChars} chars written, ${c.spokenChars} spoken (~${c.seconds} s), $${c.usd.toFixed(5)}`);
    const timed = await measureVoiceRounds(REPRESENTATIVE_REPLIES, quick ? 1 : rounds, log);
    return { status: "ok", figures: [...voiceCostFigures(costs), ...voiceTimingFigures(timed)], details: { definitions: DEFINITIONS, maxSeconds: MAX_SECONDS, costs, rounds: timed } };
  },
};
