// Messages that start with one of the relay's /commands, which it answers itself
// without waking the agent: parsed into data here, carried out by the Durable Object.
import { parseAdminArgs } from "../admin/command-admin";
import { parseDeleteArgs, parseGitArgs, parseNameArg, parseNewArgs } from "../conversations/command-conversation";
import { parseLinkArgs } from "../directory/command-link";
import { parseScheduleArgs } from "../schedules/command-schedule";
import { parseAutofixArgs, parseGithubArgs } from "../github/command-github";
import { firstWord } from "../shared/command-words";
import type { ParsedCommand } from "./parsed-command";
import { quoteInput } from "../shared/quote-input";
import { VOICE_REPLY_MODES } from "../config/voice-reply-mode";
import { CHANNEL_HELP } from "../channels/help-words";
import { DIFF_USAGE } from "../changes/changes-replies";
import { parseDiffIndex } from "../changes/run-change";
import { validateTimeZone } from "../schedules/schedule-validate";
import { parseTriggerArgs } from "../triggers/triggers";
import { parseEffortArgs, parseModelArgs, parsePlanArgs } from "../conversations/steering";
import { parsePreviewArgs } from "../preview/preview-command";
import { parseShotArgs } from "../preview/shot-command";

export type { ParsedCommand } from "./parsed-command";

/** Every command, as /help <topic> lists it (commands/help.ts). */
export const COMMAND_HELP: ReadonlyArray<{ usage: string; description: string }> = [
  { usage: "/help", description: "the main commands on one screen; /help <topic> for the rest" },
  { usage: "/status", description: "what runs and waits, the agent's last step, the VM, the next task, spend today; /status vm asks the VM now" },
  { usage: "/stop", description: "stop the current conversation's run (also /cancel); /stop <name> that one's, /stop all every run" },
  { usage: "/new", description: "a fresh agent session in this conversation's project (also /clear)" },
  { usage: "/new <name> [git-url] [branch]", description: "a new conversation with its own project (cloned from git-url), made current" },
  { usage: "/sessions", description: "your conversations; /switch <name or number> makes one current" },
  { usage: "@<name> <text>", description: "one message to that conversation, without switching" },
  { usage: "/rename <name>", description: "rename this conversation; /delete <name> removes one (asks first)" },
  { usage: "/deep, /end", description: "keep this conversation's agent warm for long work (2 h, renewed by use); stop" },
  { usage: "/git name <name>, /git email <email>", description: "who your agent commits as; /git shows it" },
  { usage: "/cost", description: "what the agent cost today, this month, and per conversation" },
  { usage: "/voice echo off, /voice echo on", description: "whether I tell you what I heard in a voice note before the agent acts on it (on by default)" },
  { usage: "/voice reply auto, /voice reply on, /voice reply off", description: "whether the agent's answer also comes back as a voice note: when you spoke (auto, the default), always, or never; /voice shows both" },
  { usage: "/progress on, /progress off", description: "a short update every 2 min while a run takes longer than a minute (on by default)" },
  { usage: "/approvals [off|edits|on]", description: "whether the agent asks you before it acts in this conversation; /approvals alone shows it" },
  { usage: "/approvals forget, /approvals log", description: "clear what you answered 'always' to; the last answers" },
  { usage: "yes, no, always [n|all]", description: "answer the agent's approval prompt (the number when several are open)" },
  { usage: "/plan <task>", description: "the agent plans the task first and changes nothing; you get the plan to approve (go ahead asking before edits, go ahead accepting edits, or change it)" },
  { usage: "/plan on, /plan off", description: "plan first on every run in this conversation; stop" },
  { usage: "/model sonnet", description: "this conversation's model (opus, sonnet, haiku, a model id or default), kept across /new and used by its scheduled tasks; /model alone shows it" },
  { usage: "/effort high", description: "how hard the agent thinks here (low, medium, high, xhigh, max or default); /effort alone shows it" },
  { usage: '/schedule cron "0 9 * * 1-5" <prompt>', description: "a task on a cron schedule, in your time zone" },
  { usage: "/schedule every 2h <prompt>", description: "a task every 30m, 2h, 1d, 1h30m… (at least 1m)" },
  { usage: "/schedule every weekday at 9am <prompt>", description: "a task on those days at that time, in your time zone (day, weekday, weekend, monday, mon,wed…)" },
  { usage: "/schedule at tomorrow 9:00 <prompt>", description: "a task once (also 2026-12-01 09:00, today 17:00, 17:00, 5pm)" },
  { usage: "/schedule every 2h --in-chat <prompt>", description: "--in-chat before the prompt: run in this conversation, not a fresh session" },
  { usage: "/schedules", description: "your tasks: id, next run, last result" },
  { usage: "/schedule pause <id>", description: "pause a task" },
  { usage: "/schedule resume <id>", description: "start a paused task again" },
  { usage: "/schedule delete <id>", description: "delete a task" },
  { usage: "/schedule log <id>", description: "a task's last runs" },
  { usage: "/schedule trust <id>", description: "a task an event's run made runs in its conversation's mode from now on, not asking before every action" },
  { usage: "/tz Europe/London", description: "set your time zone; /tz alone shows it" },
  { usage: "/diff, /diff <n>", description: "a picture of what the agent's last run changed (n: the n-th last change still in place)" },
  { usage: "/undo, /redo", description: "put the files back as before the last run that changed them (asks first); /redo takes the last /undo back" },
  { usage: "/ship [title]", description: "push this conversation's work to its branch and open (or update) its pull request on GitHub (asks first)" },
  { usage: "/web, /web all", description: "a private link to this conversation's page (all: every conversation): transcript, runs, spend" },
  { usage: "/web revoke", description: "end every page link sent before" },
  { usage: "/preview, /preview 5173, /preview run npm run dev, /preview off", description: "a private link (24 h) to the app the agent serves in this conversation (or on that port, or started by your command and kept), hot reload included; off ends it and its server" },
  { usage: "/shot, /shot wide, /shot /pricing", description: "a picture of that app at phone width (wide: 1280 px), of its home page or the path named" },
  { usage: "/handoff", description: "a shell line that brings this conversation (its branch, changes and Claude Code session) to a laptop; /handoff back sends it back here; /handoff new <name> sends a laptop's session into a new conversation" },
  { usage: "/trigger add <name> <prompt>", description: "an HTTP trigger: a URL and a token (shown once) that start <prompt> in this conversation" },
  { usage: "/triggers, /trigger remove <name>", description: "your triggers: when each last fired, how often; end one" },
  { usage: "/github watch owner/repo", description: "GitHub's events of that repository come here: answers with the webhook's URL and secret; /github lists, /github unwatch owner/repo stops" },
  { usage: "/github trust owner/repo", description: "runs started by that repository's events use this conversation's approval mode instead of asking before every command; /github untrust owner/repo undoes it" },
  { usage: "/autofix on, /autofix off", description: "a CI failure on this conversation's pull request starts a fix run by itself (at most 3 per pull request)" },
  { usage: "/link, /link <code>, /link yes|no", description: CHANNEL_HELP.link },
  { usage: "/unlink", description: CHANNEL_HELP.unlink },
  { usage: CHANNEL_HELP.notify, description: "where scheduled tasks' results go (default: the chat that created each task)" },
  { usage: "/vm", description: "admins: check that the agent VM answers" },
  { usage: `/users, /allow ${CHANNEL_HELP.userArg}, /deny ${CHANNEL_HELP.userArg}, /budget +E164 <usd>`, description: "admins: the users, the runtime allowlist, a user's daily budget" },
  { usage: "/dashboard", description: "admins: a private link to the operator's page" },
];

/**
 * Every command word the relay owns (the contract's list): these never reach the agent. Those
 * not built yet answer so, rather than reach the agent as something they are not.
 */
const RELAY_WORDS = new Set([
  "help", "status", "stop", "cancel", "new", "sessions", "switch", "clear", "rename", "delete", "deep", "end",
  "git", "schedule", "schedules", "tz", "vm", "approvals", "cost", "progress", "voice", "users", "allow", "deny", "budget",
  "web", "dashboard", "diff", "undo", "redo",
  "trigger", "triggers",
  "github", "autofix",
  "link", "unlink", "notify",
  "ship", "handoff",
  "plan", "model", "effort",
  "preview", "shot",
]);

function isRelayCommandWord(word: string): boolean {
  return RELAY_WORDS.has(word.toLowerCase());
}

const invalid = (reason: string): ParsedCommand => ({ type: "invalid", reason });

// A command is a slash and letters as the first word, optionally followed by ! ? or a full
// stop. "/usr/bin/env is broken" or "/ 2" is not a command: the agent gets it.
const COMMAND_WORD = /^\/([A-Za-z]+)[.!?]*(?=\s|$)/;

function withoutArguments(name: string, args: string, command: ParsedCommand): ParsedCommand {
  return args === "" ? command : invalid(`/${name} takes no arguments.`);
}

/** `/stop`, `/stop all`, `/stop <name>` (a conversation's name, or `@name`). */
function parseStopArgs(name: string, args: string): ParsedCommand {
  if (args === "") return { type: "cancel" };
  if (args.toLowerCase() === "all") return { type: "cancel", target: "all" };
  const target = args.replace(/^@/, "");
  return /^[A-Za-z0-9_-]{1,32}$/.test(target) ? { type: "cancel", target: { name: target } } : invalid(`/${name} takes a conversation's name or "all": /${name} api, /${name} all.`);
}

/** `/handoff`, `/handoff back`, `/handoff new <name>`. */
function parseHandoffArgs(args: string): ParsedCommand {
  const [word, rest] = firstWord(args);
  const action = word.toLowerCase();
  if (action === "") return { type: "handoff", action: "out" };
  if (action === "back" && rest === "") return { type: "handoff", action: "back" };
  if (action === "new" && /^[A-Za-z0-9_-]{1,32}$/.test(rest)) return { type: "handoff", action: "new", name: rest };
  if (action === "new") return invalid("/handoff new takes the new conversation's name: letters, digits, - and _, 1-32 of them.");
  return invalid(`/handoff takes nothing, back, or new <name>, not “${quoteInput(args, 30)}”.`);
}

/** The relay command in `text`, or null when the text goes to the agent (any other /word too). */
export function parseCommand(text: string): ParsedCommand | null {
  const trimmed = text.trim();
  const match = COMMAND_WORD.exec(trimmed);
  if (!match || !isRelayCommandWord(match[1] ?? "")) return null;
  const name = (match[1] ?? "").toLowerCase();
  const args = trimmed.slice(match[0].length).trim();
  switch (name) {
    case "help":
      return args === "" ? { type: "help" } : { type: "help", topic: args };
    case "status":
      if (args.toLowerCase() === "vm") return { type: "status", checkVm: true };
      return withoutArguments(name, args, { type: "status", checkVm: false });
    case "cancel":
    case "stop":
      return parseStopArgs(name, args);
    case "new":
      return parseNewArgs(args);
    case "clear":
      return withoutArguments(name, args, { type: "new_session" });
    case "sessions":
      return withoutArguments(name, args, { type: "conversation_list" });
    case "switch":
    case "rename":
      return parseNameArg(name, args);
    case "delete":
      return parseDeleteArgs(args);
    case "deep":
    case "end":
      return withoutArguments(name, args, { type: "deep", on: name === "deep" });
    case "git":
      return parseGitArgs(args);
    case "model":
      return parseModelArgs(args);
    case "effort":
      return parseEffortArgs(args);
    case "plan":
      return parsePlanArgs(args);
    case "cost":
      return withoutArguments(name, args, { type: "cost" });
    case "voice": {
      const words = args.toLowerCase().split(/\s+/).filter(Boolean);
      if (words.length === 0) return { type: "voice_echo", on: null };
      if (words.length === 2 && words[0] === "echo" && (words[1] === "on" || words[1] === "off")) return { type: "voice_echo", on: words[1] === "on" };
      const mode = VOICE_REPLY_MODES.find((m) => m === words[1]);
      if (words.length === 2 && words[0] === "reply" && mode) return { type: "voice_reply", mode };
      return invalid(`/voice takes echo on|off or reply auto|on|off, not “${quoteInput(args, 30)}”.`);
    }
    case "progress": {
      const setting = args.toLowerCase();
      if (setting === "") return { type: "progress", on: null };
      if (setting === "on" || setting === "off") return { type: "progress", on: setting === "on" };
      return invalid(`/progress takes on or off, not “${quoteInput(args, 30)}”.`);
    }
    case "approvals": {
      const action = args.toLowerCase();
      if (action === "") return { type: "approvals", action: "show" };
      if (action === "off" || action === "edits" || action === "on" || action === "forget" || action === "log") return { type: "approvals", action };
      return invalid(`/approvals takes off, edits, on, forget or log, not “${quoteInput(args, 30)}”.`);
    }
    case "vm": {
      const action = args.toLowerCase();
      if (action === "" || action === "sweep") return { type: "vm_health", sweep: action === "sweep" };
      return invalid(`/vm takes nothing, or sweep, not “${quoteInput(args, 30)}”.`);
    }
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
    case "web": {
      const action = args.toLowerCase();
      if (action === "") return { type: "web", action: "current" };
      if (action === "all" || action === "revoke") return { type: "web", action };
      return invalid(`/web takes nothing, all or revoke, not “${quoteInput(args, 30)}”.`);
    }
    case "preview":
      return parsePreviewArgs(args);
    case "shot":
      return parseShotArgs(args);
    case "dashboard":
      return withoutArguments(name, args, { type: "dashboard" });
    case "diff": {
      const index = parseDiffIndex(args);
      return index === null ? invalid(DIFF_USAGE) : { type: "diff", index };
    }
    case "undo":
    case "redo":
      return withoutArguments(name, args, { type: name });
    case "trigger":
      return parseTriggerArgs(args);
    case "triggers":
      return withoutArguments(name, args, { type: "trigger_list" });
    case "github":
      return parseGithubArgs(args);
    case "autofix":
      return parseAutofixArgs(args);
    case "link":
    case "unlink":
    case "notify":
      return parseLinkArgs(name, args);
    case "ship":
      return { type: "ship", title: args.trim() === "" ? null : quoteInput(args, 200) };
    case "handoff":
      return parseHandoffArgs(args);
    case "users":
    case "allow":
    case "deny":
    case "budget":
      return parseAdminArgs(name, args);
    default:
      return invalid(`/${name} is not available yet.`);
  }
}
