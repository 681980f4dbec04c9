import { describe, expect, it } from "vitest";
import { planAnswer, type TargetPrompt } from "../../src/approvals/approval-targets";
import type { AnswerTarget } from "../../src/approvals/approvals";

const own = (number: number): TargetPrompt => ({ number, event: null });
const fromEvent = (number: number, event = "[trigger deploy]"): TargetPrompt => ({ number, event });
/** Every prompt ever shown, open or closed, by number. */
const everShown = (prompts: TargetPrompt[]) => (n: number) => prompts.find((p) => p.number === n) ?? null;

const only: AnswerTarget = { kind: "only" };
const all: AnswerTarget = { kind: "all" };
const number = (n: number): AnswerTarget => ({ kind: "number", number: n });

describe("planAnswer", () => {
  it.each([
    ["a bare answer, one own prompt open", [own(7)], only, { kind: "answer", answer: [own(7)], leftOpen: [] }],
    ["a bare answer, only an event's prompt open", [fromEvent(8)], only, { kind: "events_only", leftOpen: [fromEvent(8)] }],
    ["a bare answer, several open", [own(7), own(9)], only, { kind: "which" }],
    ["all, own prompts only", [own(7), own(9)], all, { kind: "answer", answer: [own(7), own(9)], leftOpen: [] }],
    ["all leaves an event's prompt open", [own(7), fromEvent(8), own(9)], all, { kind: "answer", answer: [own(7), own(9)], leftOpen: [fromEvent(8)] }],
    ["all with only events' prompts open answers nothing", [fromEvent(8), fromEvent(10, "[acme/api#3 issue]")], all, { kind: "events_only", leftOpen: [fromEvent(8), fromEvent(10, "[acme/api#3 issue]")] }],
    ["a number answers that prompt, an event's too", [own(7), fromEvent(8)], number(8), { kind: "answer", answer: [fromEvent(8)], leftOpen: [] }],
  ])("%s", (_name, open, target, plan) => {
    expect(planAnswer(open, target, everShown(open))).toEqual(plan);
  });

  it("a late number of a closed prompt says it was closed and answers nothing, not the newer prompt", () => {
    // #2 closed (timed out); the next prompt is #3: never 2 again.
    const closed = { number: 2, event: null, status: "expired" };
    expect(planAnswer([own(3)], number(2), everShown([closed, own(3)]))).toEqual({ kind: "closed", prompt: closed });
  });

  it("a number no prompt ever had is unknown", () => {
    expect(planAnswer([own(3)], number(99), everShown([own(3)]))).toEqual({ kind: "unknown_number", number: 99 });
  });
});
