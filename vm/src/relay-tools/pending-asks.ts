// Questions an agent asked the relay that wait for its answer: relay tool calls (tool-bridge.ts)
// and approval requests (approval-bridge.ts). Each is keyed by run and id, waits at most its
// timeout and never past the end of its run, and is settled exactly once. Settled questions of a
// run are remembered for a while after the run ends, so a late answer is told "settled", not
// "unknown".

export type AskOutcome<T> = { kind: "answer"; value: T } | { kind: "timeout" } | { kind: "run_over" };
export type AnswerOutcome = "ok" | "unknown" | "settled";
/** What is known of one question: still waiting (with what it was asked with), settled, or never asked. */
export type AskState<C> = { kind: "waiting"; context: C } | { kind: "settled" } | { kind: "unknown" };

type Waiting<T, C> = { context: C; settle: (outcome: AskOutcome<T>) => void };
type RunAsks<T, C> = { entries: Map<string, Waiting<T, C> | "settled">; over: boolean };

export function createPendingAsks<T, C = undefined>(options: { keepSettledMs: number }) {
  const byRun = new Map<string, RunAsks<T, C>>();

  function asksOf(runId: string): RunAsks<T, C> {
    let asks = byRun.get(runId);
    if (!asks) {
      asks = { entries: new Map(), over: false };
      byRun.set(runId, asks);
    }
    return asks;
  }

  return {
    /** Waits for `answer(runId, id, …)`, `timeoutMs` or `endRun(runId)`, whichever comes first. */
    ask(runId: string, id: string, timeoutMs: number, context: C): Promise<AskOutcome<T>> {
      const asks = asksOf(runId);
      if (asks.over) return Promise.resolve({ kind: "run_over" });
      if (asks.entries.has(id)) throw new Error(`question ${id} of run ${runId} was already asked`);
      return new Promise((resolve) => {
        const timer = setTimeout(() => waiting.settle({ kind: "timeout" }), timeoutMs);
        const waiting: Waiting<T, C> = {
          context,
          settle(outcome) {
            if (asks.entries.get(id) !== waiting) return;
            asks.entries.set(id, "settled");
            clearTimeout(timer);
            resolve(outcome);
          },
        };
        asks.entries.set(id, waiting);
      });
    },

    state(runId: string, id: string): AskState<C> {
      const entry = byRun.get(runId)?.entries.get(id);
      if (entry === undefined) return { kind: "unknown" };
      return entry === "settled" ? { kind: "settled" } : { kind: "waiting", context: entry.context };
    },

    /** Settles a waiting question with the answer; a question already settled keeps its outcome. */
    answer(runId: string, id: string, value: T): AnswerOutcome {
      const entry = byRun.get(runId)?.entries.get(id);
      if (entry === undefined) return "unknown";
      if (entry === "settled") return "settled";
      entry.settle({ kind: "answer", value });
      return "ok";
    },

    /** The run is over: its waiting questions end with `run_over`, later ones at once; forgotten after `keepSettledMs`. */
    endRun(runId: string): void {
      const asks = asksOf(runId);
      if (asks.over) return;
      asks.over = true;
      for (const entry of [...asks.entries.values()]) if (entry !== "settled") entry.settle({ kind: "run_over" });
      setTimeout(() => byRun.get(runId) === asks && byRun.delete(runId), options.keepSettledMs).unref();
    },

    /** Runs with questions remembered (for tests of the forgetting). */
    runCount: () => byRun.size,
  };
}

export type PendingAsks<T, C = undefined> = ReturnType<typeof createPendingAsks<T, C>>;
