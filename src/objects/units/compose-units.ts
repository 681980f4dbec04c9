// Builds one phone's units over its SQLite (see docs/relay.md, "Who owns what"): each is handed
// the repositories it owns or reads and the I/O clients it needs, nothing more.
import type { Config } from "../../config";
import { compactTranscript, TRANSCRIPT_MAX_ENTRIES } from "../../core/transcript";
import { gitIdentityOf } from "../commands/conversation-commands";
import { createApprovals } from "./approvals";
import { createBudget } from "./budget";
import { createConversations } from "./conversations";
import { createRepos } from "../db/repos";
import type { Sql } from "../db/sql";
import { createVmAnswers } from "./vm-answers";
import type { InboxDeps } from "./inbox";
import { createOutbox, type OutboxFiles } from "./outbox";
import type { Log } from "../../core/log";
import { createRunDriver } from "./run-driver";
import { applyFailure, type RunEffectsDeps } from "./run-effects";
import { runRelayTool } from "../commands/schedule-service";
import { createSchedules, timeZoneOf } from "./schedules";
import { dayIn } from "../../core/spend-days";
import { DEFAULT_PROGRESS_PACING } from "../../core/progress-update";
import { DEFAULT_APPROVAL_TIMEOUT_MS } from "../../protocol/vm-protocol";
import { createTwilioClient } from "../clients/twilio-client";
import { createQuickReplyContent } from "../clients/twilio-content";
import { createMediaInbox } from "./media-inbox";
import { createMessages } from "./messages";
import { pruneIfDue } from "./retention";
import type { Unit } from "./unit";
import { mediaKeysFor, signedMediaUrl, storeOutbound } from "../clients/media-store";
import { queueAgentFile } from "./agent-files";
import { SEND_FILE_TOOL } from "../../protocol/relay-tools";
import { createTranscriber } from "../clients/transcriber";
import { createVmClient } from "../clients/vm-client";
import { createFlyMachinesClient } from "../clients/fly-machines";
import { createMachineUnit } from "./machine";
import { createRunChangesUnit } from "./changes";
import type { MachinesConfig } from "../../config";


/** What a budget check reads: it stays valid until one of these is written (not on every stored message). */
const BUDGET_TABLES: ReadonlySet<string> = new Set(["spend_days", "settings"]);

/** The platform's bindings the units use: the media bucket and Workers AI (both optional). */
export type UnitBindings = { media: R2Bucket | undefined; ai: Ai | undefined };

export function composeUnits({ sql, phone, config, log, bindings }: { sql: Sql; phone: string; config: Config | null; log: Log; bindings: UnitBindings }) {
  const t = config?.twilio;
  const twilio = t?.accountSid && t.authToken ? createTwilioClient({ ...t, accountSid: t.accountSid, authToken: t.authToken }) : null;
  const repos = createRepos(sql);
  // machines mode: the phone's own Machine, made or started before each request; shared: one VM.
  const machine = config?.machines ? createPhoneMachine(config.machines, { repos, phone, log }) : null;
  const vm = machine ? createVmClient(machine) : config?.vm ? createVmClient({ vmUrl: config.vm.url, vmToken: config.vm.token }) : null;
  const { messages, settings } = repos;
  const mediaKeys = config ? mediaKeysFor(config) : null;
  const publicOrigin = () => config?.publicUrl ?? settings.get("public_origin");
  const mediaLink = async (stored: { key: string; createdAt: number }): Promise<string | null> => {
    const origin = publicOrigin();
    if (!mediaKeys || !origin || !config) return null;
    return signedMediaUrl(await mediaKeys, { publicOrigin: origin, key: stored.key, createdAt: stored.createdAt, retentionDays: config.media.retentionDays, now: Date.now() });
  };
  const files: OutboxFiles | null =
    bindings.media && mediaKeys && vm
      ? {
          async copy(source) {
            const got = await vm.stagedFile(source.vmRunId, source.fileId);
            if (!got.ok) return got.failure === "gone" ? { ok: false, reason: "the agent VM no longer has the file", retry: false } : { ok: false, reason: "the agent VM did not answer", retry: true };
            const stored = await storeOutbound({ bucket: bindings.media!, keys: await mediaKeys, now: Date.now }, { owner: phone, body: got.body, filename: source.name, declaredType: source.contentType });
            return stored.ok ? { ok: true, stored: { key: stored.key, createdAt: stored.createdAt, contentType: stored.contentType } } : { ok: false, reason: stored.reason, retry: false };
          },
          link: mediaLink,
        }
      : null;
  const outbox = createOutbox({
    repo: repos.outbox,
    settings,
    messages,
    twilio,
    to: phone,
    publicUrl: config?.publicUrl ?? null,
    templateSid: config?.twilio.templateSid ?? null,
    files,
    quickReply: t?.accountSid && t.authToken ? createQuickReplyContent({ accountSid: t.accountSid, authToken: t.authToken, contentApiBase: t.contentApiBase }, settings) : null,
    clock: () => Date.now(),
    log,
  });
  const answers = createVmAnswers({ repo: repos.vmAnswers, transaction: sql.transaction });
  const approvals = createApprovals({
    repo: repos.approvals,
    answers,
    conversations: repos.conversations,
    outbox: repos.outbox,
    defaultMode: config?.approvals.defaultMode ?? "edits",
    timeoutMs: config?.approvals.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS,
    transaction: sql.transaction,
    log,
  });
  const schedules = createSchedules({ repo: repos.schedules, messages, settings, transaction: sql.transaction, log });
  const lifecycle = createMessages({ repo: messages, outbox: repos.outbox, schedules, log });
  const conversations = createConversations({ repo: repos.conversations, settings, outbox: repos.outbox, transaction: sql.transaction });
  const scheduleService = {
    schedules: repos.schedules,
    settings,
    countHeld: outbox.countHeld,
    conversationName: (id: number) => repos.conversations.get(id)?.name ?? null,
  };
  const changes = createRunChangesUnit({ repos, conversations, bucket: bindings.media, mediaKeys, phone, transaction: sql.transaction, log });
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
    changes,
    toolCalls: repos.runToolCalls,
    tools: (name, args, conversationId, now, call) =>
      name === SEND_FILE_TOOL ? queueAgentFile(outbox, files !== null, args, call, now) : runRelayTool(scheduleService, name, args, conversationId, now),
    transcriptOf: (conversationId, exceptRunId) => {
      const said = messages.sentToAgent(conversationId, exceptRunId, TRANSCRIPT_MAX_ENTRIES).map((m) => ({ role: "user" as const, ...m }));
      const answered = repos.outbox.repliesIn(conversationId, TRANSCRIPT_MAX_ENTRIES).map((m) => ({ role: "agent" as const, ...m }));
      return compactTranscript([...said, ...answered]);
    },
    spend: {
      recordCost: (conversationId, costUsd, now) => repos.spend.add(dayIn(now, timeZoneOf(settings)), conversationId, costUsd),
      recordUnknown: (conversationId, now) => repos.spend.addUnknown(dayIn(now, timeZoneOf(settings)), conversationId),
    },
    log,
  };
  const budget = createBudget({ spend: repos.spend, settings, outbox: repos.outbox, caps: config?.budget ?? { dailyUsd: 20, monthlyUsd: null }, queued: messages.countQueued, transaction: sql.transaction, version: () => sql.versionOf(BUDGET_TABLES) });
  const mediaInbox = createMediaInbox({
    messages,
    lifecycle,
    outbox: repos.outbox,
    settings,
    transaction: sql.transaction,
    store:
      bindings.media && mediaKeys && t?.accountSid && t.authToken
        ? async () => ({ bucket: bindings.media!, keys: await mediaKeys, now: Date.now, fetch: (input, init) => fetch(input, init), twilio: { accountSid: t.accountSid!, authToken: t.authToken!, apiBase: t.apiBase } })
        : null,
    transcriber: createTranscriber({ ai: bindings.ai, url: config?.media.transcriberUrl ?? null }),
    owner: phone,
    clock: () => Date.now(),
    log,
  });
  const runs = createRunDriver({
    budget,
    afterRun: (now) => pruneIfDue(repos, now),
    ...effects,
    answers,
    conversations,
    approvals,
    schedules,
    vm,
    userId: phone,
    gitIdentity: () => gitIdentityOf(settings, phone),
    sendTyping: async () => {
      const sid = messages.lastInbound()?.id;
      if (twilio && sid) await twilio.sendTyping(sid);
    },
    mediaLink,
    clock: () => Date.now(),
    progress: {
      wanted: () => settings.get("progress_updates") !== "off",
      pacing: config?.progress ?? DEFAULT_PROGRESS_PACING,
      send: (runId, text, now) => outbox.addProgress(runId, text, now),
    },
  });
  const inbox: InboxDeps = {
    ...scheduleService,
    transaction: sql.transaction,
    lifecycle,
    runs: repos.runs,
    messages,
    outboxRepo: repos.outbox,
    conversations,
    newWorkspaceId: () => `c-${crypto.randomUUID().slice(0, 8)}`,
    failRun: (runId, failure, now) => applyFailure(effects, runId, failure, now),
    sender: { phone, isAdmin: config?.adminSenders.has(phone) ?? false },
    vmMode: machine ? "machines" : "shared",
    maxMessagesPerMinute: config?.maxMessagesPerMinute ?? 30,
    spend: repos.spend,
    observed: () => runs.observed(),
    budget,
    approvals,
    changes,
    runChanges: repos.runChanges,
  };
  // The object's units, in the order its pump runs them (docs/relay.md, "Units"): what feeds the
  // queue and the outbox first, the runs last (they read a stream until another unit is due).
  const units: Unit[] = [mediaInbox, schedules, conversations, approvals, outbox, budget, ...(machine ? [machine] : []), runs];
  return { vm, machine, repos, lifecycle, outbox, conversations, budget, approvals, mediaInbox, runs, inbox, units };
}

/** The machine unit over the Fly Machines API, reading (never writing) the runs it must not idle under. */
function createPhoneMachine(c: MachinesConfig, d: { repos: ReturnType<typeof createRepos>; phone: string; log: Log }) {
  return createMachineUnit({
    repo: d.repos.machine,
    fly: createFlyMachinesClient(c.api),
    settings: { idleMs: c.idleMs, idleAction: c.idleAction, retireMs: c.retireMs, image: c.image, regions: c.regions, proxyUrl: c.proxyUrl, relayVmToken: c.relayVmToken },
    phone: d.phone,
    runs: { isOpen: () => d.repos.runs.open() !== null, lastEndedAt: () => d.repos.runs.lastFinishedAt() },
    outbox: d.repos.outbox,
    log: d.log,
    clock: () => Date.now(),
  });
}
