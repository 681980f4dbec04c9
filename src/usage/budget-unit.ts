// The budget unit: whether the user's spend caps let a run start (or a turn join one), when the
// held work may run again (the object plans its alarm from that), and telling the user once.
import { checkBudget, type BudgetCheck, type Caps } from "./budget";
import { outboxKeys } from "../outbox/outbox-keys";
import { budgetHeldReply } from "./spend-replies";
import { dayIn, monthIn } from "./spend-days";
import type { OutboxRepo } from "../outbox/outbox-repo";
import type { SettingsRepo } from "../config/settings-repo";
import type { SpendRepo } from "./spend-repo";
import { timeZoneOf } from "../schedules/schedules-unit";

/** What a budget check reads: it stays valid until one of these is written (not on every stored message). */
export const BUDGET_TABLES: ReadonlySet<string> = new Set(["spend_days", "settings"]);

/** `versionOf`: the SQL helper's count of writes to some tables (see BUDGET_TABLES); without it nothing is remembered. */
export function createBudget(d: { spend: SpendRepo; settings: SettingsRepo; outbox: Pick<OutboxRepo, "add">; caps: Caps; queued: () => number; transaction?: <T>(fn: () => T) => T; versionOf?: (tables: ReadonlySet<string>) => number }) {
  const sumOf = (m: Map<number, { costUsd: number }>) => [...m.values()].reduce((n, s) => n + s.costUsd, 0);
  // An admin's per-user cap (/budget) replaces the configured daily one.
  const capsNow = (): Caps => ({ ...d.caps, dailyUsd: d.settings.getNumber("daily_budget_usd") ?? d.caps.dailyUsd });
  const compute = (now: number): BudgetCheck => {
    const zone = timeZoneOf(d.settings);
    const today = dayIn(now, zone);
    const month = today.slice(0, 7);
    // Today is in this month: one read gives both sums.
    const spent = d.spend.dayAndMonth(today, `${month}-01`, `${month}-31`);
    return checkBudget({ todayUsd: spent.dayUsd, monthUsd: spent.monthUsd }, capsNow(), now, zone);
  };
  /**
   * Remembered while nothing was written (the webhook path asks several times per message): a
   * cap that allows stays so until spend is written (a new day only lowers today's spend); one
   * that holds stays so until its reset.
   */
  let remembered: { version: number; result: BudgetCheck } | null = null;
  const check = (now: number): BudgetCheck => {
    const version = d.versionOf?.(BUDGET_TABLES);
    if (version !== undefined && remembered?.version === version && (remembered.result.ok || now < remembered.result.resetsAt)) return remembered.result;
    const result = compute(now);
    if (version !== undefined) remembered = { version, result };
    return result;
  };

  const blockedUntil = (now: number): number | null => {
    const c = check(now);
    return c.ok ? null : c.resetsAt;
  };
  /** The notice's key: once per capped period and cap (a raised cap reached again is news). */
  const periodOf = (c: Extract<BudgetCheck, { ok: false }>, now: number): string => {
    const zone = timeZoneOf(d.settings);
    return `${c.period}:${c.period === "daily" ? dayIn(now, zone) : monthIn(now, zone)}:${c.limitUsd}`;
  };
  const tellHeld = (now: number): void => {
    const c = check(now);
    if (c.ok) return;
    const period = periodOf(c, now);
    if (d.settings.get("budget_notice") === period) return;
    const zone = timeZoneOf(d.settings);
    d.settings.set("budget_notice", period);
    d.outbox.add({ dedupeKey: outboxKeys.budgetHeld(period), body: budgetHeldReply(c, zone), now });
  };
  return {
    name: "budget",
    /**
     * Queued work held by a spent cap: due now to tell the user (once per period), then at the reset.
     * Not kept in due_times: whether a cap holds depends on the clock (today's and this month's
     * spend in the user's zone) and on the queue, so no write can store it ahead of time.
     */
    nextDueAt(now: number): number | null {
      // The check first: it is remembered until spend or settings change, while the queue's
      // count changes with every stored message.
      const c = check(now);
      if (c.ok || d.queued() === 0) return null;
      return d.settings.get("budget_notice") === periodOf(c, now) ? c.resetsAt : now;
    },
    /** Tells the user their work is held; at the reset there is nothing of its own to do (the runs unit starts). */
    runDue: (now: number): void => (d.transaction ?? ((fn) => fn()))(() => tellHeld(now)),
    check,
    /** What the caps leave today (and this month, when capped), in dollars. */
    leftUsd(now: number): number {
      const zone = timeZoneOf(d.settings);
      const today = dayIn(now, zone);
      const caps = capsNow();
      const daily = caps.dailyUsd - sumOf(d.spend.between(today, today));
      const month = today.slice(0, 7);
      const monthly = caps.monthlyUsd === null ? Number.POSITIVE_INFINITY : caps.monthlyUsd - sumOf(d.spend.between(`${month}-01`, `${month}-31`));
      return Math.min(daily, monthly);
    },
    /** What today cost against the daily cap, for /status. */
    today(now: number): { spentUsd: number; limitUsd: number } {
      const day = dayIn(now, timeZoneOf(d.settings));
      return { spentUsd: sumOf(d.spend.between(day, day)), limitUsd: capsNow().dailyUsd };
    },
    /** When held work may run again; null when it may run now. */
    blockedUntil,
    /** Tells the user that work is held, once per capped period and cap. Call inside a transaction. */
    tellHeld,
    /** What a run cost, on the user's day (in their time zone) and its conversation; `offlineModel`: answered by the offline model (free). */
    recordCost(conversationId: number, costUsd: number, now: number, offlineModel = false, costByModel: Readonly<Record<string, number>> = {}): void {
      const day = dayIn(now, timeZoneOf(d.settings));
      d.spend.add(day, conversationId, costUsd);
      d.spend.addByModel(day, costByModel);
      // Written only when it changes (set() compares with the cached value); unset reads as "0"
      // (every reader asks for "1"), so a phone whose runs were never the offline model's writes none.
      if (offlineModel || d.settings.get("offline_model") !== null) d.settings.set("offline_model", offlineModel ? "1" : "0");
    },
    /** A spoken reply's cost (its characters), under the speech model's name; the offline-model flag is the agent's and stays. */
    recordSpeech(conversationId: number, costUsd: number, model: string, now: number): void {
      const day = dayIn(now, timeZoneOf(d.settings));
      d.spend.add(day, conversationId, costUsd);
      d.spend.addByModel(day, { [model]: costUsd });
    },
    /** A run whose cost the VM could not say: counted, so /cost says some is unknown. */
    recordUnknown(conversationId: number, now: number): void {
      d.spend.addUnknown(dayIn(now, timeZoneOf(d.settings)), conversationId);
    },
  };
}
export type Budget = ReturnType<typeof createBudget>;
