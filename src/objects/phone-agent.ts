// One Durable Object per WhatsApp phone: its durable queue, agent session, runs and outbox.
// Every timer (dispatch, retries, stream watchdog, outbox backoff) shares the one alarm.
import { DurableObject } from "cloudflare:workers";
import { loadConfig, type Config } from "../config";
import { earliest } from "../core/backoff";
import { logEvent } from "../core/log";
import { ACK_QUEUED } from "../core/notices";
import { createMessagesRepo, type Media } from "./db/messages-repo";
import { migrate } from "./db/migrate";
import { createOutboxRepo, type OutboxStatus } from "./db/outbox-repo";
import { createRunsRepo } from "./db/runs-repo";
import { createSettingsRepo } from "./db/settings-repo";
import { createSql, type Sql } from "./db/sql";
import { flushOutbox } from "./outbox-sender";
import { RunDriver, STREAM_SLICE_MS } from "./run-driver";
import type { Repos } from "./run-effects";
import { createTwilioClient } from "./twilio-client";
import { createVmClient } from "./vm-client";

export type InboundMessage = {
  messageId: string;
  phone: string;
  body: string;
  media: Media[];
  receivedAt: number;
  /** The Worker's externally visible origin, for the status callback URL. */
  publicOrigin: string;
};

export type DeliveryStatus = { messageSid: string; status: OutboxStatus; errorCode: string | null };

/** A watchdog alarm fires this long after a stream slice should have ended. */
const WATCHDOG_GRACE_MS = 30_000;

export class PhoneAgent extends DurableObject<Env> {
  private readonly repos: Repos;
  private readonly sql: Sql;
  private readonly config: Config | null;
  private driver: RunDriver | null = null;
  private pumping = false;
  /** While an alarm runs, timers due at its scheduled time count as due (alarms never fire early). */
  private alarmFloor = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const loaded = loadConfig(env);
    this.config = loaded.ok ? loaded.config : null;
    if (!loaded.ok) this.log("config_invalid", { problems: loaded.problems });
    const sql = createSql(ctx.storage.sql);
    this.sql = sql;
    this.repos = {
      messages: createMessagesRepo(sql),
      runs: createRunsRepo(sql),
      outbox: createOutboxRepo(sql),
      settings: createSettingsRepo(sql),
    };
    void ctx.blockConcurrencyWhile(async () => {
      const applied = migrate(ctx.storage);
      if (applied.length > 0) this.log("migrated", { applied });
    });
  }

  /** Stores an inbound message (once per MessageSid) and schedules its dispatch. */
  async enqueue(message: InboundMessage): Promise<{ stored: boolean }> {
    const now = Date.now();
    const rowsBefore = this.sql.rowsWritten();
    const { messages, runs, outbox, settings } = this.repos;
    const stored = this.ctx.storage.transactionSync(() => {
      settings.set("phone", message.phone);
      settings.set("public_origin", message.publicOrigin);
      if (!messages.insert({ id: message.messageId, body: message.body, media: message.media, now })) return false;
      settings.set("last_inbound_at", message.receivedAt);
      settings.set("last_inbound_sid", message.messageId);
      settings.set("last_activity_at", now);
      if (runs.open()) outbox.add({ dedupeKey: `ack:${message.messageId}`, body: ACK_QUEUED, now });
      return true;
    });
    this.log(stored ? "message_queued" : "message_duplicate", {
      messageId: message.messageId,
      rowsWritten: this.sql.rowsWritten() - rowsBefore,
    });
    if (stored) {
      this.driver?.wake();
      await this.armAlarm();
    }
    return { stored };
  }

  /** Applies a Twilio status callback to the outbox row of that message. */
  async recordDeliveryStatus(update: DeliveryStatus): Promise<void> {
    const item = this.repos.outbox.applyStatus(update.messageSid, update.status, update.errorCode, Date.now());
    this.log("delivery_status", { sid: update.messageSid, status: update.status, errorCode: update.errorCode, known: !!item });
  }

  override async alarm(): Promise<void> {
    if (this.pumping) {
      // A second alarm while this instance already pumps: nudge it, keep the watchdog set.
      this.driver?.wake();
      await this.armAlarm();
      return;
    }
    this.pumping = true;
    const startedAt = Date.now();
    const rowsBefore = this.sql.rowsWritten();
    this.alarmFloor = this.repos.settings.getNumber("alarm_at") ?? 0;
    try {
      await this.getDriver().pump(Date.now() + STREAM_SLICE_MS);
    } catch (error) {
      // Expected failures are rows already; this is a bug. Never let the platform retry blindly.
      this.log("alarm_error", { error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.pumping = false;
      this.alarmFloor = 0;
      await this.armAlarm();
      this.log("alarm_done", { durationMs: Date.now() - startedAt, rowsWritten: this.sql.rowsWritten() - rowsBefore });
    }
  }

  private now = (): number => Math.max(Date.now(), this.alarmFloor);

  /** The earliest time anything is due; no alarm at all when nothing is. */
  private nextWakeAt(now: number): number | null {
    const { runs, messages, outbox } = this.repos;
    const run = runs.open();
    const runAt = run
      ? this.pumping && run.phase === "streaming"
        ? now + STREAM_SLICE_MS + WATCHDOG_GRACE_MS
        : run.nextAttemptAt
      : messages.countQueued() > 0
        ? now
        : null;
    return earliest(runAt, outbox.head()?.nextAttemptAt);
  }

  private async armAlarm(): Promise<void> {
    const at = this.nextWakeAt(Date.now());
    // While pumping, work due now is the pump's own; the finally block re-arms after it.
    if (this.pumping && at !== null && at <= Date.now()) return;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
    this.repos.settings.set("alarm_at", at);
  }

  private getDriver(): RunDriver {
    if (this.driver) return this.driver;
    const { settings, outbox } = this.repos;
    const config = this.config;
    const twilio =
      config?.twilio.accountSid && config.twilio.authToken
        ? createTwilioClient({ ...config.twilio, accountSid: config.twilio.accountSid, authToken: config.twilio.authToken })
        : null;
    const vm = config?.vm ? createVmClient({ vmUrl: config.vm.url, vmToken: config.vm.token }) : null;
    const phone = settings.get("phone") ?? "";
    const log = this.log;
    this.driver = new RunDriver({
      storage: this.ctx.storage,
      repos: this.repos,
      now: this.now,
      log,
      vm,
      userId: phone,
      flushOutbox: () =>
        flushOutbox({
          outbox,
          twilio,
          to: phone || null,
          statusCallback: this.statusCallbackUrl(),
          now: this.now,
          log,
        }),
      armWatchdog: () => this.armAlarm(),
      refreshTyping: async () => {
        const sid = settings.get("last_inbound_sid");
        if (twilio && sid) await twilio.sendTyping(sid);
      },
    });
    return this.driver;
  }

  private statusCallbackUrl(): string | null {
    const base = this.config?.publicUrl ?? this.repos.settings.get("public_origin");
    return base ? `${base}/twilio/status` : null;
  }

  private log = (event: string, fields: Record<string, unknown>): void => {
    logEvent(event, { object: "PhoneAgent", phone: this.repos?.settings.get("phone") ?? undefined, ...fields });
  };
}
