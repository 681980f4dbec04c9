// Which prompts a typed answer closes, so it reaches only the run it was meant for: a number names
// one prompt for good (numbers are never used twice), a closed one is said closed and nothing else
// is answered, and `all` or a bare answer never closes a prompt of a run an event started (a
// GitHub event, a trigger): that one needs its own number or button. Pure.
import type { AnswerTarget } from "./approvals";

/** A prompt as the choice needs it: its number, and the event its run was started by (null: the user's own run). */
export type TargetPrompt = { number: number; event: string | null };

export type AnswerPlan<P extends TargetPrompt> =
  /** Close `answer`; `leftOpen`: event prompts `all` did not close (said in the reply). */
  | { kind: "answer"; answer: P[]; leftOpen: P[] }
  /** `yes 3`, #3 closed: said so, nothing answered. */
  | { kind: "closed"; prompt: P }
  /** No prompt ever had that number. */
  | { kind: "unknown_number"; number: number }
  /** A bare answer with several open: which one? */
  | { kind: "which" }
  /** Nothing a bare answer or `all` may close: only event prompts are open. */
  | { kind: "events_only"; leftOpen: P[] };

/** `open`: the open prompts, by number; `numbered`: any prompt by its number, open or closed (null: none had it). */
export function planAnswer<P extends TargetPrompt>(open: readonly P[], target: AnswerTarget, numbered: (n: number) => P | null): AnswerPlan<P> {
  if (target.kind === "number") {
    const found = open.find((a) => a.number === target.number);
    if (found) return { kind: "answer", answer: [found], leftOpen: [] };
    const closed = numbered(target.number);
    return closed ? { kind: "closed", prompt: closed } : { kind: "unknown_number", number: target.number };
  }
  const own = open.filter((a) => a.event === null);
  const events = open.filter((a) => a.event !== null);
  if (target.kind === "only" && open.length > 1) return { kind: "which" };
  if (own.length === 0) return { kind: "events_only", leftOpen: events };
  return { kind: "answer", answer: own, leftOpen: events };
}
