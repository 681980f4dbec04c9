// What starts next beside the runs going: runs/run-slots.ts picks the batch, and this starts its
// run, or, when MAX_PARALLEL_RUNS or the spend caps hold it, tells the user once why it waits.
// Part of the runs unit: run-driver.ts opens the run this starts (run-open.ts).
import { admitsAnotherRun } from "../usage/budget";
import { outboxKeys } from "../outbox/outbox-keys";
import { runWaitsNotice } from "./parallel-runs-replies";
import { MAX_MESSAGES_PER_TURN, type Run, stepRun } from "./run-lifecycle";
import { nextDispatch } from "./run-slots";
import { forksSession } from "./batching";
import { mediaSettled, type QueuedMessage } from "../messages/messages-repo";
import { applyStep, type RunEffectsDeps } from "./run-effects";
import type { Schedules } from "../schedules/schedules-unit";
import type { AwayConversations } from "./run-ports";

/** A batch is one conversation's: look past other conversations' messages for its own. */
const MAX_QUEUED_LOOKAHEAD = 50;

export type RunBatchesDeps = RunEffectsDeps & {
  schedules: Pick<Schedules, "recordResult" | "markStarted">;
  /** MAX_PARALLEL_RUNS: this user's runs that go at once. */
  maxParallelRuns: number;
  /** The spend caps: no run starts and no turn joins one while they are spent. */
  budget: { blockedUntil(now: number): number | null; tellHeld(now: number): void; leftUsd(now: number): number };
  /** /handoff: the conversations on the laptop, whose messages wait. */
  handoffs: AwayConversations;
  /** The model gave no answer: nothing starts before the pause ends (its unit tells the user and wakes the object). */
  modelPause: { blockedUntil(now: number): number | null };
  /** The user's files are in the archive: nothing starts before the archive unit brought them back. */
  archive: { blockedUntil(now: number): number | null };
};

export function createRunBatches(d: RunBatchesDeps) {
  /** Waiting messages this instance told about (the outbox's key makes it once across instances too). */
  const toldWaiting = new Set<string>();

  /** The queued messages up to the first whose attachments are still being fetched: none overtakes it. */
  const ready = (): QueuedMessage[] => {
    // A conversation on the laptop (/handoff) runs nothing here until it comes back or the user says to go on.
    const away = d.handoffs.awayConversations();
    const queued = d.messages.queued(MAX_QUEUED_LOOKAHEAD).filter((m) => !away.has(m.conversationId));
    const waiting = queued.findIndex((m) => !mediaSettled(m));
    return waiting === -1 ? queued : queued.slice(0, waiting);
  };

  /** What may start beside the runs open (runs/run-slots.ts): a batch, or which run it waits for. */
  const slotNow = (queued: QueuedMessage[], now: number) =>
    nextDispatch(queued, d.runs.openAll(), { maxParallel: d.maxParallelRuns, maxPerTurn: MAX_MESSAGES_PER_TURN }, now);

  /** A new run; `told`: the user was told why a batch waits (the outbox has a row to send); null: nothing. */
  const startNext = (now: number): Run | "told" | null => {
    if (d.messages.countQueued() === 0) return null;
    const queued = ready();
    const slot = slotNow(queued, now);
    if (slot.kind === "none") return null;
    // While the model's pause lasts nothing starts: its unit wakes the object at the end.
    if (d.modelPause.blockedUntil(now) !== null || d.archive.blockedUntil(now) !== null) return null;
    // Past a cap nothing starts: the messages wait for the reset (the budget unit's timer).
    if (d.budget.blockedUntil(now) !== null) {
      d.transaction(() => d.budget.tellHeld(now));
      return null;
    }
    // Across the live runs: another one starts only while what the caps leave holds a share for each.
    const open = d.runs.openAll();
    // (Read only beside live runs: a first run is the caps' alone.)
    const short = slot.kind === "dispatch" && open.length > 0 && !admitsAnotherRun(d.budget.leftUsd(now), open);
    if (short && open[0]) {
      const oldest = open[0];
      if (toldWaiting.has(slot.ids[0]!)) return null;
      toldWaiting.add(slot.ids[0]!);
      const name = (id: number) => d.conversations.repo.get(id)?.name ?? null;
      const body = runWaitsNotice({ waiting: name(slot.conversationId), running: name(oldest.conversationId), startedAt: oldest.createdAt, limit: open.length, budget: true }, now);
      d.transaction(() => d.outbox.add({ dedupeKey: outboxKeys.runWaits(slot.ids[0]!), body, now }));
      return "told";
    }
    if (slot.kind === "full") {
      if (toldWaiting.has(slot.firstId)) return null;
      toldWaiting.add(slot.firstId);
      // Told once per waiting message, naming the run it waits for.
      const name = (id: number) => d.conversations.repo.get(id)?.name ?? null;
      const body = runWaitsNotice({ waiting: name(slot.conversationId), running: name(slot.waitingFor.conversationId), startedAt: slot.waitingFor.createdAt, limit: d.maxParallelRuns }, now);
      d.transaction(() => d.outbox.add({ dedupeKey: outboxKeys.runWaits(slot.firstId), body, now }));
      return "told";
    }
    const batch = slot;
    return d.transaction(() => {
      const sessionId = d.conversations.repo.get(batch.conversationId)?.sessionId ?? null;
      // The run that would hold this batch: its conversation's open chat run (a task in its own session has none).
      const last = batch.context === "chat" ? d.runs.openIn(batch.conversationId) : null;
      const forkSession = forksSession(batch, queued.filter((m) => batch.ids.includes(m.id)));
      const step = stepRun(last, d.messages.pending(), { type: "dispatch", runId: crypto.randomUUID(), ids: batch.ids, context: batch.context, conversationId: batch.conversationId, sessionId, forkSession }, now);
      if (!step.run || step.run === last) return null;
      applyStep(d, null, step, now);
      if (batch.overdue) d.log("run_task_alone", { runId: step.run.id, conversationId: batch.conversationId });
      d.schedules.markStarted(
        queued.filter((m) => batch.ids.includes(m.id)),
        now,
      );
      return step.run;
    });
  };

  /** Whether a batch may start beside the runs open, and whether the caps hold it (for the runs' due time). */
  const queueNow = (now: number): { startable: boolean; held: boolean } => {
    if (d.messages.countQueued() === 0) return { startable: false, held: false };
    // Past MAX_PARALLEL_RUNS the batch waits for a run's end (a stream read, or an attempt due).
    const startable = slotNow(ready(), now).kind === "dispatch";
    return { startable, held: startable && (d.budget.blockedUntil(now) !== null || d.modelPause.blockedUntil(now) !== null || d.archive.blockedUntil(now) !== null) };
  };

  return { ready, startNext, queueNow };
}
