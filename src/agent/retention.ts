// Forgets finished rows after a while, so an object's storage stays the size of its recent
// history. Done at most daily, after a run ends: it never wakes an idle object on its own.
import type { LiveEventsRepo } from "../web/live-events-repo";
import type { ApprovalsRepo } from "../approvals/approvals-repo";
import type { MessagesRepo } from "../messages/messages-repo";
import type { OutboxRepo } from "../outbox/outbox-repo";
import type { RunsRepo } from "../runs/runs-repo";
import type { SettingsRepo } from "../config/settings-repo";
import type { SpendRepo } from "../usage/spend-repo";
import type { VmAnswersRepo } from "../runs/vm-answers-repo";
import type { RunHappeningHandler } from "../runs/run-happenings";

/** Finished rows older than this are pruned; message ids stop deduplicating after it too. */
const KEEP_FINISHED_MS = 30 * 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 24 * 60 * 60 * 1000;

export type RetentionDeps = {
  messages: MessagesRepo;
  runs: RunsRepo;
  liveEvents: Pick<LiveEventsRepo, "prune">;
  outbox: OutboxRepo;
  vmAnswers: VmAnswersRepo;
  settings: SettingsRepo;
  spend: SpendRepo;
  approvals: ApprovalsRepo;
};

/** Spend is kept for a year and a bit: /cost shows this month, and history is cheap (a row a day). */
const KEEP_SPEND_MS = 400 * 24 * 60 * 60 * 1000;

/** Prunes when the last pruning is a day old; returns whether it did. Call inside a transaction. */
export function pruneIfDue(d: RetentionDeps, now: number): boolean {
  if (now - (d.settings.getNumber("pruned_at") ?? 0) < PRUNE_EVERY_MS) return false;
  const before = now - KEEP_FINISHED_MS;
  d.messages.pruneFinished(before);
  d.runs.pruneFinished(before);
  d.liveEvents.prune();
  d.outbox.pruneFinished(before);
  d.vmAnswers.pruneBefore(before);
  d.approvals.pruneBefore(before);
  d.spend.pruneBefore(new Date(now - KEEP_SPEND_MS).toISOString().slice(0, 10));
  d.settings.set("pruned_at", now);
  return true;
}

/** What retention does when a run says what happened: after a run ended, old rows go (at most daily). Joined in run-happenings.ts. */
export function retentionRunHappenings(prune: (now: number) => void) {
  return { run_ended: (e) => prune(e.at) } satisfies RunHappeningHandler;
}
