// The arguments of /schedule: a new task (cron, every, every … at, at) or an action on one by
// id. Only the shape is read here; whether the task is acceptable is validateScheduleSpec's decision.
import { firstWord } from "../shared/command-words";
import type { InvalidCommand } from "../shared/command-words";
import { quoteInput } from "../shared/quote-input";
import type { ScheduleRequest, TaskContext } from "./schedule-validate";
import { parseScheduleId } from "./schedule-validate";
import { takeDaysAt } from "./schedule-days";
import { takeWhen, WHEN_FORMS } from "./schedule-when";

export type ScheduleAction = "pause" | "resume" | "delete" | "log" | "trust";

/** /schedule's commands. A new task is not yet validated: pass `request` to validateScheduleSpec with the user's zone and now. */
export type ScheduleCommand =
  | { type: "schedule_create"; request: ScheduleRequest }
  | { type: "schedule_list" }
  | { type: "schedule_manage"; action: ScheduleAction; id: number };

const invalid = (reason: string): InvalidCommand => ({ type: "invalid", reason });

// Phones turn "--" into an en or em dash and straight quotes into curly ones; both are read.
const DASHES = "(?:--|—|–)";
const IN_CHAT_FLAG = new RegExp(`^${DASHES}in-chat(?=\\s|$)`, "i");
const ANY_FLAG = new RegExp(`^${DASHES}\\S*`);
const IN_CHAT_ANYWHERE = new RegExp(`(?:^|\\s)${DASHES}in-chat(?=\\s|$)`, "i");
const OPEN_QUOTE = /^["“”„]/;
const CLOSE_QUOTE = /["“”]/;

const USAGE = 'Usage: /schedule cron "<cron>" <prompt>, every <duration> <prompt>, every <days> at <time> <prompt>, at <time> <prompt>, or pause|resume|delete|log|trust <id>.';
const FLAG_HINT = "put --in-chat just before the prompt, e.g. /schedule every 2h --in-chat check the build";
const ACTIONS: readonly ScheduleAction[] = ["pause", "resume", "delete", "log", "trust"];

/** The optional --in-chat flag, then the prompt, which is kept as typed apart from trimming. */
function takeContext(rest: string): { context: TaskContext; prompt: string } | { reason: string } {
  let context: TaskContext = "fresh";
  let prompt = rest.trim();
  const flag = IN_CHAT_FLAG.exec(prompt);
  if (flag) {
    context = "chat";
    prompt = prompt.slice(flag[0].length).trim();
  } else if (ANY_FLAG.test(prompt)) {
    return { reason: `Unknown option ${quoteInput(firstWord(prompt)[0])}: the only option is --in-chat.` };
  }
  // A flag anywhere else would silently become part of the prompt: refuse and say where it goes.
  if (IN_CHAT_ANYWHERE.test(prompt)) return { reason: `The --in-chat flag is in the wrong place: ${FLAG_HINT}.` };
  return { context, prompt };
}

function quotedCron(rest: string): { expr: string; rest: string } | { reason: string } {
  const example = 'Put the cron in quotes: /schedule cron "0 9 * * 1-5" <prompt>.';
  if (!OPEN_QUOTE.test(rest)) return { reason: example };
  const closeAt = rest.slice(1).search(CLOSE_QUOTE) + 1;
  if (closeAt === 0) return { reason: `The cron has no closing quote. ${example}` };
  return { expr: rest.slice(1, closeAt).trim(), rest: rest.slice(closeAt + 1) };
}

type WhenFields = { kind: "cron"; expr: string } | { kind: "every"; every: string } | { kind: "at"; at: string };

function takeWhenFields(kind: WhenFields["kind"], rest: string): { fields: WhenFields; rest: string } | { reason: string } {
  if (kind === "cron") {
    const cron = quotedCron(rest);
    return "reason" in cron ? cron : { fields: { kind, expr: cron.expr }, rest: cron.rest };
  }
  if (kind === "every") {
    // "every weekday at 9am": days and a time of day, which is a cron.
    const days = takeDaysAt(rest);
    if (days) return "reason" in days ? days : { fields: { kind: "cron", expr: days.expr }, rest: days.rest };
    const [every, after] = firstWord(rest);
    return every === "" ? { reason: "Every how long? e.g. /schedule every 2h <prompt>." } : { fields: { kind, every }, rest: after };
  }
  const taken = takeWhen(rest);
  if (!taken) return { reason: `Unknown time "${quoteInput(firstWord(rest)[0])}". Use forms like ${WHEN_FORMS}.` };
  return { fields: { kind, at: taken.when }, rest: taken.rest };
}

function newTask(kind: WhenFields["kind"], rest: string): ScheduleCommand | InvalidCommand {
  const when = takeWhenFields(kind, rest);
  if ("reason" in when) return invalid(when.reason);
  const tail = takeContext(when.rest);
  if ("reason" in tail) return invalid(tail.reason);
  const request: ScheduleRequest = { ...when.fields, ...tail };
  return { type: "schedule_create", request };
}

/** Parses what follows "/schedule". */
export function parseScheduleArgs(args: string): ScheduleCommand | InvalidCommand {
  const [word, rest] = firstWord(args);
  const kind = word.toLowerCase();
  if (kind === "") return invalid(USAGE);
  if (kind === "cron" || kind === "every" || kind === "at") return newTask(kind, rest);
  if (kind === "list") return rest === "" ? { type: "schedule_list" } : invalid("/schedule list takes no arguments.");
  const action = ACTIONS.find((name) => name === kind);
  if (action) {
    const [idText, extra] = firstWord(rest);
    if (idText === "") return invalid(`Which task? /schedule ${action} <id>; /schedules lists the ids.`);
    const id = parseScheduleId(idText);
    if (id === null) return invalid(`"${quoteInput(idText)}" is not a task id: ids are the numbers /schedules shows.`);
    if (extra !== "") return invalid(`/schedule ${action} takes one id.`);
    return { type: "schedule_manage", action, id };
  }
  if (IN_CHAT_FLAG.test(word)) return invalid(`The --in-chat flag is in the wrong place: ${FLAG_HINT}.`);
  return invalid(`Unknown /schedule kind "${quoteInput(word)}". ${USAGE}`);
}
