// What admins read back from /users, /allow, /deny and /budget, and the one notice a denied user
// gets. Pure: the facts come in (each user's summary from their own object), text goes out.
import { CHANNELS } from "../channels";
import type { ConfiguredIn } from "../channels/admin-names";
import type { ChatAddress } from "../channels/channel";
import { homeChatOf } from "../channels/home-chat";
import { formatAgo, formatUsd } from "../shared/format-ago";
import { type ArchiveView, archiveLine, machineLine, type MachineView } from "../machines/machine-report";
import { formatInZone } from "../schedules/schedule-format";

/** One user's figures, as their PhoneAgent reports them (read-only, no VM call). */
export type UserSummary = {
  /** When the user last wrote; null if never. */
  lastActiveAt: number | null;
  state: "idle" | "busy" | "held";
  /** While held by a spent cap: when it resets. */
  heldUntil: number | null;
  queued: number;
  spentTodayUsd: number;
  spentMonthUsd: number;
  dailyBudgetUsd: number;
  /** The daily cap is an admin's /budget rather than DAILY_BUDGET_USD. */
  budgetSetByAdmin: boolean;
  monthlyBudgetUsd: number | null;
  timeZone: string;
  /** VM_MODE=machines: the user's own Machine (null: none yet); absent in shared mode. */
  machine?: MachineView | null;
  /** The user's archive in R2 (ARCHIVE_AFTER_DAYS): null or absent when there is none to speak of. */
  archive?: ArchiveView | null;
  /** Chats that refused the bot (a user blocked it in the app): nothing is sent there until they write again. */
  stoppedChats?: { channel: string; chat: string; detail: string | null }[];
};

/** Why a number is a user: the configuration (ALLOWED_SENDERS, ADMIN_SENDERS) or the directory. */
export type UserSource = "config" | "admin" | "allowlist";

/**
 * A user as /users lists them; `summary` null when their object did not answer. `phone` is the
 * object's name: a number, or the name of a user a channel knows without a phone; `linked`: the
 * chat linked to this number's agent (/link).
 */
export type UserLine = { phone: string; sources: readonly UserSource[]; summary: UserSummary | null; linked?: ChatAddress | null };

export function usersReport(users: readonly UserLine[], o: { denied: readonly string[]; directoryAnswered: boolean; now: number }): string {
  const lines = [`Users (${users.length}):`, ...users.map((u) => userLine(u, o.now))];
  if (o.denied.length > 0) lines.push(`Denied: ${o.denied.join(", ")}.`);
  if (!o.directoryAnswered) lines.push("⚠️ The directory did not answer: numbers allowed with /allow are missing from this list.");
  return lines.join("\n");
}

function userLine(u: UserLine, now: number): string {
  // A user's doors: their number, a chat linked to it, or a chat alone (a user with no phone).
  const own = homeChatOf(u.phone);
  const who = own.chat !== null ? doorOf({ channel: own.channel, chat: own.chat }) : u.linked ? `${u.phone} + ${doorOf(u.linked)}` : u.phone;
  const head = `${who} (${u.sources.join(", ")})`;
  const s = u.summary;
  if (!s) return `${head} · its agent did not answer`;
  const active = s.lastActiveAt === null ? "never wrote" : `active ${formatAgo(s.lastActiveAt, now)}`;
  const waiting = s.queued > 0 ? `, ${s.queued} waiting` : "";
  const state = s.state === "held" && s.heldUntil !== null ? `held by budget until ${formatInZone(s.heldUntil, s.timeZone)}${waiting}` : `${s.state}${waiting}`;
  const monthly = s.monthlyBudgetUsd === null ? "" : `, ${formatUsd(s.monthlyBudgetUsd)}/month`;
  const budget = `budget ${formatUsd(s.dailyBudgetUsd)}/day${s.budgetSetByAdmin ? " (set by an admin)" : ""}${monthly}`;
  const archive = archiveLine(s.archive, now);
  const machine = `${s.machine === undefined ? "" : ` · ${machineLine(s.machine, now)}`}${archive ? ` · ${archive}` : ""}`;
  const stopped = (s.stoppedChats ?? []).map((c) => ` · 📵 ${c.channel} chat ${c.chat} stopped (${c.detail ?? "refused"})`).join("");
  return `${head} · ${active} · ${state} · today ${formatUsd(s.spentTodayUsd)}, month ${formatUsd(s.spentMonthUsd)} · ${budget}${machine}${stopped}`;
}

/** A chat as /users names it: the app, then the chat's id there. */
function doorOf(chat: ChatAddress): string {
  return `${CHANNELS[chat.channel].displayName} ${chat.chat}`;
}

/** What /deny did to the user's pending work. */
export type Revoked = { already: boolean; dropped: number; stoppedRun: boolean; pausedTasks: number };

/** The one notice a denied user gets. */
export function accessRevokedNotice(r: Pick<Revoked, "dropped" | "stoppedRun" | "pausedTasks">): string {
  const done = [
    r.stoppedRun ? "stopped the current run" : null,
    r.dropped > 0 ? `dropped ${r.dropped} waiting message${r.dropped === 1 ? "" : "s"}` : null,
    r.pausedTasks > 0 ? `paused ${r.pausedTasks} scheduled task${r.pausedTasks === 1 ? "" : "s"}` : null,
  ].filter((x) => x !== null);
  return `🚫 An admin has removed your access to this agent${done.length > 0 ? `: I ${joinAnd(done)}` : ""}. Messages you send now are not read.`;
}

export function revokedReply(phone: string, r: Revoked): string {
  if (r.already && r.dropped === 0 && !r.stoppedRun && r.pausedTasks === 0) return `${phone} was already denied; nothing was waiting.`;
  const done = [
    r.stoppedRun ? "its run stopped" : null,
    r.dropped > 0 ? `${r.dropped} waiting message${r.dropped === 1 ? "" : "s"} dropped` : null,
    r.pausedTasks > 0 ? `${r.pausedTasks} scheduled task${r.pausedTasks === 1 ? "" : "s"} paused` : null,
  ].filter((x) => x !== null);
  return `Denied ${phone}: ${done.length > 0 ? joinAnd(done) : "nothing was waiting"}${r.already ? "" : "; they were told once"}.`;
}

/** What /budget changed, as the user's object reports it. */
export type BudgetChange = { dailyUsd: number; setByAdmin: boolean; spentTodayUsd: number; heldBefore: boolean; heldNow: boolean; queued: number };

export function budgetReply(phone: string, c: BudgetChange): string {
  const cap = `${formatUsd(c.dailyUsd)} a day${c.setByAdmin ? "" : " (the configured default)"}`;
  const spent = `spent today ${formatUsd(c.spentTodayUsd)}`;
  const held = c.heldNow
    ? " The cap is reached: new runs wait for its reset."
    : c.heldBefore && c.queued > 0
      ? ` Released: ${c.queued} waiting message${c.queued === 1 ? "" : "s"} run now.`
      : "";
  return `Daily budget of ${phone} is now ${cap}; ${spent}.${held}`;
}

/** Said to a user whose access an admin gave back after a /deny. */
export const ACCESS_RESTORED_NOTICE = "✅ An admin has given you access to this agent again.";

/** A non-admin's /vm, and any other admin word (not even a bad argument is explained to them). */
export const ADMINS_ONLY_VM = "/vm is for admins only.";
export const VM_SWEEP_SHARED = "/vm sweep is for VM_MODE=machines: here one shared VM serves every user.";
export function permissionDenied(word: string): string {
  return `Permission denied: /${word} is for admins only.`;
}

/** The directory (the allowlist's owner) did not answer: the admin's command changed nothing. */
export const DIRECTORY_UNREACHABLE = "I couldn't reach the user directory, so nothing changed. Try again in a minute.";

/** Where the operator's configuration lists a number (its env variable); /allow, /deny and the directory cannot change it. */
export type { ConfiguredIn } from "../channels/admin-names";

/** How /allow went, the directory having answered (or the number being configured). */
export type AllowOutcome =
  | { kind: "configured"; in: ConfiguredIn }
  | { kind: "added" }
  | { kind: "agent_silent" }
  | { kind: "restored" }
  | { kind: "already_listed" };

export function allowReply(phone: string, o: AllowOutcome): string {
  switch (o.kind) {
    case "configured":
      return `${phone} is already allowed by ${o.in} (the operator's configuration); nothing changed.`;
    case "added":
      return `Allowed ${phone}: they can write to the agent now.`;
    case "agent_silent":
      return `Allowed ${phone}, but their agent did not answer, so it may still ignore them: send /allow ${phone} again.`;
    case "restored":
      return `Allowed ${phone} again; they were told.`;
    case "already_listed":
      return `${phone} is already on the allowlist; nothing changed.`;
  }
}

/** How /deny went when it did not reach the user's object to revoke (that is `revokedReply`). */
export type DenyRefusal = { kind: "configured"; in: ConfiguredIn } | { kind: "not_listed" } | { kind: "agent_silent" };

export function denyRefusal(phone: string, o: DenyRefusal): string {
  switch (o.kind) {
    case "configured":
      return `${phone} is in ${o.in}, the operator's configuration: /deny can't remove it (only a change of that setting can). Nothing changed.`;
    case "not_listed":
      return `${phone} is not on the allowlist; nothing changed.`;
    case "agent_silent":
      return `Removed ${phone} from the allowlist, but their agent did not answer, so what waits there may still run: send /deny ${phone} again.`;
  }
}

/** /budget for a user that is no user at all; `lists`: the configuration's two lists that could name them. */
export function notAUserReply(phone: string, lists: readonly [string, string]): string {
  return `${phone} is not a user (not in ${lists[0]}, ${lists[1]} or the allowlist); nothing changed. /allow it first.`;
}

/** /budget whose target's object did not answer: the change may or may not have been made. */
export function budgetUnansweredReply(phone: string): string {
  return `${phone}'s agent did not answer, so the budget may not have changed: send the command again.`;
}

function joinAnd(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}
