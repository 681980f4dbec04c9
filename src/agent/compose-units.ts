// Builds one phone's units over its SQLite (see docs/relay.md, "Who owns what"): each is handed
// the repositories it owns or reads and the I/O clients it needs, nothing more. Nothing is
// decided here: what the configuration means is phone-settings.ts, and each choice of a
// client or a tool is made where that client or tool lives. The object's one clock is passed in.
import { createLivePages, type LivePagesDeps } from "../web/live-pages";
import { approvalClosedText } from "../web/web-live";
import type { Config } from "../config/config";
import { type AdminNotice, type AdminToTell, chatStoppedAdminNotice } from "../admin/admin-notice";
import type { Clock } from "../shared/clock";
import type { Log } from "../shared/log";
import { phoneSettingsOf } from "./phone-settings";
import { chatIsAdmin } from "../directory/link-doors";
import { mediaFetchersFor } from "../channels/media";
import { createMediaLinker, mediaKeysFor, mediaStoreFor } from "../media/media-store";
import { createTranscriber } from "../media/transcriber";
import { createSpeaker, speechCostUsd } from "../media/speaker";
import { voiceNoteMaker } from "../media/voice-reply";
import { voiceReplyModeOf } from "../config/voice-reply-mode";
import { gitIdentityOf, randomWorkspaceId } from "../conversations/conversation-commands";
import { createRepos } from "./repos";
import { publicOriginOf } from "../config/settings-repo";
import type { Sql } from "../shared/sql";
import { agentFileCopier } from "../runs/agent-files";
import { createToolRunner } from "../runs/agent-tools";
import { vmSourceFor } from "../machines/agent-vm";
import { createVmClient } from "../machines/vm-client";
import { createVmArchiveClient } from "../archive/vm-archive";
import { createArchiveUnit } from "../archive/archive-unit";
import type { RecordMachineOwner } from "../machines/machine-owners";
import { receive, type InboxDeps } from "./inbox";
import { routeInbound } from "../commands/inbound-route";
import { pruneIfDue } from "./retention";
import { createApprovals } from "../approvals/approvals-unit";
import { pageLink, runPageLink } from "../web/web-links";
import { watchLiveLine } from "../web/web-live";
import { webLinkEpoch } from "../web/web-page-data";
import { createBudget } from "../usage/budget-unit";
import { createModelPause } from "../usage/model-pause-unit";
import { createRunChangesUnit } from "../changes/run-changes";
import { createConversations } from "../conversations/conversations-unit";
import { createMediaInbox } from "../media/media-inbox-unit";
import { createMessages } from "../messages/messages";
import { messagesNotices } from "../outbox/messages-notices";
import { createOutbox } from "../outbox/outbox-unit";
import { createRunDriver } from "../runs/run-driver";
import { applyFailure, type RunEffectsDeps } from "../runs/run-effects";
import { createSchedules } from "../schedules/schedules-unit";
import { createWaitingEventRuns } from "../runs/waiting-event-runs";
import { receiveEvent } from "../runs/event-runs";
import { isRevoked } from "../admin/access";
import type { Unit } from "../shared/unit";
import { createVmAnswers } from "../runs/vm-answers";
import { addressedOutbox } from "../outbox/outbox-addressing";
import { outboxKeys } from "../outbox/outbox-keys";
import { channelClientsFor } from "../channels/clients";
import { homeChatOf } from "../channels/home-chat";
import { drawDiffPicture } from "../changes/change-actions";
import { chatStoppedNotice } from "../channels/chat-stopped";
import type { GithubDeps } from "../github/github-deliveries";
import { reviewQuestionsOf, type ReviewReadDeps } from "../changes/review-replies";
import { runHappeningsOf } from "./run-happenings";

/** The platform's bindings the units use: the media and archive buckets and Workers AI (all optional); `env`: for page links (none: no link is made). */
export type UnitBindings = { media: R2Bucket | undefined; ai: Ai | undefined; env?: Env; archive?: R2Bucket | undefined };

/** Hands a notice for an admin (built for whichever admin is told) to the object, which sends it on. */
export type TellAdmin = (notice: (admin: AdminToTell) => AdminNotice) => void;

/** No VM configured: no archive holds anything. */
const noArchive = { blockedUntil: (): number | null => null };
/** Without the directory no Machine is made: /vm sweep could not tell it is owned. */
const noDirectory: RecordMachineOwner = async () => false;
/** A relay whose settings do not read serves no page (require-config.ts); were one open, it alone would stay. */
const LIVE_PAGES_UNCONFIGURED = { perLink: 1, perUser: 1 };
/** Where no object holds sockets (a unit's test): no page is open. */
const noSockets: LivePagesDeps["ctx"] = { acceptWebSocket: () => undefined, getWebSockets: () => [] };

export function composeUnits({ sql, phone, config, log, bindings, clock, tellAdmin, recordMachineOwner = noDirectory, sockets = noSockets }: { sql: Sql; phone: string; config: Config | null; log: Log; bindings: UnitBindings; clock: Clock; tellAdmin?: TellAdmin; recordMachineOwner?: RecordMachineOwner; sockets?: LivePagesDeps["ctx"] }) {
  const s = phoneSettingsOf(config, phone);
  // Every message to the user is addressed to a chat (by default the one they last wrote from).
  const bare = createRepos(sql);
  const repos = { ...bare, outbox: addressedOutbox(bare.outbox, { lastInbound: () => bare.messages.lastInbound()?.source ?? null, home: homeChatOf(phone) }) };
  const { messages, settings } = repos;
  const { machine, source } = vmSourceFor(config, { repos, phone, log, clock, recordOwner: recordMachineOwner });
  const archive = source && createArchiveUnit({
    repo: repos.archive,
    bucket: bindings.archive,
    afterMs: config!.archiveAfterMs,
    user: phone,
    vm: createVmArchiveClient(source, phone),
    machine,
    demand: () => ({ runOpen: repos.runs.open() !== null, queued: messages.countQueued() }),
    lastUseAt: () => messages.lastReceivedAt() ?? repos.runs.lastFinishedAt(),
    nextScheduleAt: repos.schedules.nextDueAt,
    lastRunEndedAt: repos.runs.lastFinishedAt,
    outbox: repos.outbox,
    log,
  });
  // Every request but the archive's own waits for the files to be back on the VM.
  const vm = source && createVmClient(archive ? archive.gate(source) : source);
  const mediaKeys = mediaKeysFor(config);
  const mediaStore = mediaStoreFor(bindings.media, mediaKeys, clock);
  const mediaLink = createMediaLinker({ config, keys: mediaKeys, publicOrigin: () => publicOriginOf(settings, s), clock });
  const files = agentFileCopier({ vm, store: mediaStore, owner: phone, link: mediaLink });
  // Replies spoken as voice notes: only where a speech model and R2 are both there.
  const voiceMaker = voiceNoteMaker({ speaker: createSpeaker({ ai: bindings.ai, model: s.voiceReply.model, url: s.voiceReply.speechUrl }), store: mediaStore, owner: phone });
  // Before the outbox: a spoken reply's cost is counted as it is made.
  const budget = createBudget({ spend: repos.spend, settings, outbox: repos.outbox, caps: s.caps, queued: messages.countQueued, transaction: sql.transaction, versionOf: sql.versionOf });
  const outbox = createOutbox({
    repo: repos.outbox,
    settings,
    messages,
    user: phone,
    files,
    clock,
    log,
    // Each configured channel's client; a user without a home there (a `tg-<id>` on WhatsApp) gets none.
    channels: channelClientsFor(config, { user: phone, settings, origin: () => publicOriginOf(settings, s), clock, log }),
    stops: repos.stoppedChats,
    // Speech is priced by its characters, counted with the agent's spend in the reply's conversation.
    voice: { maker: voiceMaker, spoken: (text, conversationId, now) => budget.recordSpeech(conversationId, speechCostUsd(text), s.voiceReply.model, now) },
    // Once per stop: the log says it, an admin is told in their own chat, and /users shows the chat.
    chatStopped: (to, detail, stoppedAt) => {
      const body = chatStoppedNotice(phone, to.channel, detail);
      log("chat_stopped_notice", { channel: to.channel, chat: to.chat, notice: body });
      tellAdmin?.((admin) => chatStoppedAdminNotice(admin, { user: phone, channel: to.channel, chat: to.chat, stoppedAt, body }));
    },
  });
  const answers = createVmAnswers({ repo: repos.vmAnswers, transaction: sql.transaction });
  const approvals = createApprovals({
    repo: repos.approvals,
    questions: repos.questions,
    answers,
    conversations: repos.conversations,
    outbox: repos.outbox,
    defaultMode: s.approvals.defaultMode,
    timeoutMs: s.approvals.timeoutMs,
    eventsOfRun: messages.eventsOfRun,
    trusted: repos.githubEvents.trusted,
    transaction: sql.transaction,
    messageLimit: () => repos.outbox.maxTextChars(),
    runPageLink: bindings.env ? pageLinkOfRun({ env: bindings.env, config, settings, phone }, clock) : undefined,
    // WhatsApp shows no <pre>: an edit is seen as /diff draws it. Telegram gets the diff as text.
    drawEdit: (diff) => (repos.outbox.channelOf() === "whatsapp" ? drawDiffPicture({ vm, bucket: bindings.media, config, phone, clock }, diff) : null),
    // Called only once composed (a prompt closes after a message or an event), when livePages exists.
    closed: (a, status, now) => void livePages.publish(a.conversationId, a.runId, { kind: "answered", approvalId: a.id, text: approvalClosedText(status) }, now),
    log,
  });
  const schedules = createSchedules({ repo: repos.schedules, messages, settings, transaction: sql.transaction, repoTrusted: repos.githubEvents.trusted, home: phone, log });
  const lifecycle = createMessages({ repo: messages, outbox: messagesNotices(repos.outbox), schedules, log });
  const conversations = createConversations({ repo: repos.conversations, settings, outbox: repos.outbox, transaction: sql.transaction });
  const scheduleService = {
    schedules: repos.schedules,
    settings,
    countHeld: outbox.countHeld,
    conversationName: repos.conversations.nameOf,
    repoTrusted: repos.githubEvents.trusted,
  };
  const changes = createRunChangesUnit({ repos, conversations, bucket: bindings.media, mediaKeys, phone, transaction: sql.transaction, log });
  const modelPause = createModelPause({
    settings,
    outbox: repos.outbox,
    queued: messages.countQueued,
    waiting: () => messages.queued(5).map((m) => ({ body: m.body, scheduleId: m.scheduleId })),
    transaction: sql.transaction,
  });
  // The pages watching runs live: each event they show is stored, numbered and sent as the stream is read.
  const livePages = createLivePages({ ctx: sockets, repo: repos.liveEvents, approvalByRequest: repos.approvals.byRequest, hasPicture: (id) => approvals.pictureOf(id) !== null, epoch: () => webLinkEpoch(settings), caps: config?.livePages ?? LIVE_PAGES_UNCONFIGURED, log });
  // What a run asks of the capabilities above runs/ is a port (runs/run-ports.ts), handed their units
  // here; what happened in it goes to one sink that reaches each capability's handler (run-happenings.ts).
  const happened = runHappeningsOf({ conversations, approvals, changes, livePages, prune: (now) => pruneIfDue(repos, now) });
  const effects: RunEffectsDeps = {
    transaction: sql.transaction,
    messages,
    lifecycle,
    runs: repos.runs,
    answers,
    conversations,
    outbox,
    schedules,
    approvals,
    happened,
    // A file names its conversation as a reply does (several runs live, or not the current one).
    tools: createToolRunner({ outbox, files, schedules: scheduleService, tagOf: (id) => conversations.prefixFor(id, repos.runs.openAll().length) }),
    transcriptOf: lifecycle.transcriptOf,
    meanwhile: repos.meanwhile,
    spend: budget,
    modelPause,
    ...(voiceMaker ? { voice: { mode: () => voiceReplyModeOf(settings), maxSeconds: s.voiceReply.maxSeconds } } : {}),
    log,
  };
  const mediaInbox = createMediaInbox({
    messages,
    lifecycle,
    outbox: repos.outbox,
    keys: outboxKeys,
    settings,
    transaction: sql.transaction,
    store: mediaStore,
    fetchers: mediaFetchersFor(config),
    transcriber: createTranscriber({ ai: bindings.ai, url: s.transcriberUrl }),
    // A spoken "yes" (or "no", "yes all", "stop") is answered as those typed words are, by the inbox.
    typed: (message, words, now) =>
      void receive(inbox, { messageId: `${message.id}:spoken`, body: words, media: [], buttonPayload: null, receivedAt: now, publicOrigin: publicOriginOf(settings, s) ?? "", source: message.source }, now),
    owner: phone,
    clock,
    log,
  });
  const runs = createRunDriver({
    live: { watchLine: bindings.env ? watchLineOf({ env: bindings.env, config, settings, phone }, clock) : undefined },
    budget,
    handoffs: repos.handoffs,
    ...effects,
    modelPause,
    archive: archive ?? noArchive,
    answers,
    conversations,
    approvals,
    changes,
    schedules,
    vm,
    maxParallelRuns: s.maxParallelRuns,
    userId: phone,
    gitIdentity: () => gitIdentityOf(settings, phone),
    sendTyping: outbox.sendTyping,
    mediaLink,
    clock,
    progress: { wanted: outbox.wantsProgress, pacing: s.progress, send: outbox.addProgress, sentOf: outbox.progressOf },
  });
  const inbox: InboxDeps = {
    ...scheduleService,
    transaction: sql.transaction,
    lifecycle,
    runs: repos.runs,
    messages,
    outboxRepo: repos.outbox,
    configuredOrigin: s.publicUrl,
    conversations,
    newWorkspaceId: randomWorkspaceId,
    failRun: (runId, failure, now) => applyFailure(effects, runId, failure, now),
    happened,
    sender: { phone, isAdminChat: (chat) => chatIsAdmin(config, chat) },
    vmMode: s.vmMode,
    maxMessagesPerMinute: s.maxMessagesPerMinute,
    spend: repos.spend,
    observed: () => runs.observed(),
    budget,
    modelPause,
    approvals,
    changes,
    runChanges: repos.runChanges,
    triggers: repos.triggers,
    github: repos.githubEvents,
    reviews: reviewQuestionsOf(repos.questions),
    questions: repos.questions,
    handoffs: repos.handoffs,
  };
  // What a chat reply naming a line is read against: the shown changes, and their diffs in R2.
  const media = bindings.media;
  const reviewRead: ReviewReadDeps = {
    settings,
    runChanges: repos.runChanges,
    outbox: repos.outbox,
    conversations,
    readDiff: media ? async (key) => ((await media.get(key)) ?? null)?.text() ?? null : null,
    routeOf: routeInbound,
    log,
  };
  // The object's units, in the order its pump runs them (docs/relay.md, "Units"): what feeds the
  // queue and the outbox first, the runs last (they read a stream until another unit is due).
  // After the conversations unit: a clone it gives up on refuses the runs that waited for it at once.
  const waitingEventRuns = createWaitingEventRuns({
    repo: repos.waitingEventRuns,
    start: (run, now, settled) => receiveEvent(inbox, run, now, settled),
    accessRevoked: () => isRevoked(settings, config, phone),
    transaction: sql.transaction,
    log,
  });
  // The archive after the outbox: its notice that the projects come back is sent before the restore.
  const units: Unit[] = [mediaInbox, schedules, conversations, waitingEventRuns, approvals, outbox, budget, modelPause, machine, archive, runs].filter((unit) => unit !== null);
  const github: GithubDeps = { transaction: sql.transaction, github: repos.githubEvents, pullRequests: repos.pullRequests, conversations, outboxRepo: repos.outbox, newWorkspaceId: randomWorkspaceId, questions: repos.questions };
  return { vm, vmSource: source, machine, archive, repos, lifecycle, outbox, conversations, budget, modelPause, approvals, changes, mediaInbox, runs, inbox, reviewRead, github, waitingEventRuns, livePages, happened, units };
}

/** The line that points a long run's first update to its conversation's page, opened at the live part. */
function watchLineOf(d: Parameters<typeof pageLink>[0], clock: Clock) {
  return async (conversationId: number) => {
    const link = await pageLink(d, { kind: "conversation", conversationId }, webLinkEpoch(d.settings), clock());
    return link ? watchLiveLine(`${link.url}#live`) : null;
  };
}

/** Links to a run's page, made when a prompt must be cut: under the phone's current link epoch, dated by the object's clock. */
function pageLinkOfRun(d: Parameters<typeof runPageLink>[0], clock: Clock) {
  return (conversationId: number, runId: string) => runPageLink(d, { conversationId, runId }, webLinkEpoch(d.settings), clock());
}
