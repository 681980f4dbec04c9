// Random interleavings at a run's end, through the pure core only (run-tracker.ts and
// run-phase.ts, driven as run.ts and run-manager.ts drive them): a result, a follow-up, an
// approval request, a relay tool call, the checkpoint, the change recorded, an exit, a cancel, a
// crash, in any order. Every message the run took is answered once or handed back, one it refused
// is never in it, and nothing is taken once its answers are out.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RunErrorCode } from "../../../src/protocol/vm/runs";
import { admit } from "../../src/core/run-phase";
import { newRunState, stepRun, type EventBody, type RunInput, type RunState } from "../../src/core/run-tracker";

type Action = "input" | "consume" | "result" | "approval" | "tool_call" | "checkpoint" | "change_known" | "exit" | "cancel" | "crash";
const ACTIONS: Action[] = ["input", "consume", "result", "approval", "tool_call", "checkpoint", "change_known", "exit", "cancel", "crash"];

type Sim = {
  state: RunState;
  stopping: RunErrorCode | null;
  events: EventBody[];
  accepted: string[];
  refused: string[];
  next: number;
  /** Approvals and tool calls the run took, by the index of the events at that moment. */
  asksAt: number[];
  /** Whether a model request was ever let through before the checkpoint. */
  modelBeforeCheckpoint: boolean;
  checkpointed: boolean;
};

function feed(sim: Sim, input: RunInput): void {
  const step = stepRun(sim.state, input);
  sim.state = step.state;
  sim.events.push(...step.events);
  // What run-manager does with a stop the run asks for (auth failure, unknown session).
  if (step.stop) sim.stopping ??= step.stop;
}

const view = (sim: Sim) => ({ phase: sim.state.phase, stopping: sim.stopping !== null });

function act(sim: Sim, action: Action): void {
  const model = admit(view(sim), "model_request");
  if (!sim.checkpointed && model.kind === "accept") sim.modelBeforeCheckpoint = true;
  switch (action) {
    case "input": {
      const id = `m${sim.next++}`;
      if (admit(view(sim), "input").kind === "accept") {
        sim.accepted.push(id);
        feed(sim, { type: "written", uuid: `u-${id}`, messageIds: [id] });
      } else sim.refused.push(id);
      return;
    }
    case "consume": {
      const turn = sim.state.turns.find((t) => !t.consumed);
      if (turn) feed(sim, { type: "consumed", uuid: turn.uuid });
      return;
    }
    case "result":
      // The CLI answers only what it read; with nothing read it has nothing to answer.
      if (sim.state.turns.some((t) => t.consumed && !t.answered))
        feed(sim, { type: "result", text: "ok", isError: false, subtype: "success", costUsd: 0, numTurns: 1, durationMs: 1, sessionId: "s", unknownSession: false, authFailure: null, modelFailure: null });
      return;
    case "approval":
      if (admit(view(sim), "approval_request").kind === "accept") {
        sim.asksAt.push(sim.events.length);
        feed(sim, { type: "approval_request", requestId: `r${sim.next++}`, tool: "Bash", input: {} });
      }
      return;
    case "tool_call":
      if (admit(view(sim), "tool_call").kind === "accept") {
        sim.asksAt.push(sim.events.length);
        feed(sim, { type: "tool_call", callId: `c${sim.next++}`, name: "send_file", args: {} });
      }
      return;
    case "checkpoint":
      sim.checkpointed = true;
      feed(sim, { type: "checkpointed" });
      return;
    case "change_known":
      if (sim.state.phase === "ending") feed(sim, { type: "ended", change: null });
      return;
    case "cancel":
      if (admit(view(sim), "cancel").kind === "accept") sim.stopping = "cancelled";
      return;
    case "exit":
      feed(sim, { type: "exited", stopCode: sim.stopping, message: "exited" });
      return;
    case "crash":
      feed(sim, { type: "exited", stopCode: null, message: "killed by SIGKILL" });
      return;
  }
}

function simulate(actions: Action[]): Sim {
  const sim: Sim = { state: newRunState("/w"), stopping: null, events: [], accepted: ["m0"], refused: [], next: 1, asksAt: [], modelBeforeCheckpoint: false, checkpointed: false };
  feed(sim, { type: "written", uuid: "u-m0", messageIds: ["m0"], fromStart: true });
  for (const action of actions) act(sim, action);
  // However it went, the run ends: the CLI goes (a stop), then its change is known.
  act(sim, "checkpoint");
  act(sim, "exit");
  act(sim, "change_known");
  return sim;
}

const idsOf = (events: EventBody[], type: "result" | "unconsumed") => events.flatMap((e) => (e.type === type ? e.messageIds : []));

describe("a run's end under random interleavings", () => {
  it("answers each message it took once or hands it back, never one it refused, and takes nothing once its answers are out", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ACTIONS), { maxLength: 40 }), (actions) => {
        const sim = simulate(actions);
        const { events } = sim;
        expect(sim.state.phase).toBe("finished");
        // One terminal event, the last one.
        const terminals = events.filter((e) => e.type === "done" || e.type === "error");
        expect(terminals).toHaveLength(1);
        const terminal = events.at(-1)!;
        expect(terminal).toBe(terminals[0]);
        const answered = idsOf(events, "result");
        const unconsumed = idsOf(events, "unconsumed");
        // Never answered twice, never both answered and handed back.
        expect(new Set(answered).size).toBe(answered.length);
        expect(answered.filter((id) => unconsumed.includes(id))).toEqual([]);
        // A refused follow-up (it goes into the next run) is nowhere in this one.
        for (const id of sim.refused) expect([...answered, ...unconsumed]).not.toContain(id);
        // Done: every message it took was answered.
        if (terminal.type === "done") expect([...answered].sort()).toEqual([...sim.accepted].sort());
        // Nothing was asked of the user after the run's last answer.
        const lastAnswer = events.findLastIndex((e) => e.type === "result");
        if (terminal.type === "done") for (const at of sim.asksAt) expect(at).toBeLessThan(lastAnswer);
        // The model's answers never reached the process before the checkpoint.
        expect(sim.modelBeforeCheckpoint).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it("a follow-up that arrives once the last result is read goes to the next run, and the last reply waits for the change", () => {
    const sim: Sim = { state: newRunState("/w"), stopping: null, events: [], accepted: ["m0"], refused: [], next: 1, asksAt: [], modelBeforeCheckpoint: false, checkpointed: false };
    feed(sim, { type: "written", uuid: "u-m0", messageIds: ["m0"], fromStart: true });
    for (const action of ["checkpoint", "consume", "result", "input", "approval", "tool_call"] as Action[]) act(sim, action);
    // Its answers are out of the CLI: nothing new is taken, and the reply is not out yet.
    expect(sim.state.phase).toBe("ending");
    expect(sim.refused).toEqual(["m1"]);
    expect(sim.asksAt).toEqual([]);
    expect(sim.events.map((e) => e.type)).toEqual(["session"]);
    act(sim, "change_known");
    expect(sim.events.map((e) => e.type)).toEqual(["session", "result", "done"]);
    expect(sim.state.phase).toBe("finished");
  });
});
