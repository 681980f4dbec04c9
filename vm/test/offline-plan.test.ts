// The offline model in plan mode, as a table: the plan written to the file the CLI names, then
// ExitPlanMode; a declined plan said so; an approved one carried out.
import { describe, expect, it } from "vitest";
import { afterPlanStep, planApproved, planModeOf, planModeStep, planText } from "../../test/stand-ins/offline-plan";

const FILE = "/home/u/.claude/plans/a-plan.md";
const o = { cwd: "/w", toolNames: ["Write", "Read"], relayTool: (name: string) => name };

describe("planModeOf", () => {
  it.each([
    ["Plan mode is active. … You should create your plan at /home/u/.claude/plans/a-plan.md using the Write tool.", { active: true, planFile: FILE }],
    ["Plan mode is active. … A plan file already exists at /home/u/.claude/plans/a-plan.md. You can read it", { active: true, planFile: FILE }],
    ["Plan mode is active. create your plan at /home/u/.claude/plans/a-plan.md … ## Exited Plan Mode", { active: false, planFile: FILE }],
    ["nothing about plans", { active: false, planFile: null }],
  ])("%s", (text, state) => expect(planModeOf(text)).toEqual(state));
});

describe("planModeStep", () => {
  const request = "write 'hi' to a.txt";
  it.each([
    ["writes the plan file first", [], { kind: "tools", calls: [{ name: "Write", input: { file_path: FILE, content: planText(request) } }] }],
    ["then presents it", [{ name: "Write", input: {}, text: "ok", isError: false }], { kind: "tools", calls: [{ name: "ExitPlanMode", input: { plan: planText(request) } }] }],
    [
      "says a declined plan is not carried out",
      [{ name: "Write", input: {}, text: "ok", isError: false }, { name: "ExitPlanMode", input: {}, text: "<tool_use_error>change it</tool_use_error>", isError: true }],
      { kind: "text", text: "[offline model] I will not go ahead with that plan: change it" },
    ],
  ])("%s", (_, done, step) => expect(planModeStep(request, FILE, done)).toEqual(step));

  it("names the request's steps in the plan", () => expect(planText(request)).toContain("1. Write a.txt with “hi”."));
});

describe("after an approved plan", () => {
  const exit = { name: "ExitPlanMode", input: {}, text: "User has approved exiting plan mode.", isError: false };
  it("carries the request out from the approval on", () => {
    expect(planApproved([exit])).toBe(true);
    expect(afterPlanStep("write 'hi' to a.txt", [exit], o)).toEqual({ kind: "tools", calls: [{ name: "Write", input: { file_path: "/w/a.txt", content: "hi\n" } }] });
  });
  it("is not approved when the plan was declined", () => expect(planApproved([{ ...exit, isError: true }])).toBe(false));
});
