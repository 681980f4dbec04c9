// One Durable Object per WhatsApp phone (its name is the E.164 number). It composes the units
// that own this user's rows and timers (runs, outbox, schedules) and owns the one alarm: after
// any change it asks the pure wake plan (core/wake-plan.ts) when to wake next.
import { DurableObject } from "cloudflare:workers";
import { loadConfig, type Config } from "../config";
import type { BudgetChange, Revoked, UserSummary } from "../core/admin-replies";
import { chunkReply } from "../core/chunk-reply";
import { logEvent } from "../core/log";
import { vmHealthNotice } from "../core/notices";
import { outboxKeys } from "../core/outbox-keys";
import { planWake, watchdogRefreshAt } from "../core/wake-plan";
import { type AccessDeps, isRevoked, restore, revoke, setDailyBudget, summarize } from "./commands/access";
import { adminDeps, carryOut } from "./commands/admin-actions";
import { composeUnits, type Repos } from "./units/compose-units";
import { finishClone, type VmAction } from "./commands/conversation-commands";
import type { Approvals } from "./units/approvals";
import type { MediaInbox } from "./units/media-inbox";
import type { Budget } from "./units/budget";
import type { Conversations } from "./units/conversations";
import { migrate } from "./db/migrate";
import { createSql, type Sql } from "./db/sql";
import { type InboundMessage, type InboxDeps, receive } from "./units/inbox";
import type { DeliveryStatus, Log, Outbox } from "./units/outbox";
import { pruneIfDue, type RetentionDeps } from "./units/retention";
import { type RunDriver, STREAM_SLICE_MS } from "./units/run-driver";
import type { Schedules } from "./units/schedules";
import type { VmClient } from "./clients/vm-client";

export type { InboundMessage } from "./units/inbox";
export type { DeliveryStatus } from "./units/outbox";

/** A pump started by a message reads the stream this long before handing over to the alarm. */
const DIRECT_SLICE_MS = 20_000;

export class PhoneAgent extends DurableObject<Env> {
  private readonly sql: Sql;
  private readonly config: Config | null;
  private readonly vm: VmClient | null;
  private readonly repos: Repos;
  private readonly outbox: Outbox;
  private readonly schedules: Schedules;
  private readonly runs: RunDriver;
  private readonly conversations: Conversations;
  private readonly budget: Budget;
  private readonly approvals: Approvals;
  private readonly mediaInbox: MediaInbox;
  private readonly inbox: InboxDeps;
  private readonly log: Log;
  /** This instance is driving runs (a pump is in progress). */
  private pumping = false;
  /** The alarm as this object last set it (loaded at start): the platform keeps it, not SQLite. */
  private alarmAt: number | null = null;
  /** Rows the outbox wrote while sending (for the log line that sums up a pump). */
  private outboxRows = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // The Worker addresses each phone by name (idFromName), so the name is the phone, in alarms too.
    const phone = ctx.id.name;
    if (!phone) throw new Error("PhoneAgent must be addressed by name (the phone number)");
    this.log = (event, fields) => logEvent(event, { object: "PhoneAgent", phone, ...fields });
    const loaded = loadConfig(env);
    this.config = loaded.ok ? loaded.config : null;
    if (!loaded.ok) this.log("config_invalid", { problems: loaded.problems });
    this.sql = createSql(ctx.storage);
    const units = composeUnits({ sql: this.sql, phone, config: this.config, log: this.log, bindings: { media: env.MEDIA, ai: env.AI } });
    ({ vm: this.vm, repos: this.repos, outbox: this.outbox, schedules: this.schedules, conversations: this.conversations, budget: this.budget, approvals: this.approvals, mediaInbox: this.mediaInbox, runs: this.runs, inbox: this.inbox } = units);
    void ctx.blockConcurrencyWhile(async () => {
      const applied = migrate(ctx.storage);
      if (applied.length > 0) this.log("migrated", { applied });
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  /** Stores an inbound message (once per MessageSid): a /command is answered at once, anything else queued. */
  async enqueue(message: InboundMessage): Promise<{ stored: boolean }> {
    const now = Date.now();
    // An admin's /deny holds here at once, whatever the Worker isolates' copies of the allowlist say.
    if (isRevoked(this.repos.settings, this.config, this.phone)) {
      this.log("message_refused", { messageId: message.messageId, reason: "access_revoked" });
      return { stored: false };
    }
    const rowsBefore = this.sql.rowsWritten();
    const stored = receive(this.inbox, message, now);
    const event = !stored ? "message_duplicate" : stored.route === "rate_limited" ? "message_rate_limited" : "message_queued";
    this.log(event, { messageId: message.messageId, command: stored?.command, rowsWritten: this.sql.rowsWritten() - rowsBefore });
    if (!stored) return { stored: false };
    // Calls to the VM never hold up Twilio's webhook (it gives 15 s, then retries).
    if (stored.after) this.ctx.waitUntil(this.afterCommand(stored.after, message.messageId));
    this.runs.wake();
    // The alarm first, so the work is safe even if this instance dies; then start at once.
    // The object stays resident while the pump's I/O is in flight (waitUntil does not extend
    // a Durable Object's life); if it is evicted anyway, that alarm resumes the work.
    const startPump = !this.pumping;
    await this.replan(startPump);
    if (startPump && !this.pumping) this.ctx.waitUntil(this.pump("message", DIRECT_SLICE_MS, now));
    return { stored: true };
  }

  /** Applies a Twilio status callback (see Outbox.applyStatus). */
  async recordDeliveryStatus(update: DeliveryStatus): Promise<void> {
    const now = Date.now();
    const rowsBefore = this.sql.rowsWritten();
    const dueMore = this.sql.transaction(() => this.outbox.applyStatus(update, now));
    // Most callbacks (sent, delivered, read) only move a row forward: nothing new is due.
    if (dueMore) await this.replan();
    // What became of each reply, for the operator; a callback that changed nothing says nothing.
    const rowsWritten = this.sql.rowsWritten() - rowsBefore;
    if (rowsWritten > 0) this.log("delivery_status", { sid: update.messageSid, status: update.status, errorCode: update.errorCode, rowsWritten });
  }

  /** An admin's /users: this user's activity, state, spend and budget. Reads only, no VM call. */
  summary(): UserSummary {
    return summarize(this.accessDeps(), Date.now());
  }

  /** An admin's /deny: what is pending is dropped, the open run ended as /stop ends it, the user told once. */
  async revokeAccess(): Promise<Revoked> {
    const { revoked, cancelVmRunId } = this.sql.transaction(() => revoke(this.accessDeps(), Date.now()));
    if (cancelVmRunId) await this.vm?.cancel(cancelVmRunId);
    this.runs.wake();
    await this.replan();
    return revoked;
  }

  /** An admin's /allow after a /deny: this user's messages are read again. */
  async restoreAccess(): Promise<{ wasRevoked: boolean }> {
    const restored = this.sql.transaction(() => restore(this.accessDeps(), Date.now()));
    await this.replan();
    return restored;
  }

  /** An admin's /budget: this user's daily cap; work the old cap held runs now if the new one allows. */
  async setDailyBudget(usd: number | null): Promise<BudgetChange> {
    const change = this.sql.transaction(() => setDailyBudget(this.accessDeps(), usd, Date.now()));
    this.runs.wake();
    await this.replan();
    return change;
  }

  override async alarm(): Promise<void> {
    const scheduledAt = this.alarmAt ?? 0;
    // The platform's alarm is spent: the next plan must set one even if it is the same time.
    this.alarmAt = null;
    // Alarms never fire early: what was due at the alarm's time is due now, whatever the clock.
    await this.pump("alarm", STREAM_SLICE_MS, scheduledAt);
  }

  /**
   * Does what is due, step by step, until nothing is due or the slice ends: from an alarm a slice
   * of 5 min (the handler may run 15); straight from a webhook a short one, so a reply needs no
   * alarm round trip, after which the alarm (already armed) takes over. `floor` is the earliest
   * time this pump treats as the present.
   */
  private async pump(trigger: "alarm" | "message", sliceMs: number, floor: number): Promise<void> {
    const clock = () => Math.max(Date.now(), floor);
    if (this.pumping) {
      // This instance already pumps (a long stream): it picks up what is claimed here.
      this.claimTasks(clock());
      this.runs.wake();
      await this.replan();
      return;
    }
    this.pumping = true;
    const startedAt = Date.now();
    const rowsBefore = this.sql.rowsWritten();
    const limits = { deadline: startedAt + sliceMs, until: null as number | null };
    try {
      for (;;) {
        const now = clock();
        this.claimTasks(now);
        this.conversations.failStaleClones(now);
        this.approvals.expireDue(now, this.sql.transaction);
        // Attachments are fetched before any run can take their message (and a live run is told to look again).
        if ((await this.mediaInbox.settlePending(now)) > 0) this.runs.wake();
        await this.sendDue(now);
        await this.replan();
        limits.until = this.otherWorkDueAt();
        const step = await this.runs.step(now, limits);
        if (step.kind === "finished") this.sql.transaction(() => pruneIfDue(this.repos satisfies RetentionDeps, clock()));
        if (step.kind === "idle" || step.kind === "waiting" || step.kind === "slice_over") break;
      }
    } catch (error) {
      // Expected failures are rows already; this is a bug. Never let the platform retry blindly.
      this.log("pump_error", { trigger, error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.runs.close();
      this.pumping = false;
      await this.replan();
      const done = { trigger, durationMs: Date.now() - startedAt, rowsWritten: this.sql.rowsWritten() - rowsBefore, outboxRowsWritten: this.outboxRows };
      this.outboxRows = 0;
      this.log(trigger === "alarm" ? "alarm_done" : "pump_done", done);
    }
  }

  private async sendDue(now: number): Promise<void> {
    const before = this.sql.rowsWritten();
    await this.outbox.copyFiles(now);
    await this.outbox.sendDue(now);
    this.outboxRows += this.sql.rowsWritten() - before;
  }

  /** When the pump wants control back from a stream it reads: other units' timers, the watchdog. */
  private otherWorkDueAt(): number {
    const due = [this.outbox.nextDueAt(), this.schedules.nextDueAt(), this.approvals.nextDueAt(), watchdogRefreshAt(this.alarmAt, Date.now())];
    return Math.min(...due.filter((at): at is number => at !== null));
  }

  /**
   * Sets, moves or deletes the one alarm as the wake plan says. The alarm lives in real time, so
   * the plan gets the clock, not a pump's floor (which only decides what is due).
   */
  private async replan(pumpStarting = false): Promise<void> {
    const now = Date.now();
    const { runs, messages } = this.repos;
    const run = runs.open();
    const queued = messages.countQueued();
    // One budget check per plan: it reads the spend table, and this runs on every step.
    const heldUntil = queued > 0 ? this.budget.blockedUntil(now) : null;
    const plan = planWake({
      now,
      storedAlarmAt: this.alarmAt,
      pumping: this.pumping || pumpStarting,
      run: run && { phase: run.phase === "streaming" ? "streaming" : "waiting", nextAttemptAt: run.nextAttemptAt },
      // Messages held by a spent budget are due at its reset (a unit's time), not now.
      queued: heldUntil === null ? queued : 0,
      unitsDueAt: [this.outbox.nextDueAt(), this.schedules.nextDueAt(), this.conversations.nextDueAt(), this.approvals.nextDueAt(), heldUntil !== null && queued > 0 ? heldUntil : null],
    });
    if (plan.action === "keep") return;
    // Noted before the call, so a plan made while it is under way sees it.
    this.alarmAt = plan.action === "delete" ? null : plan.at;
    if (plan.action === "delete") await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(plan.at);
  }

  private claimTasks(now: number): void {
    const claimed = this.schedules.claimDue(now);
    if (claimed > 0) this.log("tasks_claimed", { tasks: claimed });
  }

  /** What a command asked of the VM, once the webhook has its answer. */
  private async afterCommand(action: VmAction, messageId: string): Promise<void> {
    const vm = this.vm;
    switch (action.kind) {
      case "cancel":
        await vm?.cancel(action.vmRunId);
        return;
      case "delete_workspace": {
        const done = await vm?.deleteWorkspace(this.phone, action.workspace);
        if (!done?.ok) this.log("workspace_delete_failed", { workspace: action.workspace, detail: done ? done.detail : "no VM" });
        return;
      }
      case "forget_rules": {
        const done = await vm?.forgetApprovalRules(this.phone, action.workspace);
        if (!done?.ok) this.log("approval_rules_forget_failed", { workspace: action.workspace, detail: done ? done.detail : "no VM" });
        const body = done?.ok
          ? `Forgot what was always allowed in ${action.conversation}: the agent asks again.`
          : `⚠️ The agent VM did not answer, so what was always allowed in ${action.conversation} may still be allowed. Send /approvals forget again.`;
        this.outbox.add({ dedupeKey: outboxKeys.command(messageId), body, now: Date.now() });
        break;
      }
      case "health":
        this.outbox.add({ dedupeKey: outboxKeys.command(messageId), body: vmHealthNotice((await vm?.health()) ?? null, action.detail), now: Date.now() });
        break;
      case "admin": {
        const text = await carryOut(adminDeps(this.env, this.config, { phone: this.phone, agent: this }, this.log), action.request, Date.now());
        chunkReply(text).forEach((body, i) => this.outbox.add({ dedupeKey: outboxKeys.command(messageId, i), body, now: Date.now() }));
        break;
      }
      case "clone": {
        const result = vm
          ? await vm.createWorkspace({ userId: this.phone, workspace: action.workspace, clone: { url: action.url, branch: action.branch ?? undefined } })
          : ({ ok: false, message: "the agent VM is not configured." } as const);
        const now = Date.now();
        this.sql.transaction(() => finishClone({ conversations: this.conversations, outbox: this.repos.outbox }, action.conversationId, result, now));
        break;
      }
    }
    this.runs.wake();
    await this.replan();
  }

  private accessDeps(): AccessDeps {
    const stopApprovals = (now: number) => this.approvals.stopAll(now);
    return { ...this.repos, lifecycle: this.inbox.lifecycle, budget: this.budget, monthlyCapUsd: this.config?.budget.monthlyUsd ?? null, failRun: this.inbox.failRun, stopApprovals };
  }

  private get phone(): string {
    return this.ctx.id.name ?? "";
  }
}
