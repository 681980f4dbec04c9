// Applies numbered schema migrations in order, in one transaction, recording each applied id.
// Never inspects the schema or catches a failing ALTER: the recorded id is the only truth.
// A brand-new object may get the schema they leave at once (migrations/schema.sql).
import initial from "../../migrations/0001_initial.sql";
import runsOutbox from "../../migrations/0002_runs_outbox.sql";
import schedules from "../../migrations/0003_schedules.sql";
import toolCalls from "../../migrations/0004_tool_calls.sql";
import messageScheduleId from "../../migrations/0005_message_schedule_id.sql";
import fewerRowsWritten from "../../migrations/0006_fewer_rows_written.sql";
import conversations from "../../migrations/0007_conversations.sql";
import spend from "../../migrations/0008_spend.sql";
import approvals from "../../migrations/0009_approvals.sql";
import media from "../../migrations/0010_media.sql";
import messageLifecycle from "../../migrations/0011_message_lifecycle.sql";
import vmAnswers from "../../migrations/0012_vm_answers.sql";
import machine from "../../migrations/0013_machine.sql";
import runChanges from "../../migrations/0014_run_changes.sql";
import runPage from "../../migrations/0015_run_page.sql";
import messageSource from "../../migrations/0016_message_source.sql";
import outboxChat from "../../migrations/0017_outbox_chat.sql";
import triggers from "../../migrations/0018_triggers.sql";
import pullRequests from "../../migrations/0019_pull_requests.sql";
import githubEvents from "../../migrations/0020_github_events.sql";
import scheduleChat from "../../migrations/0021_schedule_chat.sql";
import outboxSentRef from "../../migrations/0022_outbox_sent_ref.sql";
import linkedChat from "../../migrations/0023_linked_chat.sql";
import waitingEventRuns from "../../migrations/0024_waiting_event_runs.sql";
import githubGuard from "../../migrations/0025_github_guard.sql";
import shipPreview from "../../migrations/0026_ship_preview.sql";
import triggerDoors from "../../migrations/0027_trigger_doors.sql";
import dueTimes from "../../migrations/0028_due_times.sql";
import strangerOrigin from "../../migrations/0029_stranger_origin.sql";
import reviewDrafts from "../../migrations/0030_review_drafts.sql";
import handoffs from "../../migrations/0031_handoffs.sql";
import archive from "../../migrations/0032_archive.sql";
import approvalReminders from "../../migrations/0033_approval_reminders.sql";
import liveEvents from "../../migrations/0034_live_events.sql";
import questions from "../../migrations/0035_questions.sql";
import outboxInFlight from "../../migrations/0036_outbox_in_flight.sql";
import questionDetails from "../../migrations/0037_question_details.sql";
import conversationSteering from "../../migrations/0038_conversation_steering.sql";
import spendModels from "../../migrations/0039_spend_models.sql";
import fewerRowsAMessage from "../../migrations/0040_fewer_rows_a_message.sql";
import liveEventsByFlush from "../../migrations/0041_live_events_by_flush.sql";
import handoffAskedInQuestions from "../../migrations/0042_handoff_asked_in_questions.sql";
import messagesInQueue from "../../migrations/0043_messages_in_queue.sql";
import outboxWithoutSentRefIndex from "../../migrations/0044_outbox_without_sent_ref_index.sql";
import liveEventsWithoutSourceIndex from "../../migrations/0045_live_events_without_source_index.sql";
import runToolCallsInRuns from "../../migrations/0046_run_tool_calls_in_runs.sql";
import freshSchema from "../../migrations/schema.sql";

export type Migration = { readonly id: number; readonly name: string; readonly sql: string };

export const MIGRATIONS: readonly Migration[] = [
  { id: 1, name: "0001_initial", sql: initial },
  { id: 2, name: "0002_runs_outbox", sql: runsOutbox },
  { id: 3, name: "0003_schedules", sql: schedules },
  { id: 4, name: "0004_tool_calls", sql: toolCalls },
  { id: 5, name: "0005_message_schedule_id", sql: messageScheduleId },
  { id: 6, name: "0006_fewer_rows_written", sql: fewerRowsWritten },
  { id: 7, name: "0007_conversations", sql: conversations },
  { id: 8, name: "0008_spend", sql: spend },
  { id: 9, name: "0009_approvals", sql: approvals },
  { id: 10, name: "0010_media", sql: media },
  { id: 11, name: "0011_message_lifecycle", sql: messageLifecycle },
  { id: 12, name: "0012_vm_answers", sql: vmAnswers },
  { id: 13, name: "0013_machine", sql: machine },
  { id: 14, name: "0014_run_changes", sql: runChanges },
  { id: 15, name: "0015_run_page", sql: runPage },
  { id: 16, name: "0016_message_source", sql: messageSource },
  { id: 17, name: "0017_outbox_chat", sql: outboxChat },
  { id: 18, name: "0018_triggers", sql: triggers },
  { id: 19, name: "0019_pull_requests", sql: pullRequests },
  { id: 20, name: "0020_github_events", sql: githubEvents },
  { id: 21, name: "0021_schedule_chat", sql: scheduleChat },
  { id: 22, name: "0022_outbox_sent_ref", sql: outboxSentRef },
  { id: 23, name: "0023_linked_chat", sql: linkedChat },
  { id: 24, name: "0024_waiting_event_runs", sql: waitingEventRuns },
  { id: 25, name: "0025_github_guard", sql: githubGuard },
  { id: 26, name: "0026_ship_preview", sql: shipPreview },
  { id: 27, name: "0027_trigger_doors", sql: triggerDoors },
  { id: 28, name: "0028_due_times", sql: dueTimes },
  { id: 29, name: "0029_stranger_origin", sql: strangerOrigin },
  { id: 30, name: "0030_review_drafts", sql: reviewDrafts },
  { id: 31, name: "0031_handoffs", sql: handoffs },
  { id: 32, name: "0032_archive", sql: archive },
  { id: 33, name: "0033_approval_reminders", sql: approvalReminders },
  { id: 34, name: "0034_live_events", sql: liveEvents },
  { id: 35, name: "0035_questions", sql: questions },
  { id: 36, name: "0036_outbox_in_flight", sql: outboxInFlight },
  { id: 37, name: "0037_question_details", sql: questionDetails },
  { id: 38, name: "0038_conversation_steering", sql: conversationSteering },
  { id: 39, name: "0039_spend_models", sql: spendModels },
  { id: 40, name: "0040_fewer_rows_a_message", sql: fewerRowsAMessage },
  { id: 41, name: "0041_live_events_by_flush", sql: liveEventsByFlush },
  { id: 42, name: "0042_handoff_asked_in_questions", sql: handoffAskedInQuestions },
  { id: 43, name: "0043_messages_in_queue", sql: messagesInQueue },
  { id: 44, name: "0044_outbox_without_sent_ref_index", sql: outboxWithoutSentRefIndex },
  { id: 45, name: "0045_live_events_without_source_index", sql: liveEventsWithoutSourceIndex },
  { id: 46, name: "0046_run_tool_calls_in_runs", sql: runToolCallsInRuns },
];

/** What the first `upTo` migrations leave in an empty database, as one statement list. */
export type FreshSchema = { readonly upTo: number; readonly sql: string };

/**
 * The PhoneAgent's schema after the last migration (scripts/fresh-schema.ts writes it; a units test
 * proves it equals replaying them all). Replaying them cost a new phone's first message about
 * 7 ms of workerd CPU (bench/README.md), most of it in their ALTERs and table rebuilds.
 */
export const FRESH_SCHEMA: FreshSchema = { upTo: MIGRATIONS.length, sql: freshSchema };

/**
 * Applies the migrations newer than the last recorded one; returns the ids it applied. An object
 * with none recorded gets `fresh` at once (when the list reaches it), then any later migration.
 */
export function migrate(storage: DurableObjectStorage, now: number, migrations: readonly Migration[] = MIGRATIONS, fresh: FreshSchema | null = null): number[] {
  assertOrdered(migrations);
  return storage.transactionSync(() => {
    storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    );
    const last = storage.sql.exec<{ id: number | null }>("SELECT max(id) AS id FROM schema_migrations").one().id ?? 0;
    const pending = migrations.filter((m) => m.id > last);
    if (pending.length === 0) return [];
    const schema = last === 0 && fresh !== null && fresh.upTo <= migrations.length ? fresh : null;
    if (schema) storage.sql.exec(schema.sql);
    const made = schema?.upTo ?? last;
    for (const m of pending) if (m.id > made) storage.sql.exec(m.sql);
    // One row per id, in one statement (ids are consecutive: see assertOrdered).
    storage.sql.exec(
      "INSERT INTO schema_migrations (id, name, applied_at) SELECT ? + key, value, ? FROM json_each(?)",
      last + 1,
      now,
      JSON.stringify(pending.map((m) => m.name)),
    );
    return pending.map((m) => m.id);
  });
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.id !== i + 1) throw new Error(`migration ${m.name} has id ${m.id}, expected ${i + 1}`);
  });
}
