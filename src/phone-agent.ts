// One Durable Object per user: its name is the WhatsApp phone (E.164), or `tg-<id>` for a Telegram
// user whose door is Telegram alone (src/channels/user-names.ts). It composes the units
// that own this user's rows and timers (compose-units.ts) and hands the one alarm to its pump
// (alarm-pump.ts), which runs the units that are due; every change re-plans the alarm from the
// same list of units. The private page's requests are in page-entries.ts, the hand-off's in
// handoff-entries.ts; the RPC methods below hand off to these.
import { DurableObject } from "cloudflare:workers";
import type { Config } from "./config/config";
import { loadConfig } from "./agent/relay-settings";
import type { BudgetChange, Revoked, UserSummary } from "./admin/admin-replies";
import { type Clock, systemClock } from "./shared/clock";
import { type Log, logEvent, objectLog, type StoredMessage } from "./shared/log";
import { afterCommand } from "./agent/after-command";
import { type AccessDeps, isRevoked, restore, revoke, setDailyBudget, summarize } from "./admin/access";
import type { VmAction } from "./agent/vm-action";
import { applyLinkedChat } from "./directory/link-actions";
import { pauseAllTasks } from "./schedules/schedule-service";
import { doorChangedNotice } from "./directory/link-replies";
import { outboxKeys } from "./outbox/outbox-keys";
import { FRESH_SCHEMA, MIGRATIONS, migrate } from "./shared/migrate";
import { createSql, type Sql } from "./shared/sql";
import { reportedRows } from "./shared/rows-by-table";
import { composeUnits, type TellAdmin } from "./agent/compose-units";
import { AlarmPump } from "./agent/alarm-pump";
import type { AdminNotice } from "./admin/admin-notice";
import { adminNoticeDepsFor, tellAdmin } from "./admin/notify-admin";
import type { InboundMessage } from "./messages/inbound-message";
import { receive } from "./agent/inbox";
import { readReviewInput, reviewCandidateOf } from "./changes/review-replies";
import type { ChatAddress, TapOutcome } from "./channels/channel";
import { receiveEvent } from "./runs/event-runs";
import type { EventRun, EventRunOutcome } from "./runs/event-run";
import { fireTrigger, type TriggerFireOutcome, type TriggerFiring } from "./triggers/trigger-runs";
import type { DeliveryStatus } from "./outbox/outbox-unit";
import { type GithubDelivery, receiveGithubDelivery } from "./github/github-deliveries";
import { asksForAgent } from "./github/github-decide";
import { canAskAgent } from "./messages/event-guard";
import { homeWatches } from "./github/github-watches-repo";
import { endWebLinks, type WebPageAnswer, type WebPageRequest, webLinkEpoch, webPageData } from "./web/web-page-data";
import type { ReviewAnswer, ReviewRequest } from "./changes/review-drafts";
import { machineOwnerRecorder } from "./machines/machine-owners";
import type { Wake } from "./protocol/vm/wake";
import type { HandbackAnswer, HandbackUpload, HandoffCodeAnswer, HandoffDataAnswer, HandoffNewUpload } from "./handoff/handoffs";
import type { HandoffCodeRefusal } from "./handoff/handoff";
import { handoffEntries } from "./handoff/handoff-entries";
import { pageEntries } from "./agent/page-entries";
import { PREVIEW_CONNECT_MS, previewTarget, type PreviewTarget, type PreviewTargetRequest } from "./preview/preview-target";
import type { LiveActionAnswer, LiveActionRequest } from "./web/live-actions";
import type { LivePictureRequest } from "./web/web-live";

export type { InboundMessage, DeliveryStatus };

export class PhoneAgent extends DurableObject<Env> {
  private readonly phone: string;
  private readonly sql: Sql;
  private readonly config: Config | null;
  private readonly log: Log;
  /** Runs a step with its log lines held until the line that names it is written (shared/log.ts holdingLog). */
  private readonly logAfter: ReturnType<typeof objectLog>["after"];
  private readonly u: ReturnType<typeof composeUnits>;
  /** The object's one clock: each entry point reads it once and passes `now` down (a pump's slice is real time). */
  private readonly clock: Clock = systemClock;
  /** The one alarm and the pump of due units (alarm-pump.ts). */
  private readonly pump: AlarmPump;
  /** The Worker's /h/<code> requests (handoff-entries.ts). */
  private readonly handoffs: ReturnType<typeof handoffEntries>;
  /** The private page's live socket, actions and draft review (page-entries.ts). */
  private readonly page: ReturnType<typeof pageEntries>;
  /** The record of stored messages: a line per burst, not per message (it would cost as much as storing one). */
  private readonly logQueued: (stored: StoredMessage) => void;
  /** The rows the webhook's and the status callbacks' lines report, left out of the pump's (which may be under way meanwhile). */
  private readonly rows: ReturnType<typeof reportedRows>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // The Worker addresses each phone by name (idFromName), so the name is the phone, in alarms too.
    const phone = ctx.id.name;
    if (!phone) throw new Error("PhoneAgent must be addressed by name (the phone number)");
    this.phone = phone;
    const logs = objectLog((event, fields) => logEvent(event, { object: "PhoneAgent", phone, ...fields }));
    this.log = logs.log;
    this.logAfter = logs.after;
    this.logQueued = logs.queued;
    const loaded = loadConfig(env);
    this.config = loaded.ok ? loaded.config : null;
    if (!loaded.ok) this.log("config_invalid", { problems: loaded.problems });
    this.sql = createSql(ctx.storage);
    this.rows = reportedRows(this.sql);
    // A notice for an admin goes to their object after the step that made it, never holding it up.
    const admins = adminNoticeDepsFor(env, this.config, { name: phone, agent: this }, this.log);
    const tell: TellAdmin = (notice) => ctx.waitUntil(tellAdmin(admins, notice));
    this.u = composeUnits({ sql: this.sql, phone, config: this.config, log: this.log, bindings: { media: env.MEDIA, ai: env.AI, env, archive: env.ARCHIVE }, clock: this.clock, tellAdmin: tell, recordMachineOwner: machineOwnerRecorder(env, phone, this.log), sockets: ctx });
    this.pump = new AlarmPump({ storage: ctx.storage, u: this.u, clock: this.clock, ...this.rows.unreported, log: this.log, waitUntil: (work) => ctx.waitUntil(work) });
    const handoffDeps = () => ({ env, config: this.config, phone, sql: this.sql, repos: this.u.repos, vm: this.u.vm, changes: this.u.changes });
    this.handoffs = handoffEntries({ deps: handoffDeps, outbox: this.u.repos.outbox, makeCurrent: (id) => this.u.conversations.makeCurrent(id), clock: this.clock, workOn: (now) => this.pump.workOn(now) });
    this.page = pageEntries({ u: this.u, sql: this.sql, config: this.config, phone, log: this.log, clock: this.clock, pump: this.pump, waitUntil: (work) => ctx.waitUntil(work) });
    // A page's keep-alive is answered by the platform: a quiet page never wakes the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    void ctx.blockConcurrencyWhile(async () => {
      const applied = migrate(ctx.storage, this.clock(), MIGRATIONS, FRESH_SCHEMA);
      // An upgrade of a user's rows is news; a new user's schema (from migration 1) is the code's,
      // and their first message's line says they came.
      if (applied.length > 0 && applied[0] !== 1) this.log("migrated", { applied });
      this.pump.loaded(await ctx.storage.getAlarm());
    });
  }

  /**
   * Stores an inbound message (once per MessageSid or Telegram update): a /command is answered at
   * once, anything else queued. `tap`: what became of a tapped button, for the app to acknowledge.
   */
  async enqueue(message: InboundMessage): Promise<{ stored: boolean; tap?: TapOutcome }> {
    const now = this.clock();
    // An admin's /deny holds here at once, whatever the Worker isolates' copies of the allowlist say.
    if (isRevoked(this.u.repos.settings, this.config, this.phone)) {
      this.log("message_refused", { messageId: message.messageId, reason: "access_revoked" });
      return { stored: false };
    }
    // A text naming a line of a shown change reads its diff first; no other message waits for it meanwhile.
    const candidate = reviewCandidateOf(this.u.reviewRead, message);
    const review = candidate ? await this.ctx.blockConcurrencyWhile(() => readReviewInput(this.u.reviewRead, candidate)) : null;
    const epochBefore = webLinkEpoch(this.u.repos.settings);
    // The message's own line first, then what it did (a /stop's run ending): the log reads in order.
    const { value: stored } = this.logAfter(
      () => this.rows.report(() => receive(this.u.inbox, message, now, review)),
      ({ value: stored, rows, rowsByTable }) => {
        if (!stored || stored.route === "rate_limited") this.log(stored ? "message_rate_limited" : "message_duplicate", { messageId: message.messageId, rowsWritten: rows, rowsByTable });
        else this.logQueued({ id: message.messageId, rows, rowsByTable, command: stored.command, alone: stored.route !== "agent" });
      },
    );
    if (!stored) return { stored: false };
    // A /web revoke: the pages its links opened stop watching now.
    if (webLinkEpoch(this.u.repos.settings) !== epochBefore) this.u.livePages.closeRevoked(now);
    // Calls to the VM never hold up Twilio's webhook (it gives 15 s, then retries).
    if (stored.after) this.ctx.waitUntil(this.afterCommand(stored.after, message.messageId));
    await this.pump.workOn(now);
    return stored.tap ? { stored: true, tap: stored.tap } : { stored: true };
  }

  /** A run started by an event (GitHub, a trigger): stored once per event id, then run like a message. */
  async startEventRun(event: EventRun): Promise<EventRunOutcome> {
    const now = this.clock();
    if (isRevoked(this.u.repos.settings, this.config, this.phone)) return { outcome: "refused", reason: "revoked" };
    const outcome = receiveEvent(this.u.inbox, event, now);
    this.log("event_run", { eventId: event.eventId, outcome: outcome.outcome, ...(outcome.outcome === "refused" ? { reason: outcome.reason } : {}) });
    if (outcome.outcome !== "duplicate") await this.pump.workOn(now);
    return outcome;
  }

  /** A firing of one of this user's HTTP triggers (its token checked by the Worker): run like an event. */
  async fireTrigger(firing: TriggerFiring): Promise<TriggerFireOutcome> {
    const now = this.clock();
    if (isRevoked(this.u.repos.settings, this.config, this.phone)) return { outcome: "refused", reason: "revoked" };
    const outcome = fireTrigger(this.u.inbox, firing, now);
    this.log("trigger_fired", { triggerId: firing.triggerId, outcome: outcome.outcome, ...(outcome.outcome === "refused" ? { reason: outcome.reason } : {}) });
    // A refusal may have told the user (their rate limit, a deleted conversation): the outbox has work.
    if (outcome.outcome === "queued" || outcome.outcome === "refused") await this.pump.workOn(now);
    return outcome;
  }

  /**
   * A delivery that passed the door of watch `watchId` (the Worker checked its signature): refused
   * unless that watch is still this home's watch of `repo`, else as receiveGithubEvent.
   */
  async receiveWatchedGithubEvent(watchId: string, repo: string, delivery: GithubDelivery): Promise<{ outcome: "stored" | "duplicate" | "refused" | "unwatched" }> {
    if (homeWatches.idOf(this.u.repos.settings, repo) !== watchId) {
      this.log("github_event", { delivery: delivery.delivery, event: delivery.event, outcome: "unwatched" });
      return { outcome: "unwatched" };
    }
    return this.receiveGithubEvent(delivery);
  }

  /** A GitHub delivery the Worker checked: stored once; its notice, pull request state, run (after a clone if needed) carried out. */
  async receiveGithubEvent(delivery: GithubDelivery): Promise<{ outcome: "stored" | "duplicate" | "refused" }> {
    if (isRevoked(this.u.repos.settings, this.config, this.phone)) return { outcome: "refused" };
    // `/agent` needs write access: GitHub says, through the VM (it holds the token); no answer, no run.
    const asking = asksForAgent(delivery.parsed.event) ? delivery.parsed.event : null;
    const permission = asking ? ((await this.u.vm?.githubPermission(delivery.parsed.repo, asking.author)) ?? null) : null;
    if (asking && !canAskAgent(permission)) this.log("github_agent_refused", { delivery: delivery.delivery, permission });
    const now = this.clock();
    const got = receiveGithubDelivery(this.u.github, { ...delivery, authorCanWrite: canAskAgent(permission) }, now);
    this.log("github_event", { delivery: delivery.delivery, event: delivery.event, outcome: got.outcome, ...(got.outcome === "stored" && got.run ? { run: got.run.eventId, clone: got.clone !== null } : {}) });
    if (got.outcome === "duplicate") return got;
    const run = got.run && { ...got.run, receivedAt: delivery.receivedAt, publicOrigin: delivery.publicOrigin };
    // A run whose conversation is being cloned waits in SQLite (runs/waiting-event-runs.ts): the
    // unit starts it once the clone is over, in the order the events came, even after an eviction.
    if (run && (got.clone || this.u.repos.conversations.byName(run.conversation)?.status === "cloning")) {
      this.u.waitingEventRuns.wait(run, now);
      if (got.clone) this.ctx.waitUntil(this.afterCommand(got.clone, delivery.delivery).then(() => this.pump.workOn(this.clock())));
    } else if (run) {
      await this.startEventRun(run);
    }
    await this.pump.workOn(now);
    return { outcome: "stored" };
  }

  /**
   * The VM's signed wake (src/machines/vm-wake-route.ts): its runs waiting out a retry, and after
   * `reader_gone` those due that no instance reads, are taken up now (RunDriver.vmWoke).
   */
  async vmWoke(vmRunIds: readonly string[], reason: Wake["reason"]): Promise<{ woken: number }> {
    const now = this.clock();
    const woken = this.u.runs.vmWoke(vmRunIds, reason, now);
    this.log("vm_woke", { reason, vmRunIds: vmRunIds.length, woken });
    if (woken > 0) await this.pump.workOn(now);
    return { woken };
  }

  /** Applies a Twilio status callback (see Outbox.applyStatus). */
  async recordDeliveryStatus(update: DeliveryStatus): Promise<void> {
    const now = this.clock();
    // Counted before the replan's await, so a pump's writes meanwhile are the pump's alone.
    const { value: dueMore, rows, rowsByTable } = this.rows.report(() => this.sql.transaction(() => this.u.outbox.applyStatus(update, now)));
    if (rows > 0) this.log("delivery_status", { sid: update.messageSid, status: update.status, errorCode: update.errorCode, rowsWritten: rows, rowsByTable });
    // Most callbacks (sent, delivered, read) only move a row forward: nothing new is due.
    if (dueMore) await this.pump.replan(now);
  }

  /** An admin's /users: this user's activity, state, spend and budget. Reads only, no VM call. */
  summary(): UserSummary { return summarize(this.accessDeps(), this.clock()); }

  /** The private page's data for a /web or /dashboard link (reads only; null: a revoked link, a deleted conversation). */
  webPage(request: WebPageRequest): Promise<WebPageAnswer> {
    const now = this.clock();
    return webPageData({ sql: this.sql, repos: this.u.repos, phone: this.phone, config: this.config, env: this.env, summary: () => summarize(this.accessDeps(), now), agent: this, log: this.log }, request, now);
  }

  /** Where a /preview link's request goes, once the Worker verified its token: `gone` for a link ended since, or a conversation deleted. */
  previewTarget(request: PreviewTargetRequest): Promise<PreviewTarget> {
    const { repos, conversations, vm, vmSource } = this.u;
    const deps = { vm, phone: this.phone, env: this.env, config: this.config, settings: repos.settings, log: this.log, clock: this.clock, source: vmSource };
    return previewTarget({ ...deps, webEpoch: webLinkEpoch(repos.settings), workspaceOf: (id) => conversations.repo.get(id)?.workspace ?? null, connectMs: PREVIEW_CONNECT_MS }, request);
  }

  /** A page's live socket (GET /web/<token>/live, its link opened by the Worker): 404 for a revoked link or a deleted conversation. */
  override async fetch(request: Request): Promise<Response> { return this.page.openLive(request); }

  /** Where an approval's picture is stored, for a page whose link the Worker opened; null: not this link's, or none. */
  livePicture(request: LivePictureRequest): { key: string; contentType: string } | null { return this.page.livePicture(request); }

  /** Stop the run or answer an approval from a page watching it (a link sent within the hour); null: the link was revoked. */
  liveAction(request: LiveActionRequest): Promise<LiveActionAnswer | null> { return this.page.act(request); }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    this.u.livePages.message(ws, message, this.clock());
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    // The page went away (or its link ended): the other end is closed back, nothing is kept of it.
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {
      // Already closed.
    }
  }

  /**
   * A private page's draft review: a comment added or removed, or the draft sent as one message of
   * the user (then the runs take it as a typed one). Null: the link was revoked, or what the action
   * names is not the link's (the page's own 404).
   */
  review(request: ReviewRequest): Promise<ReviewAnswer | null> { return this.page.review(request); }

  /**
   * An admin's /deny: what is pending is dropped, the open run ended as /stop ends it, the user told
   * once; the links the phone was sent end (its pages close now, as for /web revoke).
   */
  async revokeAccess(): Promise<Revoked> {
    const now = this.clock();
    const { revoked, cancelVmRunIds } = this.sql.transaction(() => {
      const done = revoke(this.accessDeps(), now);
      // A phone the Worker's own settings allow keeps its access, and so its links (isRevoked).
      if (isRevoked(this.u.repos.settings, this.config, this.phone)) endWebLinks(this.u.repos.settings);
      return done;
    });
    this.u.livePages.closeRevoked(now);
    await Promise.all(cancelVmRunIds.map((id) => this.u.vm?.cancel(id)));
    await this.u.machine?.stopNow(now); // machines mode: the volume stays for an /allow
    return this.pump.changed(revoked, now);
  }

  /** An admin's /allow after a /deny: this user's messages are read again. */
  async restoreAccess(): Promise<{ wasRevoked: boolean }> {
    const now = this.clock();
    return this.pump.changed(this.sql.transaction(() => restore(this.accessDeps(), now)), now);
  }

  /** An admin's /budget: this user's daily cap; work the old cap held runs now if the new one allows. */
  async setDailyBudget(usd: number | null): Promise<BudgetChange> {
    const now = this.clock();
    return this.pump.changed(this.sql.transaction(() => setDailyBudget(this.accessDeps(), usd, now)), now);
  }

  /** The other chat linked (or unlinked) a chat to this home's agent: noted (where schedules' results may go), and said here. */
  async setLinkedChat(chat: ChatAddress | null): Promise<void> {
    const now = this.clock();
    this.sql.transaction(() => {
      const { before } = applyLinkedChat(this.u.repos.settings, this.phone, chat);
      const notice = doorChangedNotice({ now: chat, before });
      if (notice) this.u.repos.outbox.add({ dedupeKey: outboxKeys.doorChanged(now), body: notice, now });
    });
    this.log("linked_chat", { linked: chat !== null });
    await this.pump.changed(undefined, now);
  }

  /** A notice for this admin from another user's object (a chat of theirs stopped): queued once by its key, sent by this outbox. */
  async queueAdminNotice(notice: AdminNotice): Promise<{ queued: boolean }> {
    const now = this.clock();
    const queued = this.u.repos.outbox.add({ dedupeKey: notice.key, body: notice.body, ...(notice.to ? { to: notice.to } : {}), now });
    if (queued) await this.pump.workOn(now);
    return { queued };
  }

  /** The Worker's /h/<code>: whether the /handoff code under `digest` may have its script read. */
  readHandoffCode(digest: string): HandoffCodeAnswer { return this.handoffs.readCode(digest); }

  /** The Worker's /h/<code>/data: the conversation's bundle for a laptop in `laptopDir`, once per code. */
  takeHandoff(digest: string, laptopDir: string): Promise<HandoffDataAnswer> { return this.handoffs.take(digest, laptopDir); }

  /** The Worker's /h/<code>/done: the laptop's script got to its end; whether the chat was told. */
  handoffDoneOnLaptop(digest: string): Promise<boolean> { return this.handoffs.doneOnLaptop(digest); }

  /** The Worker's /h/<code> refused a code that was one of this phone's (used, expired, revoked): the chat is told once. */
  handoffRefusedOnLaptop(digest: string, refusal: Exclude<HandoffCodeRefusal, "unknown">): Promise<void> { return this.handoffs.refusedOnLaptop(digest, refusal); }

  /** The Worker's /h/<code>/failed: the laptop's script failed after the download; whether the conversation is here again. */
  handoffFailedOnLaptop(digest: string, why: string): Promise<boolean> { return this.handoffs.failedOnLaptop(digest, why); }

  /** The Worker's /h/<code>/back: the laptop's work into the conversation, once per code. */
  takeHandback(digest: string, upload: HandbackUpload): Promise<HandbackAnswer> { return this.handoffs.takeBack(digest, upload); }

  /** The Worker's /h/<code>/new: a laptop's repository and session into a new conversation, once per code. */
  takeHandoffNew(digest: string, upload: HandoffNewUpload): Promise<HandbackAnswer> { return this.handoffs.takeNew(digest, upload); }

  /** This Telegram user's chat joined a phone's agent: this object's tasks pause (its rows stay for /unlink). */
  async pauseTasksForLink(): Promise<number> {
    const now = this.clock();
    return this.pump.changed(this.sql.transaction(() => pauseAllTasks(this.u.repos.schedules, now)), now);
  }

  override async alarm(): Promise<void> {
    await this.pump.alarm();
  }

  private async afterCommand(action: VmAction, messageId: string): Promise<void> {
    const { vm, outbox, repos, conversations } = this.u;
    await afterCommand({ vm, phone: this.phone, env: this.env, config: this.config, sql: this.sql, outbox, outboxRepo: repos.outbox, conversations, settings: repos.settings, schedules: repos.schedules, handoffs: repos.handoffs, questions: repos.questions, changes: this.u.changes, agent: this, log: this.log, clock: this.clock }, action, messageId);
    // A continuation of its own, after the VM answered: it reads the clock anew.
    await this.pump.changed(undefined, this.clock());
  }

  private accessDeps(): AccessDeps {
    const { repos, lifecycle, budget, inbox, approvals } = this.u;
    return { ...repos, machine: this.u.machine && (() => this.u.machine!.describe()), archive: this.u.archive && (() => this.u.archive!.describe()), lifecycle, budget, monthlyCapUsd: this.config?.budget.monthlyUsd ?? null, failRun: inbox.failRun, stopApprovals: (now, runIds) => approvals.stopAll(now, runIds) };
  }
}
