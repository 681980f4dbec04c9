// One Durable Object per user: its name is the WhatsApp phone (E.164), or `tg-<id>` for a Telegram
// user whose door is Telegram alone (src/core/user-name.ts). It composes the units
// that own this user's rows and timers (compose-units.ts) and owns the one alarm: its pump
// runs the units that are due, and every change re-plans the alarm from the same list of units.
import { DurableObject } from "cloudflare:workers";
import { loadConfig, type Config } from "../config";
import type { BudgetChange, Revoked, UserSummary } from "../core/admin-replies";
import { type Clock, systemClock } from "../core/clock";
import { holdingLog, type Log, logEvent, pumpLines, queuedMessageLines } from "../core/log";
import { stepTime } from "../core/step-time";
import { earliest, planWake, watchdogRefreshAt } from "../core/wake-plan";
import { afterCommand } from "./commands/after-command";
import { type AccessDeps, isRevoked, restore, revoke, setDailyBudget, summarize } from "./commands/access";
import type { VmAction } from "./commands/conversation-commands";
import { applyLinkedChat, pauseAllTasks } from "./commands/link-actions";
import { doorChangedNotice } from "../core/replies/link";
import { outboxKeys } from "../core/outbox-keys";
import { FRESH_SCHEMA, MIGRATIONS, migrate } from "./db/migrate";
import { createSql, type Sql } from "./db/sql";
import { composeUnits, type TellAdmin } from "./compose-units";
import type { AdminNotice } from "../core/admin-notice";
import { adminNoticeDepsFor, tellAdmin } from "./services/admin-notice";
import type { InboundMessage } from "./commands/inbound-message";
import { receive } from "./services/inbox";
import { readReviewInput, reviewCandidateOf } from "./services/review-replies";
import type { ChatAddress, TapOutcome } from "../channels/channel";
import { receiveEvent } from "./services/event-runs";
import type { EventRun, EventRunOutcome } from "./services/event-run";
import { fireTrigger, type TriggerFireOutcome, type TriggerFiring } from "./services/trigger-runs";
import type { DeliveryStatus } from "./units/outbox";
import { type GithubDelivery, receiveGithubDelivery } from "./services/github-events";
import { asksForAgent } from "../core/github-decide";
import { canAskAgent } from "../core/github-guard";
import { homeWatches } from "./db/github-watches-repo";
import { isDue } from "./units/unit";
import { type WebPageAnswer, type WebPageRequest, webLinkEpoch, webPageData } from "./web-page-data";
import { actOnReview, type ReviewAnswer, type ReviewRequest, withStoredLines } from "./services/review-drafts";
import { REVIEW_REFUSALS, reviewMessageId } from "../core/review-draft";
import type { ReviewComment } from "../core/review-comments";
import { postPullRequestReview } from "./services/pull-request-review";
import { machineOwnerRecorder } from "./services/machine-owners";
import { type HandbackAnswer, type HandbackUpload, type HandoffCodeAnswer, type HandoffDataAnswer, type HandoffDeps, type HandoffNewUpload, laptopFailed, readHandoffCode, takeHandback, takeHandoff, takeHandoffNew } from "./handoffs";
import { randomWorkspaceId } from "./commands/conversation-commands";
import { LIVE_OPEN_HEADER, LiveOpenSchema } from "../core/web-live";
import { readJson } from "../core/json-text";
import { actFromPage, type LiveActionAnswer, type LiveActionRequest } from "./services/live-actions";

export type { InboundMessage, DeliveryStatus };
/** A pump started by a message runs this long before handing over to the alarm. */
const DIRECT_SLICE_MS = 20_000;
/** An alarm's pump runs this long (the handler may run 15 min). */
const ALARM_SLICE_MS = 5 * 60_000;

export class PhoneAgent extends DurableObject<Env> {
  private readonly phone: string;
  private readonly sql: Sql;
  private readonly config: Config | null;
  private readonly log: Log;
  /** Runs a step with its log lines held until the line that names it is written (core/log.ts holdingLog). */
  private readonly logAfter: ReturnType<typeof holdingLog>["after"];
  private readonly u: ReturnType<typeof composeUnits>;
  /** The object's one clock: each entry point reads it once and passes `now` down (a pump's slice is real time). */
  private readonly clock: Clock = systemClock;
  /** This instance is running its units now (a pump is in progress). */
  private pumping = false;
  /** The alarm as this object last set it (loaded at start): the platform keeps it, not SQLite. */
  private alarmAt: number | null = null;
  /** The record of stored messages: a line per burst, not per message (it would cost as much as storing one). */
  private readonly logQueued = queuedMessageLines((event, fields) => this.log(event, fields));
  /** The record of the pumps messages start: a line per window, at its end, off the next webhooks' way. */
  private readonly logPumps = pumpLines((event, fields) => this.log(event, fields));

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // The Worker addresses each phone by name (idFromName), so the name is the phone, in alarms too.
    const phone = ctx.id.name;
    if (!phone) throw new Error("PhoneAgent must be addressed by name (the phone number)");
    this.phone = phone;
    const holding = holdingLog((event, fields) => logEvent(event, { object: "PhoneAgent", phone, ...fields }));
    this.log = holding.log;
    this.logAfter = holding.after;
    const loaded = loadConfig(env);
    this.config = loaded.ok ? loaded.config : null;
    if (!loaded.ok) this.log("config_invalid", { problems: loaded.problems });
    this.sql = createSql(ctx.storage);
    // A notice for an admin goes to their object after the step that made it, never holding it up.
    const admins = adminNoticeDepsFor(env, this.config, { name: phone, agent: this }, this.log);
    const tell: TellAdmin = (notice) => ctx.waitUntil(tellAdmin(admins, notice));
    this.u = composeUnits({ sql: this.sql, phone, config: this.config, log: this.log, bindings: { media: env.MEDIA, ai: env.AI, env, archive: env.ARCHIVE }, clock: this.clock, tellAdmin: tell, recordMachineOwner: machineOwnerRecorder(env, phone, this.log), sockets: ctx });
    // A page's keep-alive is answered by the platform: a quiet page never wakes the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    void ctx.blockConcurrencyWhile(async () => {
      const applied = migrate(ctx.storage, this.clock(), MIGRATIONS, FRESH_SCHEMA);
      // An upgrade of a user's rows is news; a new user's schema (from migration 1) is the code's,
      // and their first message's line says they came.
      if (applied.length > 0 && applied[0] !== 1) this.log("migrated", { applied });
      this.alarmAt = await ctx.storage.getAlarm();
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
    const [rowsBefore, epochBefore] = [this.sql.rowsWritten(), webLinkEpoch(this.u.repos.settings)];
    // The message's own line first, then what it did (a /stop's run ending): the log reads in order.
    const stored = this.logAfter(
      () => receive(this.u.inbox, message, now, review),
      (stored) => {
        const rows = this.sql.rowsWritten() - rowsBefore;
        if (!stored || stored.route === "rate_limited") this.log(stored ? "message_rate_limited" : "message_duplicate", { messageId: message.messageId, rowsWritten: rows });
        else this.logQueued({ id: message.messageId, rows, command: stored.command, alone: stored.route !== "agent" });
      },
    );
    if (!stored) return { stored: false };
    // A /web revoke: the pages its links opened stop watching now.
    if (webLinkEpoch(this.u.repos.settings) !== epochBefore) this.u.livePages.closeRevoked(now);
    // Calls to the VM never hold up Twilio's webhook (it gives 15 s, then retries).
    if (stored.after) this.ctx.waitUntil(this.afterCommand(stored.after, message.messageId));
    await this.workOn(now);
    return stored.tap ? { stored: true, tap: stored.tap } : { stored: true };
  }

  /** New work was stored: the runs may take it, the alarm follows, and a pump starts if something is due now. */
  private async workOn(now: number): Promise<void> {
    this.u.runs.wake();
    // The alarm first, so the work is safe if this instance dies (it resumes it); then a pump when
    // something is due now (not for a message behind a run's backoff), started here: its first
    // steps (claiming the run, building the dispatch) commit with the message, so the dispatch
    // leaves with the webhook's answer. Started on a timer's next turn instead, it left 13 ms
    // later under wrangler dev with the answer no sooner (bench/README.md, "warm path").
    if ((await this.replan(now, { startIfDue: true })) && !this.pumping) this.ctx.waitUntil(this.pump("message", DIRECT_SLICE_MS, now));
  }

  /** A run started by an event (GitHub, a trigger): stored once per event id, then run like a message. */
  async startEventRun(event: EventRun): Promise<EventRunOutcome> {
    const now = this.clock();
    if (isRevoked(this.u.repos.settings, this.config, this.phone)) return { outcome: "refused", reason: "revoked" };
    const outcome = receiveEvent(this.u.inbox, event, now);
    this.log("event_run", { eventId: event.eventId, outcome: outcome.outcome, ...(outcome.outcome === "refused" ? { reason: outcome.reason } : {}) });
    if (outcome.outcome !== "duplicate") await this.workOn(now);
    return outcome;
  }

  /** A firing of one of this user's HTTP triggers (its token checked by the Worker): run like an event. */
  async fireTrigger(firing: TriggerFiring): Promise<TriggerFireOutcome> {
    const now = this.clock();
    if (isRevoked(this.u.repos.settings, this.config, this.phone)) return { outcome: "refused", reason: "revoked" };
    const outcome = fireTrigger(this.u.inbox, firing, now);
    this.log("trigger_fired", { triggerId: firing.triggerId, outcome: outcome.outcome, ...(outcome.outcome === "refused" ? { reason: outcome.reason } : {}) });
    // A refusal may have told the user (their rate limit, a deleted conversation): the outbox has work.
    if (outcome.outcome === "queued" || outcome.outcome === "refused") await this.workOn(now);
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
    // A run whose conversation is being cloned waits in SQLite (units/waiting-event-runs.ts): the
    // unit starts it once the clone is over, in the order the events came, even after an eviction.
    if (run && (got.clone || this.u.repos.conversations.byName(run.conversation)?.status === "cloning")) {
      this.u.waitingEventRuns.wait(run, now);
      if (got.clone) this.ctx.waitUntil(this.afterCommand(got.clone, delivery.delivery).then(() => this.workOn(this.clock())));
    } else if (run) {
      await this.startEventRun(run);
    }
    await this.workOn(now);
    return { outcome: "stored" };
  }

  /** Applies a Twilio status callback (see Outbox.applyStatus). */
  async recordDeliveryStatus(update: DeliveryStatus): Promise<void> {
    const [now, rowsBefore] = [this.clock(), this.sql.rowsWritten()];
    const dueMore = this.sql.transaction(() => this.u.outbox.applyStatus(update, now));
    // Most callbacks (sent, delivered, read) only move a row forward: nothing new is due.
    if (dueMore) await this.replan(now);
    const rowsWritten = this.sql.rowsWritten() - rowsBefore;
    if (rowsWritten > 0) this.log("delivery_status", { sid: update.messageSid, status: update.status, errorCode: update.errorCode, rowsWritten });
  }

  /** An admin's /users: this user's activity, state, spend and budget. Reads only, no VM call. */
  summary(): UserSummary { return summarize(this.accessDeps(), this.clock()); }

  /** The private page's data for a /web or /dashboard link (reads only; null: a revoked link, a deleted conversation). */
  webPage(request: WebPageRequest): Promise<WebPageAnswer> {
    const now = this.clock();
    return webPageData({ sql: this.sql, repos: this.u.repos, phone: this.phone, config: this.config, env: this.env, summary: () => summarize(this.accessDeps(), now), agent: this, log: this.log }, request, now);
  }

  /** A page's live socket (GET /web/<token>/live, its link opened by the Worker): 404 for a revoked link or a deleted conversation. */
  override async fetch(request: Request): Promise<Response> {
    const now = this.clock();
    const open = readJson(LiveOpenSchema, request.headers.get(LIVE_OPEN_HEADER) ?? "");
    if (!open || request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("Not found", { status: 404 });
    const gone = open.scope.kind === "conversation" && !this.u.repos.conversations.get(open.scope.conversationId);
    if (open.epoch !== webLinkEpoch(this.u.repos.settings) || gone || open.expiresAt <= now) return new Response("Not found", { status: 404 });
    return this.u.livePages.open(open, now);
  }

  /** Stop the run or answer an approval from a page watching it (a link sent within the hour); null: the link was revoked. */
  async liveAction(request: LiveActionRequest): Promise<LiveActionAnswer | null> {
    const now = this.clock();
    if (request.epoch !== webLinkEpoch(this.u.repos.settings)) return null;
    if (isRevoked(this.u.repos.settings, this.config, this.phone)) return { ok: false, status: 403, error: REVIEW_REFUSALS.accessRemoved };
    const { repos, approvals, inbox, livePages, lifecycle } = this.u;
    const deps = { transaction: this.sql.transaction, runs: repos.runs, lifecycle, messages: repos.messages, stopApprovals: (at: number, ids: readonly string[] | null) => approvals.stopAll(at, ids), failRun: inbox.failRun, approvals, approvalOf: repos.approvals.get, outbox: repos.outbox, live: livePages };
    const done = actFromPage(deps, request, now);
    this.log("live_action", { action: request.action.kind, outcome: done.answer.ok ? "done" : done.answer.status });
    await Promise.all(done.cancelVmRunIds.map((id) => this.u.vm?.cancel(id)));
    // The answer reaches the VM, and the chat's line goes out, as a tapped button's would.
    if (done.answer.ok) await this.workOn(now);
    return done.answer;
  }

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
  async review(request: ReviewRequest): Promise<ReviewAnswer | null> {
    const now = this.clock();
    if (request.epoch !== webLinkEpoch(this.u.repos.settings)) return null;
    if (request.action.kind === "send" && isRevoked(this.u.repos.settings, this.config, this.phone)) return { ok: false, status: 403, error: REVIEW_REFUSALS.accessRemoved };
    const deps = { ...this.u.inbox, reviewDrafts: this.u.repos.reviewDrafts, runChanges: this.u.repos.runChanges, newDraftId: () => crypto.randomUUID() };
    const answer = actOnReview(deps, request.scope, await withStoredLines(this.u.reviewRead, request.action), now);
    this.log("review_draft", { action: request.action.kind, outcome: answer === null ? "refused_link" : answer.ok ? (answer.sent === "already" ? "sent_already" : "done") : answer.status });
    if (answer?.ok && answer.sent && answer.sent !== "already" && request.action.kind === "send") {
      await this.workOn(now);
      // After the page has its answer and the agent its message: GitHub may take up to 40 s.
      this.ctx.waitUntil(this.reviewOnPullRequest(reviewMessageId(request.action.draftId), answer.sent));
    }
    return answer;
  }

  /** A review sent from the page, also posted on the conversation's open pull request (if /ship opened one); the chat gets the one line. */
  private async reviewOnPullRequest(messageId: string, sent: { conversationId: number; comments: ReviewComment[] }): Promise<void> {
    const conversation = this.u.repos.conversations.get(sent.conversationId);
    if (!conversation) return;
    const line = await postPullRequestReview({ vm: this.u.vm, phone: this.phone, pulls: this.u.repos.pullRequests, log: this.log }, conversation, sent.comments);
    if (line === null) return;
    const now = this.clock();
    const source = this.u.repos.messages.get(messageId)?.source;
    this.u.repos.outbox.add({ dedupeKey: outboxKeys.command(messageId, 1), body: line, ...(source ? { to: source } : {}), now });
    await this.replan(now, { startIfDue: true });
  }

  /** An admin's /deny: what is pending is dropped, the open run ended as /stop ends it, the user told once. */
  async revokeAccess(): Promise<Revoked> {
    const now = this.clock();
    const { revoked, cancelVmRunIds } = this.sql.transaction(() => revoke(this.accessDeps(), now));
    await Promise.all(cancelVmRunIds.map((id) => this.u.vm?.cancel(id)));
    await this.u.machine?.stopNow(now); // machines mode: the volume stays for an /allow
    return this.changed(revoked, now);
  }

  /** An admin's /allow after a /deny: this user's messages are read again. */
  async restoreAccess(): Promise<{ wasRevoked: boolean }> {
    const now = this.clock();
    return this.changed(this.sql.transaction(() => restore(this.accessDeps(), now)), now);
  }

  /** An admin's /budget: this user's daily cap; work the old cap held runs now if the new one allows. */
  async setDailyBudget(usd: number | null): Promise<BudgetChange> {
    const now = this.clock();
    return this.changed(this.sql.transaction(() => setDailyBudget(this.accessDeps(), usd, now)), now);
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
    await this.changed(undefined, now);
  }

  /** A notice for this admin from another user's object (a chat of theirs stopped): queued once by its key, sent by this outbox. */
  async queueAdminNotice(notice: AdminNotice): Promise<{ queued: boolean }> {
    const now = this.clock();
    const queued = this.u.repos.outbox.add({ dedupeKey: notice.key, body: notice.body, ...(notice.to ? { to: notice.to } : {}), now });
    if (queued) await this.workOn(now);
    return { queued };
  }

  /** The Worker's /h/<code>: whether the /handoff code under `digest` may have its script read. */
  readHandoffCode(digest: string): HandoffCodeAnswer {
    return readHandoffCode(this.handoffDeps(), digest, this.clock());
  }

  /** The Worker's /h/<code>/data: the conversation's bundle for a laptop in `laptopDir`, once per code. */
  async takeHandoff(digest: string, laptopDir: string): Promise<HandoffDataAnswer> {
    const now = this.clock();
    let told = false;
    const answer = await takeHandoff(this.handoffDeps(), digest, laptopDir, now, (body) => (told = this.u.repos.outbox.add({ dedupeKey: `handoff:${digest}`, body, now })));
    if (told) await this.workOn(now);
    return answer;
  }

  /** The Worker's /h/<code>/failed: the laptop's script failed after the download; whether the conversation is here again. */
  async handoffFailedOnLaptop(digest: string, why: string): Promise<boolean> {
    const now = this.clock();
    let told = false;
    const here = laptopFailed(this.handoffDeps(), digest, why, now, (body) => (told = this.u.repos.outbox.add({ dedupeKey: `handoff-failed:${digest}:${now}`, body, now })));
    if (told) await this.workOn(now);
    return here;
  }

  /** The Worker's /h/<code>/back: the laptop's work into the conversation, once per code. */
  async takeHandback(digest: string, upload: HandbackUpload): Promise<HandbackAnswer> {
    const now = this.clock();
    let told = false;
    const answer = await takeHandback(this.handoffDeps(), digest, upload, now, (body, buttons) => (told = this.u.repos.outbox.add({ dedupeKey: `handback:${digest}:${now}`, body, ...(buttons ? { buttons } : {}), now })));
    if (told) await this.workOn(now);
    return answer;
  }

  /** The Worker's /h/<code>/new: a laptop's repository and session into a new conversation, once per code. */
  async takeHandoffNew(digest: string, upload: HandoffNewUpload): Promise<HandbackAnswer> {
    const now = this.clock();
    let told = false;
    const deps = { ...this.handoffDeps(), newWorkspaceId: randomWorkspaceId, makeCurrent: (id: number) => this.u.conversations.makeCurrent(id) };
    const answer = await takeHandoffNew(deps, digest, upload, now, (body) => (told = this.u.repos.outbox.add({ dedupeKey: `handoff-new:${digest}`, body, now })));
    if (told) await this.workOn(now);
    return answer;
  }

  private handoffDeps(): HandoffDeps {
    return { env: this.env, config: this.config, phone: this.phone, sql: this.sql, repos: this.u.repos, vm: this.u.vm, changes: this.u.changes };
  }

  /** This Telegram user's chat joined a phone's agent: this object's tasks pause (its rows stay for /unlink). */
  async pauseTasksForLink(): Promise<number> {
    const now = this.clock();
    return this.changed(this.sql.transaction(() => pauseAllTasks(this.u.repos.schedules, now)), now);
  }

  override async alarm(): Promise<void> {
    // Alarms never fire early: what was due at the alarm's time is due now, whatever the clock says.
    const scheduledAt = this.alarmAt ?? 0;
    // The platform's alarm is spent: the next plan must set one even if it is the same time.
    this.alarmAt = null;
    await this.pump("alarm", ALARM_SLICE_MS, scheduledAt);
  }

  /**
   * Runs the due units until none is due or the slice ends (an alarm's 5 min; a webhook's short one,
   * so a reply needs no alarm round trip, then the armed alarm takes over). One clock: the present
   * starts at the clock, or at `floor` when later, and moves on in real time; each step gets it as `now`.
   */
  private async pump(trigger: "alarm" | "message", sliceMs: number, floor: number): Promise<void> {
    // This instance already pumps (a long stream): its next step picks up what is due.
    if (this.pumping) return this.changed(undefined, this.clock());
    this.pumping = true;
    const [startedAt, rowsBefore] = [this.clock(), this.sql.rowsWritten()];
    const deadline = startedAt + sliceMs;
    const present = stepTime(Math.max(startedAt, floor), this.clock);
    let ran = 0;
    try {
      // The safety net first: should this instance die in a long step (an alarm's archive), the next resumes it.
      await this.replan(present());
      // The slice is real time; `now` (what is due) may be ahead of it when an alarm fires.
      while (this.clock() < deadline) {
        const now = present();
        const due = this.u.units.filter((unit) => isDue(unit.nextDueAt(now), now));
        if (due.length === 0) break;
        for (const unit of due) {
          // The runs unit reads a stream until another unit (or the watchdog, or the slice) wants control back.
          const others = this.u.units.filter((u) => u !== unit).map((u) => u.nextDueAt(now));
          const until = earliest([...others, watchdogRefreshAt(this.alarmAt, now), deadline + (now - this.clock())]);
          const outcome = await unit.runDue(now, until);
          ran++;
          // Attachments fetched make their messages ready: a live run may take them as its next turn.
          if (unit === this.u.mediaInbox && Number(outcome) > 0) this.u.runs.wake();
          await this.replan(present());
        }
      }
    } catch (error) {
      // Expected failures are rows already; this is a bug. Never let the platform retry blindly.
      this.log("pump_error", { trigger, error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.u.runs.close();
      this.pumping = false;
      await this.replan(present());
      // A log line costs about as much CPU as the work on the webhook's path: a pump that found
      // nothing due says nothing, and those messages start share a line (pumpLines).
      const done = { units: ran, durationMs: this.clock() - startedAt, rowsWritten: this.sql.rowsWritten() - rowsBefore };
      if (trigger === "alarm") this.log("alarm_done", { trigger, ...done });
      else if (ran > 0) this.logPumps(done);
    }
  }

  /** Sets, moves or deletes the one alarm as the wake plan says, from every unit's due time; with `startIfDue`, whether a pump should start now. */
  private async replan(now: number, opts: { startIfDue: boolean } = { startIfDue: false }): Promise<boolean> {
    const dueAt = this.u.units.map((unit) => unit.nextDueAt(now));
    const first = earliest(dueAt);
    const pumpStarting = opts.startIfDue && !this.pumping && first !== null && first <= now;
    const plan = planWake({ now, storedAlarmAt: this.alarmAt, pumping: this.pumping || pumpStarting, dueAt });
    if (plan.action === "keep") return pumpStarting;
    // Noted before the call, so a plan made while it is under way sees it.
    this.alarmAt = plan.action === "delete" ? null : plan.at;
    await (plan.action === "delete" ? this.ctx.storage.deleteAlarm() : this.ctx.storage.setAlarm(plan.at));
    return pumpStarting;
  }

  /** After a change made outside the pump: the runs may act on it, and the alarm follows. */
  private async changed<T>(result: T, now: number): Promise<T> {
    this.u.runs.wake();
    await this.replan(now);
    return result;
  }

  private async afterCommand(action: VmAction, messageId: string): Promise<void> {
    const { vm, outbox, repos, conversations } = this.u;
    await afterCommand({ vm, phone: this.phone, env: this.env, config: this.config, sql: this.sql, outbox, outboxRepo: repos.outbox, conversations, settings: repos.settings, schedules: repos.schedules, handoffs: repos.handoffs, changes: this.u.changes, agent: this, log: this.log, clock: this.clock }, action, messageId);
    // A continuation of its own, after the VM answered: it reads the clock anew.
    await this.changed(undefined, this.clock());
  }

  private accessDeps(): AccessDeps {
    const { repos, lifecycle, budget, inbox, approvals } = this.u;
    return { ...repos, machine: this.u.machine && (() => this.u.machine!.describe()), archive: this.u.archive && (() => this.u.archive!.describe()), lifecycle, budget, monthlyCapUsd: this.config?.budget.monthlyUsd ?? null, failRun: inbox.failRun, stopApprovals: (now, runIds) => approvals.stopAll(now, runIds) };
  }
}
