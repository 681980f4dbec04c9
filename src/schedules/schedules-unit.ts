// The schedules unit: the user's scheduled tasks and the log of their runs. It owns both tables,
// knows when the next task is due, claims due tasks into the message queue exactly once, and
// records how each task's run ended. Everything here only reads and writes rows (no I/O).
import { nextRunAt } from "./schedule-math";
import { nextAttemptAfterFailure, shouldNotifyFailure } from "./schedule-retry";
import type { MessagesRepo } from "../messages/messages-repo";
import type { SchedulesRepo } from "./schedules-repo";
import type { SettingsRepo } from "../config/settings-repo";
import { linkedChatOf, notifyChannelOf } from "../channels/chat-settings";
import type { Transaction } from "../shared/sql";
import type { Log } from "../shared/log";
import { doorsOf, scheduleDestination } from "../directory/link-doors";
import { strangerTaskPrompt, taskRunsAs } from "../messages/task-origin";

const DEFAULT_TIME_ZONE = "UTC";
const EXCERPT_CHARS = 200;

const zoneSetting = (settings: SettingsRepo) => settings.get("time_zone");
/** The user's time zone, and whether they chose it (/tz) or it is still the default. */
export function timeZoneOf(settings: SettingsRepo): string {
  return zoneSetting(settings) ?? DEFAULT_TIME_ZONE;
}
export function isTimeZoneChosen(settings: SettingsRepo): boolean {
  return zoneSetting(settings) !== null;
}

type TaskMessage = { id: string; scheduleId: number | null };

/**
 * `home`: the object's name, whose doors (its own chat, and a chat linked to it) a task's result may
 * go to; without it a task's message has the messages table's default source. `repoTrusted`:
 * whether the user trusted a repository's events (`/github trust`), which a task it made follows.
 */
export function createSchedules(d: { repo: SchedulesRepo; messages: MessagesRepo; settings: SettingsRepo; transaction: Transaction; repoTrusted: (repo: string) => boolean; home?: string; log?: Log }) {
  const { repo } = d;

  const recordFailure = (scheduleId: number, now: number): boolean => {
    const schedule = repo.get(scheduleId);
    if (!schedule) return false;
    const failures = schedule.consecutiveFailures + 1;
    repo.setFailures(scheduleId, failures, now);
    if (schedule.status !== "paused") {
      const retryAt = nextAttemptAfterFailure(schedule.spec, timeZoneOf(d.settings), failures, now);
      repo.setNext(scheduleId, retryAt === null ? "completed" : "active", retryAt, now);
    }
    return shouldNotifyFailure(failures);
  };

  /** The task run behind a message, when the message is a task's (and its run is still logged). */
  const runOf = (m: TaskMessage) => (m.scheduleId === null ? null : repo.getRun(m.id) ? m.scheduleId : null);

  return {
    name: "schedules",
    /** When the next task is due: the only timer this unit has. */
    nextDueAt: (_now?: number): number | null => repo.nextDueAt(),

    /**
     * Claims every due task: its prompt joins the queue and its next run time moves on, in the
     * same transaction, before anything is dispatched, so a repeated alarm cannot run it twice.
     * After downtime the next run is computed from now: one run, never one per missed slot.
     */
    runDue(now: number): number {
      const nextDueAt = repo.nextDueAt();
      if (nextDueAt === null || nextDueAt > now) return 0;
      let claimed = 0;
      const zone = timeZoneOf(d.settings);
      for (const schedule of repo.due(now)) {
        d.transaction(() => {
          const dueAt = schedule.nextRunAt ?? now;
          const id = `task-${schedule.id}-${dueAt}`;
          if (repo.addRun({ id, scheduleId: schedule.id, dueAt, now })) {
            const kind = schedule.context === "fresh" ? "task_fresh" : "task_chat";
            // The task's message carries where its result goes: a reply goes to its message's chat.
            const source = d.home === undefined ? undefined : scheduleDestination({ createdIn: schedule.createdIn, notify: notifyChannelOf(d.settings), doors: doorsOf(d.home, linkedChatOf(d.settings)) });
            // A task an event's run made runs as that event's text would, until the user trusts it (messages/task-origin.ts).
            const stranger = schedule.origin !== null && taskRunsAs(schedule, d.repoTrusted) === "stranger" ? schedule.origin : null;
            const body = stranger ? strangerTaskPrompt(schedule.id, stranger, schedule.prompt) : schedule.prompt;
            const marked = stranger ? { origin: `task #${schedule.id} of ${stranger.label}`, event: stranger } : {};
            d.messages.insert({ id, body, media: [], kind, scheduleId: schedule.id, conversationId: schedule.conversationId, source, ...marked, now });
            claimed++;
          }
          const next = nextRunAt(schedule.spec, zone, now);
          repo.setNext(schedule.id, next === null ? "completed" : "active", next, now);
        });
      }
      if (claimed > 0) d.log?.("tasks_claimed", { tasks: claimed });
      return claimed;
    },

    /** The run of these messages started: their task runs are running now. */
    markStarted(messages: readonly TaskMessage[], now: number): void {
      for (const m of messages) if (m.scheduleId !== null) repo.startRun(m.id, now);
    },

    /** A task's turn was answered; an answer the agent marked as an error counts as a failure. */
    recordResult(m: TaskMessage, r: { text: string; isError: boolean; costUsd: number; now: number }): { taskId: number } | null {
      const scheduleId = runOf(m);
      if (scheduleId === null) return null;
      const excerpt = r.text.replace(/\s+/g, " ").trim().slice(0, EXCERPT_CHARS);
      repo.finishRun(m.id, {
        status: r.isError ? "failed" : "succeeded",
        costUsd: r.costUsd,
        excerpt,
        error: r.isError ? "the agent reported an error" : null,
        now: r.now,
      });
      if (r.isError) recordFailure(scheduleId, r.now);
      else repo.setFailures(scheduleId, 0, r.now);
      return { taskId: scheduleId };
    },

    /** A task's message was dropped (/stop, /deny): logged as such, not counted as a failure. */
    recordDropped(m: TaskMessage, why: string, now: number): void {
      if (runOf(m) !== null) repo.finishRun(m.id, { status: "failed", costUsd: 0, excerpt: null, error: why, now });
    },

    /** A task's run ended without an answer: its id when the user should hear (once per streak). */
    recordFailure(m: TaskMessage, error: string, now: number): number | null {
      const scheduleId = runOf(m);
      if (scheduleId === null) return null;
      repo.finishRun(m.id, { status: "failed", costUsd: 0, excerpt: null, error, now });
      return recordFailure(scheduleId, now) ? scheduleId : null;
    },
  };
}
export type Schedules = ReturnType<typeof createSchedules>;
