// What the offline model does in the CLI's plan mode (`--permission-mode plan`): as a real model,
// it writes its plan to the plan file the CLI names and presents it with ExitPlanMode, changing
// nothing else. Once the plan is approved it carries the request out; once declined, it says so
// and waits. Pure: the request's words in, the next step out; tested as a table.
import { nextStep, recogniseIntent, type DoneCall, type Intent, type Step, type ToolCall } from "./offline-intents";

/** What the CLI tells the model about plan mode, read from a Messages API request. */
export type PlanModeState = {
  /** Plan mode is on: its reminder came after any "Exited Plan Mode". */
  active: boolean;
  /** The only file plan mode lets the model write, as the CLI names it; null when it names none. */
  planFile: string | null;
};

/** The CLI's words (observed with 2.1.330, docs/notes/cli-observations.md "Plan mode"). */
const ACTIVE = "Plan mode is active";
const EXITED = "Exited Plan Mode";
const PLAN_FILE = /(?:create your plan at|plan file already exists at) (\/[^\s"\\]+?\.md)/g;

/** Plan mode as the request's text states it; `text`: the request's messages and system prompt, as JSON. */
export function planModeOf(text: string): PlanModeState {
  const files = [...text.matchAll(PLAN_FILE)].map((match) => match[1]!);
  return { active: text.lastIndexOf(ACTIVE) > text.lastIndexOf(EXITED), planFile: files.at(-1) ?? null };
}

export const EXIT_PLAN_MODE = "ExitPlanMode";

const clip = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
};

/** The plan's steps for a request, in the words a model would write them. */
function stepsOf(intent: Intent | null, request: string): string[] {
  switch (intent?.kind) {
    case "write":
      return [`Write ${intent.path} with “${clip(intent.content, 80)}”.`, `Read it back to check.`];
    case "replace":
      return [`Read ${intent.path}.`, `Change “${clip(intent.from, 60)}” to “${clip(intent.to, 60)}” in it.`];
    case "run":
      return [`Run \`${clip(intent.command, 80)}\`.`, "Tell you what it printed."];
    case undefined:
      return ["Look through the project's files.", `Make the change asked: «${clip(request, 200)}».`, "Check that it works."];
    default:
      return [`Do what was asked: «${clip(request, 200)}».`];
  }
}

/** The plan file's text: a title, the request in the user's words, numbered steps. */
export function planText(request: string): string {
  const steps = stepsOf(recogniseIntent(request), request);
  return [`# Plan: ${clip(request, 80)}`, "", `Asked: «${clip(request, 300)}»`, "", ...steps.map((step, i) => `${i + 1}. ${step}`), ""].join("\n");
}

/**
 * The next step while plan mode is on: the plan written to its file, then ExitPlanMode; a declined
 * plan ends the turn saying so. `done`: this turn's tool calls so far.
 */
export function planModeStep(request: string, planFile: string | null, done: readonly DoneCall[]): Step {
  const last = done.at(-1);
  const write: ToolCall | null = planFile ? { name: "Write", input: { file_path: planFile, content: planText(request) } } : null;
  if (!last) return { kind: "tools", calls: [write ?? { name: EXIT_PLAN_MODE, input: { plan: planText(request) } }] };
  if (last.name === EXIT_PLAN_MODE) {
    return { kind: "text", text: `[offline model] I will not go ahead with that plan: ${clip(last.text.replace(/<\/?tool_use_error>/g, ""), 300)}` };
  }
  if (last.isError) return { kind: "text", text: `[offline model] I could not write the plan: ${clip(last.text, 300)}` };
  return { kind: "tools", calls: [{ name: EXIT_PLAN_MODE, input: { plan: planText(request) } }] };
}

/**
 * After an approved plan (the turn's ExitPlanMode answered): the request carried out from there, by
 * the calls after the approval; a request the offline model cannot do is said so.
 */
export function afterPlanStep(request: string, done: readonly DoneCall[], o: Parameters<typeof nextStep>[2]): Step {
  const exit = done.map((call) => call.name).lastIndexOf(EXIT_PLAN_MODE);
  const intent = recogniseIntent(request);
  if (!intent) return { kind: "text", text: `[offline model] The plan is approved, but offline I can only act it out: «${clip(request, 200)}» needs the real model.` };
  return nextStep(intent, done.slice(exit + 1), o);
}

/** Whether this turn has an approved ExitPlanMode: the plan's answer let the run go on. */
export function planApproved(done: readonly DoneCall[]): boolean {
  const exit = done.findLast((call) => call.name === EXIT_PLAN_MODE);
  return exit !== undefined && !exit.isError;
}
