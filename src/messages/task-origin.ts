// Where a scheduled task came from, and what that means when it runs. A task the user made (a
// command, or a run of their own) is theirs. One that a run of someone else's text made (an
// event, a trigger: with the user's yes, as every such tool call is asked) keeps that origin, and
// each of its runs is that text's again: its prompt quoted as a stranger's, every action asked,
// until the user trusts it (`/schedule trust <n>`) or its repository (`/github trust`). Pure.
import type { RunEvent } from "./event-guard";
import { quoteData } from "./stranger-quote";

/** The event a task came from, as the run that made it carried it: its label ("acme/api#12 issue", "trigger deploy") and repository (null: a trigger). */
export type TaskOrigin = RunEvent;

/** A task's origin as stored: none (the user's own), or an event's, trusted since `trustedAt` or not yet. */
export type TaskProvenance = { origin: TaskOrigin | null; trustedAt: number | null };

/** What a run that carries these events gives the task it makes: the first event's origin; none for the user's own runs. */
export function originOfRun(events: readonly RunEvent[]): TaskOrigin | null {
  const first = events[0];
  return first ? { label: first.label, repo: first.repo } : null;
}

/** How a firing of the task runs: as the user's own (the conversation's mode), or as the stranger's text that made it. */
export function taskRunsAs(task: TaskProvenance, repoTrusted: (repo: string) => boolean): "own" | "stranger" {
  if (task.origin === null || task.trustedAt !== null) return "own";
  return task.origin.repo !== null && repoTrusted(task.origin.repo) ? "own" : "stranger";
}

/** `/schedules`' words for where task `id` came from. */
export function taskOriginText(id: number, task: TaskProvenance, repoTrusted: (repo: string) => boolean): string {
  if (task.origin === null) return "made by you";
  const made = `made by a run of ${task.origin.label}`;
  return taskRunsAs(task, repoTrusted) === "own" ? `${made}, trusted` : `${made}: asks before every action (/schedule trust ${id})`;
}

/** A stranger's task's prompt as its run reads it: the agent's words under that text's sway, quoted as data. */
export function strangerTaskPrompt(id: number, origin: TaskOrigin, prompt: string): string {
  return quoteData({ what: `scheduled task #${id}, made by a run that ${origin.label} started`, author: null, url: null }, [{ label: "task", text: prompt }]);
}

/** Why `/schedule trust <n>` changed nothing, or what it did. */
export type TrustOutcome = { kind: "own" } | { kind: "already" } | { kind: "trusted"; origin: TaskOrigin };

export function trustReply(id: number, o: TrustOutcome): string {
  switch (o.kind) {
    case "own":
      return `Task #${id} is your own: it already runs in its conversation's mode.`;
    case "already":
      return `Task #${id} is trusted already: it runs in its conversation's mode.`;
    case "trusted":
      return `Task #${id} (made by a run of ${o.origin.label}) now runs in its conversation's mode, its prompt as yours.`;
  }
}
