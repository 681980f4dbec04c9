// One user's side of the admin commands, run in that user's PhoneAgent: the read-only summary
// /users shows, the removal of access (/deny) with its one notice, its restoration (/allow), and
// an admin's daily cap (/budget). Rows only, inside the caller's transaction; the VM is the
// caller's business (a run to cancel is returned).
import type { ArchiveView, MachineView } from "../machines/machine-report";
import { type ConfiguredUsers, isConfiguredUser } from "../channels/user-names";
import { ACCESS_RESTORED_NOTICE, accessRevokedNotice, type BudgetChange, type Revoked, type UserSummary } from "./admin-replies";
import { outboxKeys } from "../outbox/outbox-keys";
import { monthIn } from "../usage/spend-days";
import type { Budget } from "../usage/budget-unit";
import type { MessagesRepo } from "../messages/messages-repo";
import type { OutboxRepo } from "../outbox/outbox-repo";
import type { RunsRepo } from "../runs/runs-repo";
import type { SchedulesRepo } from "../schedules/schedules-repo";
import type { SettingsRepo } from "../config/settings-repo";
import type { SpendRepo } from "../usage/spend-repo";
import type { StoppedChatsRepo } from "../outbox/stopped-chats-repo";
import { timeZoneOf } from "../schedules/schedules-unit";
import { type StopDeps, stopWork } from "../runs/stop";

export type AccessDeps = StopDeps & {
  messages: MessagesRepo;
  runs: RunsRepo;
  settings: SettingsRepo;
  schedules: SchedulesRepo;
  outbox: Pick<OutboxRepo, "add">;
  spend: SpendRepo;
  budget: Pick<Budget, "today" | "blockedUntil">;
  monthlyCapUsd: number | null;
  /** VM_MODE=machines: the user's Machine as the machine unit knows it; undefined in shared mode. */
  machine?: (() => MachineView | null) | null;
  /** The user's archive in R2 (ARCHIVE_AFTER_DAYS); undefined with no VM. */
  archive?: (() => ArchiveView | null) | null;
  /** Chats that refused the bot (shown to the admin); unset where none can stop. */
  stoppedChats?: Pick<StoppedChatsRepo, "list">;
};

/**
 * Whether an admin's /deny holds for this user. The operator's own numbers (configured) are never
 * denied, whatever is stored: the configuration stays authoritative.
 */
export function isRevoked(settings: SettingsRepo, config: ConfiguredUsers | null, phone: string): boolean {
  if (settings.get("access_revoked") === null) return false;
  return !isConfiguredUser(config, phone);
}

export function summarize(d: Omit<AccessDeps, keyof StopDeps> & Pick<AccessDeps, "runs" | "messages">, now: number): UserSummary {
  const zone = timeZoneOf(d.settings);
  const month = monthIn(now, zone);
  const spentMonthUsd = [...d.spend.between(`${month}-01`, `${month}-31`).values()].reduce((n, s) => n + s.costUsd, 0);
  const today = d.budget.today(now);
  const run = d.runs.open();
  const heldUntil = run ? null : d.budget.blockedUntil(now);
  return {
    lastActiveAt: d.messages.lastInbound()?.receivedAt ?? null,
    state: run ? "busy" : heldUntil !== null ? "held" : "idle",
    heldUntil,
    queued: d.messages.countQueued(),
    spentTodayUsd: today.spentUsd,
    spentMonthUsd,
    dailyBudgetUsd: today.limitUsd,
    budgetSetByAdmin: d.settings.get("daily_budget_usd") !== null,
    monthlyBudgetUsd: d.monthlyCapUsd,
    timeZone: zone,
    ...(d.machine ? { machine: d.machine() } : {}),
    ...(d.archive ? { archive: d.archive() } : {}),
    ...stoppedChatsOf(d),
  };
}

/** The chats that stopped taking messages, only when there are some (most users have none). */
function stoppedChatsOf(d: Pick<AccessDeps, "stoppedChats">): Pick<UserSummary, "stoppedChats"> {
  const stopped = d.stoppedChats?.list() ?? [];
  return stopped.length > 0 ? { stoppedChats: stopped.map((c) => ({ channel: c.channel, chat: c.chat, detail: c.detail })) } : {};
}

/**
 * /deny: everything pending is dropped (queued messages and claimed tasks), scheduled tasks are
 * paused, open approvals denied and the open run ended as /stop ends it; the user is told once.
 * Returns the run the VM must cancel, if any.
 */
export function revoke(d: AccessDeps, now: number): { revoked: Revoked; cancelVmRunIds: string[] } {
  const already = d.settings.get("access_revoked") !== null;
  if (!already) d.settings.set("access_revoked", now);
  const active = d.schedules.list().filter((s) => s.status === "active");
  for (const s of active) d.schedules.setNext(s.id, "paused", null, now);
  const stopped = stopWork(d, "all", now);
  const revoked: Revoked = { already, dropped: stopped.dropped.filter((m) => m.kind === "user" && m.how !== "batch").length, stoppedRun: stopped.stoppedRun, pausedTasks: active.length };
  if (!already) d.outbox.add({ dedupeKey: outboxKeys.accessRevoked(now), body: accessRevokedNotice(revoked), now });
  return { revoked, cancelVmRunIds: stopped.cancelVmRunIds };
}

/** /allow after a /deny: the user's messages are read again (tasks stay paused: theirs to resume). */
export function restore(d: Pick<AccessDeps, "settings" | "outbox">, now: number): { wasRevoked: boolean } {
  if (d.settings.get("access_revoked") === null) return { wasRevoked: false };
  d.settings.set("access_revoked", null);
  d.outbox.add({ dedupeKey: outboxKeys.accessRestored(now), body: ACCESS_RESTORED_NOTICE, now });
  return { wasRevoked: true };
}

/** /budget: the user's daily cap (null: back to DAILY_BUDGET_USD). Held work runs once the caller replans. */
export function setDailyBudget(d: Pick<AccessDeps, "settings" | "budget" | "messages">, usd: number | null, now: number): BudgetChange {
  const heldBefore = d.budget.blockedUntil(now) !== null;
  d.settings.set("daily_budget_usd", usd);
  const today = d.budget.today(now);
  return { dailyUsd: today.limitUsd, setByAdmin: usd !== null, spentTodayUsd: today.spentUsd, heldBefore, heldNow: d.budget.blockedUntil(now) !== null, queued: d.messages.countQueued() };
}
