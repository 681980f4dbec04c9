// The pending-asks helper behind relay tool calls and approvals: each question settles once, by
// its answer, its timeout or its run's end, and a late answer is told which of them it missed.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createPendingAsks, type AnswerOutcome, type AskOutcome } from "../src/relay-tools/pending-asks";

type Step =
  | { do: "ask"; run: string; id: string; timeoutMs: number }
  | { do: "answer"; run: string; id: string; value: string; expect: AnswerOutcome }
  | { do: "wait"; ms: number }
  | { do: "endRun"; run: string };

type Case = { name: string; steps: Step[]; outcomes: Record<string, AskOutcome<string> | "waiting"> };

const ask = (id: string, timeoutMs = 1_000, run = "r1"): Step => ({ do: "ask", run, id, timeoutMs });
const answer = (id: string, value: string, expected: AnswerOutcome, run = "r1"): Step => ({ do: "answer", run, id, value, expect: expected });

const cases: Case[] = [
  { name: "an answer settles the question", steps: [ask("a"), answer("a", "yes", "ok")], outcomes: { a: { kind: "answer", value: "yes" } } },
  { name: "a second answer is settled, the first stands", steps: [ask("a"), answer("a", "yes", "ok"), answer("a", "no", "settled")], outcomes: { a: { kind: "answer", value: "yes" } } },
  { name: "an id never asked is unknown", steps: [ask("a"), answer("b", "yes", "unknown")], outcomes: { a: "waiting" } },
  { name: "another run's id is unknown", steps: [ask("a"), answer("a", "yes", "unknown", "r2")], outcomes: { a: "waiting" } },
  { name: "no answer in time is a timeout", steps: [ask("a", 500), { do: "wait", ms: 499 }], outcomes: { a: "waiting" } },
  { name: "the timeout settles it", steps: [ask("a", 500), { do: "wait", ms: 500 }, answer("a", "late", "settled")], outcomes: { a: { kind: "timeout" } } },
  { name: "each question has its own timeout", steps: [ask("a", 500), ask("b", 2_000), { do: "wait", ms: 600 }, answer("b", "yes", "ok")], outcomes: { a: { kind: "timeout" }, b: { kind: "answer", value: "yes" } } },
  { name: "the run's end settles every waiting question", steps: [ask("a"), ask("b"), answer("a", "yes", "ok"), { do: "endRun", run: "r1" }, answer("b", "late", "settled")], outcomes: { a: { kind: "answer", value: "yes" }, b: { kind: "run_over" } } },
  { name: "a question asked after the run's end is over at once", steps: [{ do: "endRun", run: "r1" }, ask("a")], outcomes: { a: { kind: "run_over" } } },
  { name: "one run's end leaves another's questions waiting", steps: [ask("a"), ask("b", 1_000, "r2"), { do: "endRun", run: "r1" }, answer("b", "yes", "ok", "r2")], outcomes: { a: { kind: "run_over" }, b: { kind: "answer", value: "yes" } } },
  { name: "a run's end after the timeout changes nothing", steps: [ask("a", 100), { do: "wait", ms: 100 }, { do: "endRun", run: "r1" }], outcomes: { a: { kind: "timeout" } } },
  { name: "an ended run's questions are forgotten after the keep time", steps: [ask("a"), { do: "endRun", run: "r1" }, { do: "wait", ms: 60_000 }, answer("a", "late", "unknown")], outcomes: { a: { kind: "run_over" } } },
  { name: "and remembered until then", steps: [ask("a"), { do: "endRun", run: "r1" }, { do: "wait", ms: 59_999 }, answer("a", "late", "settled")], outcomes: { a: { kind: "run_over" } } },
];

describe("pending asks", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it.each(cases)("$name", async ({ steps, outcomes }) => {
    const asks = createPendingAsks<string, { asked: string }>({ keepSettledMs: 60_000 });
    const seen = new Map<string, AskOutcome<string>>();
    for (const step of steps) {
      if (step.do === "ask") void asks.ask(step.run, step.id, step.timeoutMs, { asked: step.id }).then((outcome) => seen.set(step.id, outcome));
      if (step.do === "answer") expect(asks.answer(step.run, step.id, step.value), JSON.stringify(step)).toBe(step.expect);
      if (step.do === "wait") await vi.advanceTimersByTimeAsync(step.ms);
      if (step.do === "endRun") asks.endRun(step.run);
      await Promise.resolve();
    }
    await vi.advanceTimersByTimeAsync(0);
    for (const [id, expected] of Object.entries(outcomes)) expect(seen.get(id) ?? "waiting", id).toEqual(expected);
  });

  it("tells what a question is waiting with, and nothing once it is settled", () => {
    const asks = createPendingAsks<string, { tool: string }>({ keepSettledMs: 60_000 });
    void asks.ask("r1", "a", 1_000, { tool: "Bash" });
    expect(asks.state("r1", "a")).toEqual({ kind: "waiting", context: { tool: "Bash" } });
    expect(asks.state("r1", "b")).toEqual({ kind: "unknown" });
    asks.answer("r1", "a", "yes");
    expect(asks.state("r1", "a")).toEqual({ kind: "settled" });
  });

  it("refuses the same id asked twice in one run: an answer could not say which it settles", () => {
    const asks = createPendingAsks<string>({ keepSettledMs: 60_000 });
    void asks.ask("r1", "a", 1_000, undefined);
    expect(() => asks.ask("r1", "a", 1_000, undefined)).toThrow(/already asked/);
  });

  it("forgets an ended run entirely after the keep time", async () => {
    const asks = createPendingAsks<string>({ keepSettledMs: 60_000 });
    void asks.ask("r1", "a", 1_000, undefined);
    asks.endRun("r1");
    expect(asks.runCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(asks.runCount()).toBe(0);
  });
});
