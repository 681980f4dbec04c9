// A new task identical to one the user already has (same times, same task, same conversation,
// same context) is refused with that task's number: a /schedule sent twice, or the agent asked
// twice, would otherwise run the same thing twice at every time. Pure.
import { describeSchedule } from "./schedule-format";
import type { ScheduleSpec } from "./schedule-math";

type TaskShape = { spec: ScheduleSpec; prompt: string; context: "fresh" | "chat"; conversationId: number };
type Existing = TaskShape & { id: number; status: "active" | "paused" | "completed" };

/** The same times: the same cron, the same interval (wherever its grid starts), the same moment. */
function sameWhen(a: ScheduleSpec, b: ScheduleSpec): boolean {
  if (a.kind === "cron" && b.kind === "cron") return a.expr === b.expr;
  if (a.kind === "interval" && b.kind === "interval") return a.everyMs === b.everyMs;
  if (a.kind === "once" && b.kind === "once") return a.at === b.at;
  return false;
}

/** The task's words as the user means them: spacing and case aside. */
const taskWords = (prompt: string) => prompt.trim().replace(/\s+/g, " ").toLowerCase();

/** The live task (not completed) the new one would repeat, or null. */
export function findDuplicate<T extends Existing>(existing: readonly T[], candidate: TaskShape): T | null {
  const words = taskWords(candidate.prompt);
  return (
    existing.find(
      (s) => s.status !== "completed" && s.conversationId === candidate.conversationId && s.context === candidate.context && sameWhen(s.spec, candidate.spec) && taskWords(s.prompt) === words,
    ) ?? null
  );
}

/** One line: which task already does it, and that nothing changed. */
export function duplicateReply(task: Existing, timeZone: string): string {
  const words = task.prompt.trim().replace(/\s+/g, " ");
  const what = `${describeSchedule(task.spec, timeZone)}: “${words.length > 60 ? `${words.slice(0, 59)}…` : words}”`;
  const paused = task.status === "paused" ? `, paused (/schedule resume ${task.id} starts it again)` : "";
  return `Task #${task.id} already does this (${what})${paused}. Nothing changed.`;
}
