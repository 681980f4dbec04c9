// What /help answers: one screen that names the commands a newcomer needs and the topics, and
// /help <topic> for the rest, each topic a part of the commands' table (commands/commands.ts). Only
// what the relay really does: the agent's own commands are Claude Code's built-ins, since a
// project's own are not loaded (docs/notes/cli-observations.md, "Settings the agent writes"). Pure.
import { HELP_APPS, HELP_NOTIFY_WORDS } from "../channels/help-words";
import { COMMAND_HELP } from "./commands";
import { quoteInput } from "../shared/quote-input";

export const HELP_TOPICS = ["runs", "chats", "approvals", "schedules", "changes", "github", "apps", "admin"] as const;
export type HelpTopic = (typeof HELP_TOPICS)[number];

/** Each command's topic, by the first word of its usage. */
const TOPIC_OF: Record<string, HelpTopic> = {
  status: "runs", stop: "runs", cost: "runs", voice: "runs", progress: "runs", deep: "runs",
  plan: "approvals", model: "approvals", effort: "approvals",
  new: "chats", sessions: "chats", "@<name>": "chats", rename: "chats", git: "chats", handoff: "chats",
  approvals: "approvals", yes: "approvals",
  schedule: "schedules", schedules: "schedules", tz: "schedules",
  diff: "changes", undo: "changes", ship: "changes", web: "changes", preview: "changes", shot: "changes",
  github: "github", autofix: "github", trigger: "github", triggers: "github",
  link: "apps", unlink: "apps", notify: "apps",
  vm: "admin", users: "admin", dashboard: "admin",
};

const TITLES: Record<HelpTopic, string> = {
  runs: "The agent's runs",
  chats: "Conversations (each its own project and session)",
  approvals: "Approvals (whether the agent asks before it acts), plans, model and effort",
  schedules: "Scheduled tasks",
  changes: "Seeing, undoing and shipping the work",
  github: "GitHub and HTTP triggers",
  apps: HELP_APPS.join(" and "),
  admin: "Admins",
};

/** Other words a user may try for a topic. */
const ALIASES: Record<string, HelpTopic> = {
  run: "runs", status: "runs", stop: "runs", chat: "chats", conversations: "chats", conversation: "chats", sessions: "chats",
  approval: "approvals", plan: "approvals", model: "approvals", effort: "approvals", schedule: "schedules", tasks: "schedules", task: "schedules", diff: "changes", undo: "changes", ship: "changes", web: "changes", preview: "changes", shot: "changes",
  triggers: "github", trigger: "github", link: "apps", admins: "admin",
  // Each app by the word /notify takes for it (the channel layer names them).
  ...Object.fromEntries(HELP_NOTIFY_WORDS.map((word) => [word, "apps" as const])),
};

/** The key TOPIC_OF knows a usage by: its first word without the slash or a trailing comma. */
export function usageWord(usage: string): string {
  const first = usage.split(" ")[0]!.replace(/,$/, "");
  return first.startsWith("/") ? first.slice(1) : first;
}

export function topicOf(usage: string): HelpTopic | null {
  return TOPIC_OF[usageWord(usage)] ?? null;
}

/** Said while the agent answers with the offline model: what to try for a long run (test/stand-ins/offline-intents.ts). */
export const OFFLINE_LONG_RUN_HELP =
  "Offline model: “take a minute to refactor everything” runs for about a minute with updates; /stop ends it, and /new <name> starts a second conversation whose run goes beside it.";

/** The first screen's line on reviewing a change: how a comment on a line is written (changes/review-replies.ts). */
export const REVIEW_HELP = "line 12: <comment> – after /diff or a change line, a review comment on that line for the agent (or tap the line on the /web page)";
/** The first screen's line on going on at a laptop (the whole of it: /help chats). */
export const HANDOFF_HELP = "/handoff – go on with this conversation on your laptop; /handoff back brings it back";

function overview(isAdmin: boolean, offlineModel: boolean): string {
  const topics = HELP_TOPICS.filter((t) => isAdmin || t !== "admin");
  return [
    "I answer these myself; anything else goes to your agent.",
    "/status – what runs and waits; /stop – stop the run",
    "/new <name> – a new conversation; /sessions lists them",
    "/plan <task> – a plan first, yours to approve; /model sonnet, /approvals – how the agent works",
    "/schedule every weekday at 9am <task> – a task on a schedule",
    "/diff, /undo – see or take back the last change",
    REVIEW_HELP,
    HANDOFF_HELP,
    "/web – a private link to this conversation's page",
    `More: /help ${topics.join(", ")}.`,
    "/compact, /init and /review go to your agent as Claude Code commands; //word sends /word to it.",
    ...(offlineModel ? [OFFLINE_LONG_RUN_HELP] : []),
  ].join("\n");
}

/**
 * /help, or /help <topic>: `topic` as typed (any case, an alias); an unknown one lists the topics.
 * `offlineModel`: the agent's last answer came from the offline model, whose long run the overview names.
 */
export function helpReply(topic: string | undefined, isAdmin: boolean, offlineModel = false): string {
  if (topic === undefined || topic.trim() === "") return overview(isAdmin, offlineModel);
  const word = topic.trim().toLowerCase().replace(/^\//, "");
  const found = (HELP_TOPICS as readonly string[]).includes(word) ? (word as HelpTopic) : ALIASES[word];
  if (!found || (found === "admin" && !isAdmin)) {
    return `No help on “${quoteInput(topic, 30)}”. Topics: ${HELP_TOPICS.filter((t) => isAdmin || t !== "admin").join(", ")} (/help <topic>).`;
  }
  const lines = COMMAND_HELP.filter((c) => topicOf(c.usage) === found).map((c) => `${c.usage} – ${c.description}`);
  return [`${TITLES[found]}:`, ...lines].join("\n");
}
