// What a run takes in each phase (run-phase.ts): one row per ask, one column per phase, with and
// without a stop under way; and how the phase moves.
import { describe, expect, it } from "vitest";
import { admit, nextPhase, type Admission, type PhaseEvent, type RunAsk, type RunPhase } from "../../src/core/run-phase";

const PHASES: RunPhase[] = ["starting", "live", "ending", "finished"];
type Kind = Admission["kind"];

/** Expected kind per phase, in PHASES' order: [not stopping], [stopping]. */
const TABLE: Record<RunAsk, { running: Kind[]; stopping: Kind[] }> = {
  input: { running: ["accept", "accept", "refuse", "refuse"], stopping: ["refuse", "refuse", "refuse", "refuse"] },
  approval_request: { running: ["accept", "accept", "refuse", "refuse"], stopping: ["refuse", "refuse", "refuse", "refuse"] },
  tool_call: { running: ["accept", "accept", "refuse", "refuse"], stopping: ["refuse", "refuse", "refuse", "refuse"] },
  model_request: { running: ["hold", "accept", "refuse", "refuse"], stopping: ["hold", "accept", "refuse", "refuse"] },
  cancel: { running: ["accept", "accept", "ignore", "ignore"], stopping: ["ignore", "ignore", "ignore", "ignore"] },
  undo: { running: ["refuse", "refuse", "after_end", "accept"], stopping: ["refuse", "refuse", "after_end", "accept"] },
};

describe("admit", () => {
  const cases = Object.entries(TABLE).flatMap(([ask, row]) =>
    PHASES.flatMap((phase, i) => [
      { ask: ask as RunAsk, phase, stopping: false, want: row.running[i]! },
      { ask: ask as RunAsk, phase, stopping: true, want: row.stopping[i]! },
    ]),
  );
  it.each(cases)("$ask in $phase (stopping: $stopping) → $want", ({ ask, phase, stopping, want }) => {
    const admission = admit({ phase, stopping }, ask);
    expect(admission.kind).toBe(want);
    // A refusal always says why, in words the agent or the relay can pass on.
    if (admission.kind === "refuse") expect(admission.reason.length).toBeGreaterThan(5);
  });
});

describe("nextPhase", () => {
  const EVENTS: PhaseEvent["type"][] = ["checkpointed", "concluded", "ended"];
  /** Expected next phase per event, in EVENTS' order. */
  const MOVES: Record<RunPhase, RunPhase[]> = {
    starting: ["live", "ending", "starting"],
    live: ["live", "ending", "live"],
    ending: ["ending", "ending", "finished"],
    finished: ["finished", "finished", "finished"],
  };
  const cases = PHASES.flatMap((phase) => EVENTS.map((type, i) => ({ phase, type, want: MOVES[phase][i]! })));
  it.each(cases)("$phase + $type → $want", ({ phase, type, want }) => {
    expect(nextPhase(phase, { type })).toBe(want);
  });
});
