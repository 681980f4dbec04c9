// The runs unit over a test's SQLite, with the VM's connect and startRun given by the test and
// every other unit real or inert: what run-driver.test.ts, run-voice-reply.test.ts and
// run-voice-approval.test.ts drive.
import { vi } from "vitest";
import { DEFAULT_PROGRESS_PACING } from "../../../src/runs/progress-update";
import type { VmClient } from "../../../src/machines/vm-client";
import { createApprovals } from "../../../src/approvals/approvals-unit";
import { createConversations } from "../../../src/conversations/conversations-unit";
import { createMessages } from "../../../src/messages/messages";
import { messagesNotices } from "../../../src/outbox/messages-notices";
import { createModelPause } from "../../../src/usage/model-pause-unit";
import { createRunDriver } from "../../../src/runs/run-driver";
import { createSchedules } from "../../../src/schedules/schedules-unit";
import { createVmAnswers } from "../../../src/runs/vm-answers";
import { joinRunHappenings } from "../../../src/agent/run-happenings";
import type { RunHappening } from "../../../src/runs/run-happenings";
import { conversationsRunHappenings } from "../../../src/conversations/conversations-run-happenings";
import { approvalsRunHappenings } from "../../../src/approvals/approvals-run-happenings";
import type { VoiceReplyMode } from "../../../src/config/voice-reply-mode";
import { frozenClock, T0, type UnitDb } from "./unit-db";

export type Connect = (now: number, deadline: number) => Promise<{ ok: true } | { ok: false; detail: string }>;

/** `voiceMode`: /voice reply as the user set it; unset, no speech model is configured. */
export function runDriverFor(t: UnitDb, connect: Connect, startRun: VmClient["startRun"], voiceMode?: VoiceReplyMode) {
  const { repos, sql } = t;
  const logged: { event: string; fields: Record<string, unknown> }[] = [];
  const log = (event: string, fields: Record<string, unknown>) => void logged.push({ event, fields });
  const schedules = createSchedules({ repo: repos.schedules, messages: repos.messages, settings: repos.settings, transaction: sql.transaction, repoTrusted: () => false, log });
  const answers = createVmAnswers({ repo: repos.vmAnswers, transaction: sql.transaction });
  // Its health check fails as a VM that is down does, unless a test sets `vm.health`.
  const health = vi.fn<VmClient["health"]>(async () => ({ ok: false, failure: "unreachable", detail: "no VM here" }));
  // A Machine not known to be started (connect first), unless a test sets `ready`.
  const ready = vi.fn<VmClient["ready"]>(() => false);
  const vm = { ready, connect, startRun, events: startRun, input: async () => ({ ok: true, accepted: false }), cancel: async () => ({ ok: true }), health } as unknown as VmClient;
  const conversations = createConversations({ repo: repos.conversations, settings: repos.settings, outbox: repos.outbox, transaction: sql.transaction });
  const approvals = createApprovals({ repo: repos.approvals, questions: repos.questions, answers, conversations: repos.conversations, outbox: repos.outbox, defaultMode: "edits", timeoutMs: 60_000, eventsOfRun: repos.messages.eventsOfRun, trusted: repos.githubEvents.trusted, transaction: sql.transaction, messageLimit: () => 1600, log });
  // What the runs unit said happened, in order, as the units this harness has act on it.
  const told: RunHappening[] = [];
  const joined = joinRunHappenings([conversationsRunHappenings(conversations), approvalsRunHappenings(approvals)]);
  const runs = createRunDriver({
    transaction: sql.transaction,
    handoffs: repos.handoffs,
    messages: repos.messages,
    lifecycle: createMessages({ repo: repos.messages, outbox: messagesNotices(repos.outbox), schedules, log }),
    runs: repos.runs,
    answers,
    conversations,
    outbox: { add: (m) => repos.outbox.add(m), dropUnsentProgress: () => {} },
    transcriptOf: () => null,
    spend: { recordCost: () => {}, recordUnknown: () => {} },
    schedules,
    approvals,
    // The units this harness has (no changes, no pages) act on what happened, as agent/run-happenings.ts joins them.
    happened: (happening) => (told.push(happening), joined(happening)),
    tools: () => ({ ok: false, text: "none" }),
    log,
    vm,
    userId: "+15550001234",
    gitIdentity: () => ({ name: "n", email: "e@x" }),
    budget: { blockedUntil: () => null, tellHeld: () => {}, leftUsd: () => 20 },
    modelPause: createModelPause({ settings: repos.settings, outbox: repos.outbox, queued: repos.messages.countQueued, waiting: () => [], transaction: sql.transaction }),
    archive: { blockedUntil: () => null },
    maxParallelRuns: 3,
    sendTyping: async () => undefined,
    progress: { wanted: () => false, pacing: DEFAULT_PROGRESS_PACING, send: () => {} },
    mediaLink: async () => null,
    clock: frozenClock,
    ...(voiceMode ? { voice: { mode: () => voiceMode, maxSeconds: 60 } } : {}),
  });
  return { runs, logged, health, ready, told };
}

/**
 * A user's message m1 (a voice note when `spoke`, else typed `words`) and its run started under
 * /voice reply `mode`, its VM stream open: `send` writes one event of the stream, `close` ends it.
 */
export async function streamedRunOf(t: UnitDb, mode: VoiceReplyMode, spoke: boolean, voice: object, words: string) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const send = (event: object) => controller.enqueue(new TextEncoder().encode(`${JSON.stringify(event)}\n`));
  const { runs } = runDriverFor(t, async () => ({ ok: true }), async () => ({ ok: true, body }), mode);
  t.repos.messages.insert({ id: "m1", body: "", media: spoke ? [voice as never] : [], conversationId: 1, now: T0 });
  if (!spoke) t.sql`UPDATE messages SET body = ${words} WHERE id = 'm1'`;
  await runs.runDue(T0, null);
  return { runs, send, close: () => controller.close() };
}
