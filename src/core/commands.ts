// WhatsApp messages that start with a /command, which the relay answers itself without waking
// the agent: parsed into data here, carried out by the Durable Object.
import { firstWord, parseScheduleArgs } from "./command-schedule";
import { quoteInput } from "./quote-input";
import type { ScheduleRequest } from "./schedule-validate";
import { validateTimeZone } from "./schedule-validate";

export type ScheduleAction = "pause" | "resume" | "delete" | "log";

export type ParsedCommand =
  | { type: "help" }
  | { type: "status" }
  | { type: "cancel" }
  | { type: "new" }
  /** Not yet validated: pass `request` to validateScheduleSpec with the user's zone and now. */
  | { type: "schedule_create"; request: ScheduleRequest }
  | { type: "schedule_list" }
  | { type: "schedule_manage"; action: ScheduleAction; id: number }
  | { type: "tz_show" }
  | { type: "tz_set"; timeZone: string }
  /** Admin only (ADMIN_SENDERS): is the agent VM reachable, and how fast. */
  | { type: "vm_health" }
  | { type: "invalid"; reason: string };

/** Every command, as /help lists it. */
export const COMMAND_HELP: ReadonlyArray<{ usage: string; description: string }> = [
  { usage: "/help", description: "this list" },
  { usage: "/status", description: "what is queued and what is running now" },
  { usage: "/cancel", description: "stop the current run" },
  { usage: "/new", description: "start a fresh agent session (forgets the conversation)" },
  { usage: '/schedule cron "0 9 * * 1-5" <prompt>', description: "a task on a cron schedule, in your time zone" },
  { usage: "/schedule every 2h <prompt>", description: "a task every 30m, 2h, 1d, 1h30m… (at least 1m)" },
  { usage: "/schedule at tomorrow 9:00 <prompt>", description: "a task once (also 2026-12-01 09:00, today 17:00, 17:00, 5pm)" },
  { usage: "/schedule every 2h --in-chat <prompt>", description: "--in-chat before the prompt: run in this conversation, not a fresh session" },
  { usage: "/schedules", description: "your tasks: id, next run, last result" },
  { usage: "/schedule pause <id>", description: "pause a task" },
  { usage: "/schedule resume <id>", description: "start a paused task again" },
  { usage: "/schedule delete <id>", description: "delete a task" },
  { usage: "/schedule log <id>", description: "a task's last runs" },
  { usage: "/tz Europe/London", description: "set your time zone; /tz alone shows it" },
  { usage: "/vm", description: "admins: check that the agent VM answers" },
];

export function helpText(): string {
  return ["Commands (answered without waking the agent):", ...COMMAND_HELP.map((c) => `${c.usage} – ${c.description}`)].join("\n");
}

const invalid = (reason: string): ParsedCommand => ({ type: "invalid", reason });

// A command is a slash and letters as the first word, optionally followed by ! ? or a full
// stop. "/usr/bin/env is broken" or "/ 2" is not a command: the agent gets it.
const COMMAND_WORD = /^\/([A-Za-z]+)[.!?]*(?=\s|$)/;

function withoutArguments(name: string, args: string, command: ParsedCommand): ParsedCommand {
  return args === "" ? command : invalid(`/${name} takes no arguments.`);
}

/** The command in `text`, or null when the text is not a command and goes to the agent. */
export function parseCommand(text: string): ParsedCommand | null {
  const trimmed = text.trim();
  const match = COMMAND_WORD.exec(trimmed);
  if (!match) return null;
  const name = (match[1] ?? "").toLowerCase();
  const args = trimmed.slice(match[0].length).trim();
  switch (name) {
    case "help":
      return { type: "help" };
    case "status":
    case "cancel":
    case "new":
      return withoutArguments(name, args, { type: name });
    case "vm":
      return withoutArguments(name, args, { type: "vm_health" });
    case "schedules":
      return withoutArguments(name, args, { type: "schedule_list" });
    case "schedule":
      return parseScheduleArgs(args);
    case "tz": {
      if (args === "") return { type: "tz_show" };
      const [zone, extra] = firstWord(args);
      if (extra !== "") return invalid("/tz takes one zone name, e.g. /tz Europe/London.");
      const checked = validateTimeZone(zone);
      return checked.ok ? { type: "tz_set", timeZone: checked.timeZone } : invalid(checked.reason);
    }
    default:
      return invalid(`Unknown command /${quoteInput(match[1] ?? "")}. Send /help for the list.`);
  }
}
