// One Durable Object per WhatsApp phone: its durable queue, agent session, runs, scheduled
// tasks and outbox. Every timer (dispatch, retries, stream watchdog, outbox backoff, tasks)
// shares the one alarm, set to the earliest due time, or deleted when nothing is due.
import { DurableObject } from "cloudflare:workers";
import { loadConfig, type Config } from "../config";
import { earliest } from "../core/backoff";
import { parseCommand } from "../core/commands";
import { logEvent } from "../core/log";
import { ACK_QUEUED } from "../core/notices";
import { WINDOW_CLOSED_ERROR } from "../core/whatsapp-window";
import { answerCommand } from "./command-handler";
import { createMessagesRepo, type Media } from "./db/messages-repo";
import { migrate } from "./db/migrate";
import { createOutboxRepo, type OutboxStatus } from "./db/outbox-repo";
import { createRunsRepo } from "./db/runs-repo";
import { createSchedulesRepo } from "./db/schedules-repo";
import { createSettingsRepo } from "./db/settings-repo";
import { createSql, type Sql } from "./db/sql";
import { createToolCallsRepo } from "./db/tool-calls-repo";
import { announceHeld, flushOutbox } from "./outbox-sender";
import { RunDriver, STREAM_SLICE_MS, WATCHDOG_MS } from "./run-driver";
import type { RelayState } from "./run-effects";
import { runRelayTool } from "./schedule-service";
import { claimDueTasks } from "./task-lifecycle";
import { createTwilioClient, type TwilioClient } from "./twilio-client";
import { createVmClient, type VmClient } from "./vm-client";

export type InboundMessage = {
  messageId: string;
  phone: string;
  body: string;
  media: Media[];
  receivedAt: number;
  /** The Worker's externally visible origin, for the status callback URL. */
  publicOrigin: string;
};

/** A pump started by a message reads the stream this long before handing over to the alarm. */
const DIRECT_SLICE_MS = 20_000;

export type DeliveryStatus = { messageSid: string; status: OutboxStatus; errorCode: string | null };


export class PhoneAgent extends DurableObject<Env> {
  private readonly sql: Sql;
  private readonly state: RelayState;
  private readonly config: Config | null;
  private readonly twilio: TwilioClient | null;
  private readonly vm: VmClient | null;
  private readonly driver: RunDriver;
  private pumping = false;
  /** While an alarm runs, timers due at its scheduled time count as due (alarms never fire early). */
  private alarmFloor = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const loaded = loadConfig(env);
    this.config = loaded.ok ? loaded.config : null;
    if (!loaded.ok) logEvent("config_invalid", { problems: loaded.problems });
    const twilio = this.config?.twilio;
    this.twilio = twilio?.accountSid && twilio.authToken ? createTwilioClient({ ...twilio, accountSid: twilio.accountSid, authToken: twilio.authToken }) : null;
    this.vm = this.config?.vm ? createVmClient({ vmUrl: this.config.vm.url, vmToken: this.config.vm.token }) : null;
    this.sql = createSql(ctx.storage);
    this.state = {
      transaction: this.sql.transaction,
      repos: {
        messages: createMessagesRepo(this.sql),
        runs: createRunsRepo(this.sql),
        outbox: createOutboxRepo(this.sql),
        settings: createSettingsRepo(this.sql),
        schedules: createSchedulesRepo(this.sql),
        toolCalls: createToolCallsRepo(this.sql),
      },
      now: () => Math.max(Date.now(), this.alarmFloor),
      log: (event, fields) => logEvent(event, { object: "PhoneAgent", phone: this.phone() ?? undefined, ...fields }),
      runTool: (name, args, now) => runRelayTool(this.state.repos, name, args, now),
    };
    this.driver = new RunDriver({
      ...this.state,
      vm: this.vm,
      userId: () => this.phone() ?? "",
      flushOutbox: () => this.flushOutbox(),
      armWatchdog: () => this.armAlarm(),
      nextTimerAt: () => earliest(this.state.repos.outbox.head()?.nextAttemptAt, this.state.repos.schedules.nextDueAt()),
      runTimers: async () => {
        this.claimTasks();
        await this.flushOutbox();
      },
      refreshTyping: async () => {
        const sid = this.state.repos.settings.get("last_inbound_sid");
        if (this.twilio && sid) await this.twilio.sendTyping(sid);
      },
    });
    void ctx.blockConcurrencyWhile(async () => {
      const applied = migrate(ctx.storage);
      if (applied.length > 0) this.state.log("migrated", { applied });
    });
  }

  /** Stores an inbound message (once per MessageSid): a /command is answered at once, anything else queued. */
  async enqueue(message: InboundMessage): Promise<{ stored: boolean }> {
    const now = Date.now();
    const rowsBefore = this.sql.rowsWritten();
    const { messages, runs, outbox, settings } = this.state.repos;
    const command = message.media.length === 0 ? parseCommand(message.body) : null;
    const stored = this.sql.transaction(() => {
      if (settings.get("phone") !== message.phone) settings.set("phone", message.phone);
      if (settings.get("public_origin") !== message.publicOrigin) settings.set("public_origin", message.publicOrigin);
      if (!messages.insert({ id: message.messageId, body: message.body, media: message.media, now })) return null;
      settings.set("last_inbound_at", message.receivedAt);
      settings.set("last_inbound_sid", message.messageId);
      settings.set("last_activity_at", now);
      // The user wrote: WhatsApp's window is open again for whatever was held.
      outbox.releaseHeld(now);
      if (!command) {
        if (runs.open()) outbox.add({ dedupeKey: `ack:${message.messageId}`, body: ACK_QUEUED, now });
        return { cancelVmRunId: null, checkVm: false };
      }
      messages.settle(message.messageId, "done", now);
      const answer = answerCommand(command, this.state, { isAdmin: this.config?.adminSenders.has(message.phone) ?? false });
      if (answer.text) outbox.add({ dedupeKey: `command:${message.messageId}`, body: answer.text, now });
      return answer;
    });
    this.state.log(stored ? "message_queued" : "message_duplicate", {
      messageId: message.messageId,
      command: command?.type,
      rowsWritten: this.sql.rowsWritten() - rowsBefore,
    });
    // Calls to the VM never hold up Twilio's webhook (it gives 15 s, then retries).
    if (stored?.cancelVmRunId && this.vm) this.ctx.waitUntil(this.vm.cancel(stored.cancelVmRunId));
    if (stored?.checkVm) this.ctx.waitUntil(this.answerVmHealth(message.messageId));
    if (stored) {
      this.driver.wake();
      // The alarm first, so the work is safe even if this instance dies; then start at once.
      // The object stays resident while the pump's I/O is in flight (waitUntil does not extend
      // a Durable Object's life); if it is evicted anyway, that alarm resumes the work.
      const startPump = !this.pumping;
      await this.armAlarm({ pumpStarting: startPump });
      if (startPump && !this.pumping) this.ctx.waitUntil(this.pump("message", DIRECT_SLICE_MS));
    }
    return { stored: stored !== null };
  }

  /** Applies a Twilio status callback; a message refused for the 24-hour window is held for later. */
  async recordDeliveryStatus(update: DeliveryStatus): Promise<void> {
    const now = Date.now();
    const { outbox, settings } = this.state.repos;
    const queuedMore = this.sql.transaction(() => {
      const item = outbox.applyStatus(update.messageSid, update.status, update.errorCode, now);
      if (!item || update.errorCode) {
        this.state.log("delivery_status", { sid: update.messageSid, status: update.status, errorCode: update.errorCode, known: !!item });
      }
      if (!item || item.contentSid || update.errorCode !== WINDOW_CLOSED_ERROR) return false;
      if (!outbox.add({ dedupeKey: `resend:${update.messageSid}`, body: item.body, held: true, now })) return false;
      const templateSid = this.config?.twilio.templateSid ?? null;
      announceHeld({ outbox, log: this.state.log, templateSid, lastInboundAt: settings.getNumber("last_inbound_at") }, now);
      return true;
    });
    // Most callbacks (sent, delivered, read) only move a row forward: nothing new is due.
    if (queuedMore) await this.armAlarm();
  }

  override async alarm(): Promise<void> {
    const floor = this.state.repos.settings.getNumber("alarm_at") ?? 0;
    // The platform's alarm is spent: armAlarm must set the next one even if it is the same time.
    this.state.repos.settings.set("alarm_at", null);
    await this.pump("alarm", STREAM_SLICE_MS, floor);
  }

  /**
   * Claims due tasks and drives runs until nothing is due or the slice ends. From an alarm, a
   * slice of 5 min (the handler may run 15); straight from a webhook, a short one so a reply
   * needs no alarm round trip, after which the alarm (already armed) takes over.
   */
  private async pump(trigger: "alarm" | "message", sliceMs: number, floor = 0): Promise<void> {
    const startedAt = Date.now();
    const rowsBefore = this.sql.rowsWritten();
    if (this.pumping) {
      // This instance already pumps (a long stream): it picks up what was claimed.
      this.alarmFloor = floor;
      this.claimTasks();
      this.alarmFloor = 0;
      this.driver.wake();
      await this.armAlarm();
      return;
    }
    this.pumping = true;
    this.alarmFloor = floor;
    try {
      this.claimTasks();
      await this.driver.pump(Date.now() + sliceMs);
    } catch (error) {
      // Expected failures are rows already; this is a bug. Never let the platform retry blindly.
      this.state.log("pump_error", { trigger, error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.pumping = false;
      this.alarmFloor = 0;
      await this.armAlarm();
      const done = { trigger, durationMs: Date.now() - startedAt, rowsWritten: this.sql.rowsWritten() - rowsBefore };
      this.state.log(trigger === "alarm" ? "alarm_done" : "pump_done", done);
    }
  }

  private async answerVmHealth(messageId: string): Promise<void> {
    const health = await this.vm?.health();
    const text = !health
      ? "The agent VM is not configured (VM_URL, VM_TOKEN)."
      : health.ok
        ? `The agent VM answered in ${health.ms} ms.`
        : `The agent VM did not answer: ${health.failure} (${health.detail.slice(0, 120)}).`;
    this.state.repos.outbox.add({ dedupeKey: `command:${messageId}`, body: text, now: Date.now() });
    this.driver.wake();
    await this.armAlarm();
  }

  private claimTasks(): void {
    const claimed = claimDueTasks(this.state.repos, this.sql.transaction, this.state.now());
    if (claimed.length > 0) this.state.log("tasks_claimed", { tasks: claimed.length });
  }

  /** The earliest time anything is due; null when nothing is. */
  private nextWakeAt(now: number): number | null {
    const { runs, messages, outbox, schedules } = this.state.repos;
    const run = runs.open();
    const runAt = run
      ? this.pumping && run.phase === "streaming"
        ? now + WATCHDOG_MS
        : run.nextAttemptAt
      : messages.countQueued() > 0
        ? now
        : null;
    return earliest(runAt, outbox.head()?.nextAttemptAt, schedules.nextDueAt());
  }

  /**
   * Sets the one alarm to the earliest due time. Work due now that this instance's pump does
   * (or starts right after this call) needs no alarm invocation of its own, only a safety net
   * should the instance die first: an alarm at most WATCHDOG_MS ahead. The pump re-arms when done.
   */
  private async armAlarm(options: { pumpStarting?: boolean } = {}): Promise<void> {
    const now = Date.now();
    const stored = this.state.repos.settings.getNumber("alarm_at");
    let at = this.nextWakeAt(now);
    if (at !== null && at <= now && (this.pumping || options.pumpStarting)) {
      if (stored !== null && stored > now && stored <= now + WATCHDOG_MS) return;
      at = now + WATCHDOG_MS;
    }
    if (at === stored) return;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
    this.state.repos.settings.set("alarm_at", at);
  }

  private flushOutbox(): Promise<void> {
    const { outbox, settings } = this.state.repos;
    return flushOutbox({
      outbox,
      twilio: this.twilio,
      to: this.phone(),
      statusCallback: this.statusCallbackUrl(),
      lastInboundAt: settings.getNumber("last_inbound_at"),
      templateSid: this.config?.twilio.templateSid ?? null,
      now: this.state.now,
      log: this.state.log,
    });
  }

  private phone(): string | null {
    return this.state?.repos.settings.get("phone") ?? null;
  }

  private statusCallbackUrl(): string | null {
    const base = this.config?.publicUrl ?? this.state.repos.settings.get("public_origin");
    return base ? `${base}/twilio/status` : null;
  }
}
