// The model-pause unit: when the model gave no answer (a usage limit, an outage), the user's work
// waits instead of failing. It owns the pause (one setting row), tells the user once what waits
// and until when, wakes the object when the pause ends (the runs unit then starts the held work),
// and says so. The decisions are usage/model-pause.ts's.
import * as z from "zod/mini";
import { limitName, localTime, type ModelHold, type ModelPause, noticeDueAt, pauseAfter, pausedAt, pauseDueAt } from "./model-pause";
import { modelPausedNotice, modelResumedNotice, type NamedMessage } from "../messages/notices";
import { outboxKeys } from "../outbox/outbox-keys";
import type { OutboxRepo } from "../outbox/outbox-repo";
import type { SettingsRepo } from "../config/settings-repo";
import { timeZoneOf } from "../schedules/schedules-unit";
import { readJson } from "../shared/json-text";

const ModelPauseSchema = z.object({
  kind: z.enum(["limit", "unavailable"]),
  until: z.number(),
  since: z.number(),
  streak: z.number(),
  limit: z.nullable(z.string()),
  told: z.boolean(),
  resumedTold: z.boolean(),
});

export type ModelPauseDeps = {
  settings: SettingsRepo;
  outbox: Pick<OutboxRepo, "add">;
  /** How many messages wait; and the first of them, to name in a notice. */
  queued: () => number;
  waiting: () => NamedMessage[];
  transaction: <T>(fn: () => T) => T;
};

export function createModelPause(d: ModelPauseDeps) {
  /** The stored pause; one that no longer parses is none (fails open to running, never to a lost message). */
  const read = (): ModelPause | null => {
    const raw = d.settings.get("model_pause");
    return raw === null ? null : readJson(ModelPauseSchema, raw);
  };
  const write = (p: ModelPause | null): void => d.settings.set("model_pause", p === null ? null : JSON.stringify(p));

  return {
    name: "model_pause",
    /**
     * Held work waits for the pause's end (the alarm then), and its notices are due on time. Not
     * kept in due_times: it depends on the queue (nothing queued, nothing due) and on whether `now`
     * is before the pause's end, which no write of the pause alone can store.
     */
    nextDueAt(now: number): number | null {
      const p = read();
      if (p === null || d.queued() === 0) return null;
      const owed = pauseDueAt(p);
      const end = now < p.until ? p.until : null;
      return owed === null ? end : end === null ? owed : Math.min(owed, end);
    },
    /** Tells what waits (once per pause), or that it goes on (once, at its end). Inside one transaction. */
    runDue(now: number): void {
      d.transaction(() => {
        const p = read();
        if (p === null) return;
        const zone = timeZoneOf(d.settings);
        const notice = noticeDueAt(p);
        if (notice !== null && notice <= now && now < p.until) {
          const body = modelPausedNotice({ kind: p.kind, limitName: limitName(p.limit), until: localTime(p.until, now, zone), waiting: d.waiting() });
          d.outbox.add({ dedupeKey: outboxKeys.modelPaused(p.since, p.until), body, now });
          write({ ...p, told: true });
        } else if (now >= p.until && p.told && !p.resumedTold) {
          d.outbox.add({ dedupeKey: outboxKeys.modelResumed(p.since, p.until), body: modelResumedNotice(d.waiting()), now });
          write({ ...p, resumedTold: true });
        }
      });
    },
    /** A run ended without the model's answer: the pause that follows. Call inside the run's transaction. */
    hold(hold: ModelHold, now: number): ModelPause {
      const next = pauseAfter(read(), hold, now);
      write(next);
      return next;
    },
    /** The model answered: the streak is over. */
    answered(): void {
      if (d.settings.get("model_pause") !== null) write(null);
    },
    /** When held work may start; null when it may start now. */
    blockedUntil(now: number): number | null {
      const p = read();
      return p !== null && pausedAt(p, now) ? p.until : null;
    },
    /** The pause in force at `now`, for /status. */
    current(now: number): ModelPause | null {
      const p = read();
      return p !== null && pausedAt(p, now) ? p : null;
    },
  };
}
export type ModelPauseUnit = ReturnType<typeof createModelPause>;
