// The soak's users: each sends a message, waits a while for its answer (a patient user waits
// longer, an impatient one writes again), thinks, and writes again, until the faults end.
// About one turn in four is slow (the offline model's [[slow MS]] directive).
import type { Random } from "../lib/seeded-random";
import type { Traffic } from "./traffic";

export const SLOW_SHARE = 0.25;
export const SLOW_MS = { min: 2_000, max: 8_000 } as const;
export const PATIENCE_MS = { min: 2_000, max: 10_000 } as const;
export const THINK_MS = { min: 300, max: 2_000 } as const;
/**
 * A sender never has more unresolved messages than this. With a burst (4) and a racing duplicate
 * (1) on top, a batch holds at most 9 texts of at most 20 characters: the offline model's quote
 * (clipped at 200) keeps every token.
 */
export const MAX_UNRESOLVED = 4;

export type SenderDeps = {
  traffic: Traffic;
  /** The message was answered or the user told it failed. */
  resolved: (token: string) => boolean;
  until: number;
};

/** One turn of a sender, drawn from its own seeded stream: the same seed, the same turns. */
export type Turn = { slowMs: number; patienceMs: number; thinkMs: number };

export function drawTurn(random: Random): Turn {
  const slowMs = random.next() < SLOW_SHARE ? random.int(SLOW_MS.min, SLOW_MS.max) : 0;
  return { slowMs, patienceMs: random.int(PATIENCE_MS.min, PATIENCE_MS.max), thinkMs: random.int(THINK_MS.min, THINK_MS.max) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(done: () => boolean, deadline: number): Promise<void> {
  while (!done() && Date.now() < deadline) await sleep(200);
}

export async function runSender(index: number, random: Random, deps: SenderDeps): Promise<void> {
  const { traffic, resolved, until } = deps;
  const prefix = `#${index + 1}-`;
  const unresolved = () => traffic.messages.filter((m) => m.token.startsWith(prefix) && !resolved(m.token) && !traffic.isRefused(m.token)).length;
  while (Date.now() < until) {
    const turn = drawTurn(random);
    const message = traffic.create(index, turn.slowMs);
    void traffic.send(message);
    // Answered, refused for good, or out of patience: write again.
    await waitFor(() => resolved(message.token) || traffic.isRefused(message.token), Math.min(until, Date.now() + turn.patienceMs));
    await waitFor(() => unresolved() < MAX_UNRESOLVED, until);
    await sleep(turn.thinkMs);
  }
}
