// How the user steers a conversation's agent from the phone: /model, /effort and /plan, their
// arguments checked and their answers worded. Pure: the conversation's row holds the choices
// (migration 0038) and runs/run-input.ts passes them at every start.
import { EFFORT_LEVELS, MODEL_NAME, type Effort } from "../protocol/vm/runs";
import { quoteInput } from "../shared/quote-input";

export type ModelCommand = { type: "model"; model: string | null | "default" };
export type EffortCommand = { type: "effort"; effort: Effort | null | "default" };
export type PlanCommand = { type: "plan"; action: "show" | "on" | "off" } | { type: "plan"; action: "prompt"; prompt: string };

/** The CLI's own aliases, as its help and /model name them (docs/notes/cli-observations.md, "Plan mode, --model and --effort"). */
export const MODEL_ALIASES = ["opus", "sonnet", "haiku", "opusplan", "sonnet[1m]", "opus[1m]"] as const;

type Parsed<T> = T | { type: "invalid"; reason: string };

/** `/model`, `/model sonnet`, `/model claude-sonnet-4-5`, `/model default`. */
export function parseModelArgs(args: string): Parsed<ModelCommand> {
  const word = args.trim();
  if (word === "") return { type: "model", model: null };
  const lower = word.toLowerCase();
  if (lower === "default") return { type: "model", model: "default" };
  if ((MODEL_ALIASES as readonly string[]).includes(lower)) return { type: "model", model: lower };
  if (MODEL_NAME.test(word)) return { type: "model", model: word };
  return { type: "invalid", reason: `/model takes opus, sonnet, haiku, a model id or default, not “${quoteInput(word, 40)}”.` };
}

/** `/effort`, `/effort low|medium|high|xhigh|max|default`. */
export function parseEffortArgs(args: string): Parsed<EffortCommand> {
  const word = args.trim().toLowerCase();
  if (word === "") return { type: "effort", effort: null };
  if (word === "default") return { type: "effort", effort: "default" };
  if ((EFFORT_LEVELS as readonly string[]).includes(word)) return { type: "effort", effort: word as Effort };
  return { type: "invalid", reason: `/effort takes ${EFFORT_LEVELS.join(", ")} or default, not “${quoteInput(args.trim(), 30)}”.` };
}

/** `/plan`, `/plan on|off`, `/plan <prompt>`: the prompt runs in plan mode. */
export function parsePlanArgs(args: string): PlanCommand {
  const word = args.trim();
  const lower = word.toLowerCase();
  if (word === "") return { type: "plan", action: "show" };
  if (lower === "on" || lower === "off") return { type: "plan", action: lower };
  return { type: "plan", action: "prompt", prompt: word };
}

export function modelReply(conversation: string, model: string | null, changed: boolean): string {
  const now = model === null ? "the default model" : model;
  const head = changed ? `[${conversation}] From the next run the agent uses ${now}, after /new and in this conversation's scheduled tasks too.` : `[${conversation}] The agent uses ${now}.`;
  return `${head}\nChoose with /model opus, /model sonnet, /model haiku, /model <model id> or /model default.`;
}

export function effortReply(conversation: string, effort: Effort | null, changed: boolean): string {
  const now = effort === null ? "the default effort" : `${effort} effort`;
  const head = changed ? `[${conversation}] From the next run the agent works at ${now}.` : `[${conversation}] The agent works at ${now}.`;
  return `${head}\nChoose with /effort ${EFFORT_LEVELS.join("|")} or /effort default.`;
}

export function planReply(conversation: string, on: boolean, changed: boolean): string {
  if (on) return `[${conversation}] ${changed ? "From now on every" : "Every"} run plans first and shows you the plan before it changes anything. /plan off to stop.`;
  return `[${conversation}] ${changed ? "Plan-first is off" : "Runs do not plan first"}. /plan <task> plans one task first; /plan on makes it the default.`;
}
