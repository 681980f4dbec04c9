// The parallel benchmark as data: the two sides of the second-conversation figure, the interleaved
// order of its samples, how many, the conversations and the texts each run sends. Pure.

/** Conversation B's follow-up with nothing else running, and the same while a long run goes in A. */
export type ParallelSide = "alone" | "beside";

export const SIDE_LABELS: Record<ParallelSide, string> = { alone: "nothing else running", beside: "a long run live in another conversation" };

/**
 * One round's two samples: alone then beside in even rounds, beside then alone in odd ones, so
 * neither side always follows the other.
 */
export function roundOrder(round: number): readonly ParallelSide[] {
  return round % 2 === 0 ? ["alone", "beside"] : ["beside", "alone"];
}

/** Follow-ups per side (a shared machine moves single samples by tens of ms: 20 as checkpoint-path), 3 when quick. */
export function samplesPerSide(quick: boolean): number {
  return quick ? 3 : 20;
}

/** Rounds of three runs started at once, 2 when quick. */
export function triplesRounds(quick: boolean): number {
  return quick ? 2 : 5;
}

/** Turns in A and in B before the samples: the first spawns each conversation's CLI, the others find it warm. */
export const WARM_UP_TURNS = 3;

/**
 * How long the offline model holds A's answer (`[[slow MS]]`): A's run is live, its CLI waiting
 * on the model, for the whole of B's turn, whose end the section awaits before A's.
 */
export const LONG_RUN_MS = 6_000;

/**
 * How long after A's request reached the model B's run is sent: A is then in the middle of its
 * long run, its CLI waiting on the model. Sent at once, B would share the two cores with what
 * follows A's request on the VM (the checkpoint after the request goes upstream), not with a
 * long run.
 */
export const LONG_RUN_SETTLE_MS = 1_500;

/** The pause before each follow-up, as the machines section's: a person reads the reply first. */
export const THINK_MS = 1_000;

/** The one user, and the workspace of each conversation (the relay's workspace ids). */
export const USER_ID = "+15550045001";
export const CONVERSATIONS = { long: "bench-long", second: "bench-second", triple: ["bench-one", "bench-two", "bench-three"] } as const;

/** A text no other run sends, so the model request carrying it is this run's. */
export function turnText(kind: "long" | "alone" | "beside" | "warm_up" | "triple", index: number, runId: string): string {
  const text = `bench parallel ${kind} ${index} ${runId}`;
  return kind === "long" ? `${text} [[slow ${LONG_RUN_MS}]]` : text;
}

/**
 * The VM's settings. The second-conversation VM keeps its processes warm as shipped; the VM of
 * the three runs keeps none (`WARM_SESSION_MS=0`), so each round starts three new CLIs on a VM
 * running no agent, and its peak memory is theirs.
 */
export const VM_SETTINGS = { second: {}, triple: { WARM_SESSION_MS: "0" } } as const;

/** How often the VM's process tree is read for its memory while the three runs go. */
export const MEMORY_SAMPLE_MS = 50;
