// /handoff decided, pure: the code's life (15 minutes, one download of the data, ended by
// /web revoke), the shell line the phone gets, and what the chat says (the scripts that line runs on
// the laptop are handoff-scripts.ts).

import { OFFLINE_MODEL_KEY } from "../protocol/vm/runs";
import type { HandoffStaged } from "../protocol/vm/handoff";
import type { NewQuestion } from "../questions/questions";

/** How long a hand-off code works. */
export const HANDOFF_TTL_MS = 15 * 60_000;

/** A hand-off code as the phone's object keeps it. */
export type HandoffCodeRow = { conversationId: number; direction: HandoffDirection; epoch: number; expiresAt: number; usedAt: number | null; newName: string | null };

/** Why a code opens nothing: `unknown` (404), the others (410). */
export type HandoffCodeRefusal = "unknown" | "used" | "expired" | "revoked";

/** Whether `row` may be served now: to read its script (`read`), or to download the data, which uses it up (`take`). */
export function checkHandoffCode(row: HandoffCodeRow | null, at: { now: number; epoch: number; conversationExists: boolean }, use: "read" | "take", direction?: HandoffDirection): HandoffCodeRefusal | null {
  // A /handoff new code's conversation is made when it is taken: none exists before.
  if (!row || (row.direction !== "new" && !at.conversationExists) || (direction !== undefined && row.direction !== direction)) return "unknown";
  if (row.epoch !== at.epoch) return "revoked";
  if (row.expiresAt <= at.now) return "expired";
  if (use === "take" && row.usedAt !== null) return "used";
  return null;
}

/** The one line an error answer of `/h/<code>` is (a shell prints it as it is). */
export function handoffRefusalLine(refusal: HandoffCodeRefusal): string {
  switch (refusal) {
    case "unknown":
      return "handoff: no such code. Send /handoff in the chat for a new one.";
    case "used":
      return "handoff: this code was used already. Send /handoff in the chat for a new one.";
    case "expired":
      return "handoff: this code has expired (they work for 15 minutes). Send /handoff in the chat for a new one.";
    case "revoked":
      return "handoff: this code was revoked (/web revoke). Send /handoff in the chat for a new one.";
  }
}

export const handoffStatus = (refusal: HandoffCodeRefusal): 404 | 410 => (refusal === "unknown" ? 404 : 410);

/** `https://relay.example/h/<code>`. */
export function handoffUrl(origin: string, code: string): string {
  return `${origin.replace(/\/+$/, "")}/h/${code}`;
}

/**
 * What /handoff can tell before it answers a line: why no hand-off can work now (the reply instead
 * of the line), or null. The rest (a run in progress, git) is known only when the laptop asks, and
 * then told in the chat as well as the terminal.
 */
export function handoffBlocked(s: { conversation: string; vm: boolean; status: "ready" | "cloning" }): string | null {
  if (!s.vm) return "/handoff needs the agent VM, and this relay has none set up (VM_URL, or VM_MODE machines).";
  if (s.status === "cloning") return `“${s.conversation}” is still being cloned; /handoff works once it is ready.`;
  return null;
}

/** The reply to /handoff: the line alone in a code block, and how to read the script first. */
export function handoffReply(s: { conversation: string; url: string; ttlMinutes: number; offlineModelUrl?: string | null }): string {
  const offline = s.offlineModelUrl ? [`This relay runs the offline model: the laptop's claude reaches it with ANTHROPIC_BASE_URL=${s.offlineModelUrl} and ANTHROPIC_API_KEY=${OFFLINE_MODEL_KEY}, which the script prints.`] : [];
  return [
    `Run this in an empty folder on your laptop to go on with “${s.conversation}” there:`,
    "```",
    `curl -sS ${s.url} | sh`,
    "```",
    `It brings the branch (a folder that is not a repository as a new one), the uncommitted changes and the Claude Code session, sets aside what the agent wrote that would run code there (.claude settings, .mcp.json, links out), and ends with the claude line to run. The code works once, for ${s.ttlMinutes} minutes; /web revoke ends it. To read the script first: curl -sS ${s.url}`,
    ...offline,
  ].join("\n");
}

/** "14:02": when a conversation went to the laptop, on the user's clock. */
export function awayClock(since: number, timeZone: string, wallClock: (at: number, zone: string) => string): string {
  return wallClock(since, timeZone).slice(11);
}

/** The question a message to a conversation on the laptop asks first. */
export function awayQuestion(conversation: string, since: string): string {
  return `@${conversation} is on your laptop since ${since}; go on here anyway?`;
}

/** /status's line while the current conversation is on the laptop. */
export function awayStatusLine(conversation: string, since: string): string {
  return `💻 “${conversation}” is on your laptop since ${since} (/handoff back brings it back).`;
}

/** Said when the laptop took the conversation's data. */
export function handedOffNotice(conversation: string, since: string): string {
  return `💻 “${conversation}” went to your laptop at ${since}. A message to it here asks first; /handoff back gives the line that brings it back.`;
}

/** Which way a code goes: `out` to the laptop, `back` from it, `new` from it into a new conversation. */
export type HandoffDirection = "out" | "back" | "new";

/** What the hand-off asks after a command's or an answer's transaction (joined in agent/vm-action.ts). */
export type HandoffAction =
  /** /handoff: a code signed (async, so after the webhook's answer) for the conversation, and the shell line that uses it. */
  | { kind: "handoff"; conversationId: number; direction: "out" | "back" }
  | { kind: "handoff_new"; name: string }
  /** "Keep laptop" after a hand-back conflict: the VM puts the laptop's kept side in the workspace and keeps the phone's. */
  | { kind: "handoff_keep_laptop"; conversationId: number; staged: HandoffStaged };

/** The reply to /handoff back: the line to run in the laptop's directory. */
export function handbackReply(s: { conversation: string; url: string; ttlMinutes: number }): string {
  return [
    `Run this in the laptop's folder of “${s.conversation}” to bring it back here:`,
    "```",
    `curl -sS ${s.url} | sh`,
    "```",
    `It sends the branch's new commits, the uncommitted changes and the Claude Code session; the next message here goes on from them. The code works once, for ${s.ttlMinutes} minutes. To read the script first: curl -sS ${s.url}`,
  ].join("\n");
}

/** What came back from the laptop, as the chat says it: "back from the laptop: 6 new turns, branch fix-flaky at 3e1c2a0, 2 files changed". */
export function backNotice(conversation: string, done: { turns: number; branch: string; head: string; files: number }): string {
  const turns = `${done.turns} new turn${done.turns === 1 ? "" : "s"}`;
  const files = `${done.files} file${done.files === 1 ? "" : "s"} changed`;
  return `💻→📱 “${conversation}” is back from the laptop: ${turns}, branch ${done.branch} at ${done.head}, ${files}. Your next message goes on from there.`;
}

/** Said in the chat when the laptop could not take the conversation: what failed, and that it stays here. */
export function handoffFailedNotice(conversation: string, failure: string): string {
  return `⚠️ “${conversation}” did not go to your laptop: ${failure} It stays here as it was; send /handoff for a new line.`;
}

/** The line a code was for, as the chat names it. */
const lineOf = (direction: HandoffDirection) => (direction === "out" ? "/handoff" : direction === "back" ? "/handoff back" : "/handoff new");

/** Said in the chat, once per code and reason, when a laptop ran a line whose code opens nothing now (the terminal says it too). */
export function handoffRefusedNotice(conversation: string, direction: HandoffDirection, refusal: Exclude<HandoffCodeRefusal, "unknown">): string {
  const why = refusal === "used" ? "its code was used already" : refusal === "expired" ? "its code had expired (they work for 15 minutes)" : "its code was revoked (/web revoke)";
  const name = direction === "new" ? `@${conversation}` : `“${conversation}”`;
  return `⚠️ A laptop ran the ${lineOf(direction)} line for ${name}, but ${why}: nothing was sent or changed. Send ${lineOf(direction)}${direction === "new" ? ` ${conversation}` : ""} for a new line.`;
}

/** Said in the chat when the laptop's work could not come back (not a conflict): what failed, and where each side is. */
export function handbackFailedNotice(conversation: string, failure: string): string {
  return `⚠️ The laptop's work on “${conversation}” did not come back: ${failure} The laptop keeps its work; /handoff back gives a new line.`;
}

/** Said in the chat when a /handoff new upload made no conversation. */
export function handoffNewFailedNotice(name: string, failure: string): string {
  return `⚠️ @${name} was not made from the laptop: ${failure} Nothing changed here; the line works again until it expires.`;
}

/** Said in the chat when the laptop's work could not come back because the conversation changed here too. */
export function handbackConflictNotice(conversation: string): string {
  return `⚠️ “${conversation}” changed here too since it went to the laptop, so the laptop's work was not taken back and nothing was overwritten: both sides are as they were. Push the laptop's branch and merge it, or /handoff again to take this side to the laptop.`;
}

/** What the laptop's shell prints when its work met a conversation changed on the phone too. */
export const HANDBACK_CONFLICT_ASKED = "the conversation changed on the phone too; your work here was sent and kept there as a branch, and the chat asks which side goes on. Nothing is lost either way.";

/** Where a side not kept is: its branch, and its session's saved file (null: it had none). */
export type KeptSide = { branch: string; savedSession: string | null };
const keptWhere = (side: string, kept: KeptSide, the = "the") => `${the} ${side}'s work is on branch ${kept.branch}${kept.savedSession ? ` and its session is saved as ${kept.savedSession}` : ""}`;

/** The question a hand-back that met a conversation changed here too asks, under conflictButtons. */
export function handbackConflictQuestion(conversation: string, laptop: KeptSide): string {
  return `⚠️ “${conversation}” changed here too since it went to the laptop. Which side goes on? Nothing is lost either way: ${keptWhere("laptop", laptop)} for now; the side you do not keep stays as a branch and a saved session.`;
}

export const conflictButtons = (conversationId: number) => [
  { id: `handoff:keep-laptop:${conversationId}`, title: "Keep laptop" },
  { id: `handoff:keep-phone:${conversationId}`, title: "Keep phone" },
];

/** "Keep phone": the conversation goes on here as it is. */
export const keptPhoneReply = (conversation: string, laptop: KeptSide) => `Keeping the phone's side of “${conversation}”; ${keptWhere("laptop", laptop)}. Waiting messages go to the agent now.`;

/** "Keep laptop": the laptop's side came back, the phone's kept. */
export const keptLaptopReply = (conversation: string, done: { turns: number; branch: string; head: string; files: number }, phone: KeptSide) => `${backNotice(conversation, done)} ${keptWhere("phone", phone, "The")}.`;

/** The question was answered already (or never asked). */
export const conflictAnsweredReply = "That question was answered already.";

/** The buttons under the question a message to a conversation on the laptop asks. */
export const awayButtons = (conversationId: number) => [
  { id: `handoff:yes:${conversationId}`, title: "Go on here" },
  { id: `handoff:no:${conversationId}`, title: "Keep on laptop" },
];

/** The answers to the question. */
export const goOnHereReply = (conversation: string) => `Going on with “${conversation}” here; your message goes to the agent now. What the laptop did since stays there (a /handoff back would now be a conflict).`;
export const keepOnLaptopReply = (conversation: string) => `“${conversation}” stays on the laptop. Your message waits here and goes to the agent when /handoff back brings the work back (/stop drops it).`;

/** The reply to /handoff new <name>: the line to run in the laptop's repository. */
export function handoffNewReply(s: { name: string; url: string; ttlMinutes: number }): string {
  return [
    `Run this at the top of a git repository on your laptop to go on with it here as “${s.name}”:`,
    "```",
    `curl -sS ${s.url} | sh`,
    "```",
    `It sends the branch with all its commits, the uncommitted changes and the newest Claude Code session of that folder (SESSION=<id> before sh picks another); “${s.name}” resumes it from your next message. The code works once, for ${s.ttlMinutes} minutes; /web revoke ends it. To read the script first: curl -sS ${s.url}`,
  ].join("\n");
}

/** What the laptop's shell prints when the name was taken since the code was made. */
export const handoffNewNameTaken = (name: string) => `a conversation “${name}” exists now; send /handoff new with another name for a new line.`;

/** What arrived from the laptop in a new conversation, as the chat says it. */
export function arrivedNotice(name: string, done: { turns: number; branch: string; head: string; files: number }): string {
  const turns = `${done.turns} turn${done.turns === 1 ? "" : "s"}`;
  const files = `${done.files} file${done.files === 1 ? "" : "s"} changed`;
  return `💻→📱 @${name} arrived from the laptop: ${turns}, branch ${done.branch} at ${done.head}, ${files}. It is your current conversation; your next message goes on from there.`;
}

/** The key of a conversation's "go on here?" question (questions/): one per conversation, asked again each hand-off. */
export const awayQuestionRef = (conversationId: number): string => String(conversationId);

/** The question a message to a conversation on the laptop asks (questions/): its two buttons, open until tapped or the hand-off ends. */
export function awayQuestionOf(conversationId: number, askedAt: number): NewQuestion {
  const [yes, no] = awayButtons(conversationId);
  return { kind: "handoff_away", ref: awayQuestionRef(conversationId), conversationId, words: {}, buttons: { [yes!.id]: "yes", [no!.id]: "no" }, nextMessageOnly: false, untilRun: false, askedAt, detail: null, expiresAt: null };
}

/** "Keep laptop" or "Keep phone" (questions/): asked when a hand-back met a conversation changed here too; open until tapped. Its detail: the laptop's side, staged. */
export function conflictQuestionOf(conversationId: number, askedAt: number, staged: string | null = null): NewQuestion {
  const [laptop, phone] = conflictButtons(conversationId);
  const buttons = { [laptop!.id]: "laptop", [phone!.id]: "phone" };
  return { kind: "handoff_conflict", ref: String(conversationId), conversationId, words: {}, buttons, nextMessageOnly: false, untilRun: false, askedAt, detail: staged, expiresAt: null };
}
