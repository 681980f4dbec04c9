// When the reader of a run's event stream must do something other than wait for the next line:
// one pure rule for its five deadlines. Times are epoch ms; the reader passes its own.

/** Three missed heartbeats: the connection is dead even if TCP has not noticed. */
export const STREAM_IDLE_TIMEOUT_MS = 45_000;
/** WhatsApp's typing indicator lasts about 25 s: refreshed before it fades. */
export const TYPING_REFRESH_MS = 20_000;

type StreamTick =
  /** No line (not even a heartbeat) for too long: the stream is dead. */
  | "dead"
  /** Show the typing indicator again. */
  | "typing"
  /** The run's last answer waited its bound for the end that comes with it: it is applied alone. */
  | "lone_answer"
  /** A progress update is due (/progress). */
  | "progress"
  /** Something else of the object is due (another unit, the watchdog, the pump's slice): hand back. */
  | "hand_back";

/**
 * `lastTypingAt` null: no typing indicator (the run waits for the user's answer, not working).
 * `answerHeldUntil`: the run's last answer, read and not yet applied, waits for its end until then.
 */
export type StreamTimes = { lastLineAt: number; lastTypingAt: number | null; progressAt: number | null; answerHeldUntil?: number | null };

/** The next tick and its time; on a tie the earlier kind in StreamTick's order wins. */
export function nextTickAt(stream: StreamTimes, limits: { until: number | null }): { at: number; tick: StreamTick } {
  const candidates: [StreamTick, number | null][] = [
    ["dead", stream.lastLineAt + STREAM_IDLE_TIMEOUT_MS],
    ["lone_answer", stream.answerHeldUntil ?? null],
    ["typing", stream.lastTypingAt === null ? null : stream.lastTypingAt + TYPING_REFRESH_MS],
    ["progress", stream.progressAt],
    ["hand_back", limits.until],
  ];
  let best: { at: number; tick: StreamTick } | null = null;
  for (const [tick, at] of candidates) if (at !== null && (best === null || at < best.at)) best = { at, tick };
  // The idle deadline is always set, so there is always a tick.
  return best!;
}
