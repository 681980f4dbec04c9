// Structured logs: one JSON line per event, with secrets redacted and phone numbers masked; and
// one line for many events of a burst, where a line per event would cost more than the events.
import { maskPhone } from "./phone";
import { type RowsByTable, sumRows } from "./rows-by-table";

const SECRET_KEY = /token|secret|password|authorization|signature/i;
// Message content by whole name (body, replyText, message_body); "context" stays readable.
const CONTENT_KEY = /^(body|text|prompt)$|(Body|Text|Prompt)$|_(body|text|prompt)$/;
const PHONE_KEY = /^(phone|from|to|user)$/i;
type KeyKind = "sensitive" | "phone" | "plain";
/**
 * A field name's kind, remembered: the relay logs a few dozen names over and over, and testing
 * each against three patterns on every line cost more than the line's JSON (a CPU profile of the
 * ingress load: sanitizing was most of a log line's cost). Bounded, so odd names cannot grow it.
 */
const keyKinds = new Map<string, KeyKind>();
const KEY_KINDS_MAX = 512;
function kindOf(key: string): KeyKind {
  let kind = keyKinds.get(key);
  if (kind === undefined) {
    kind = SECRET_KEY.test(key) || CONTENT_KEY.test(key) ? "sensitive" : PHONE_KEY.test(key) ? "phone" : "plain";
    if (keyKinds.size < KEY_KINDS_MAX) keyKinds.set(key, kind);
  }
  return kind;
}
/** E.164 anywhere inside a string, not followed by more digits. */
const E164_INSIDE = /\+[1-9]\d{7,14}(?!\d)/g;
/** Nesting deeper than this is cut off; it also stops cycles. */
const MAX_DEPTH = 6;

type LogSink = (line: string) => void;

/** How the relay's parts log: an event name and its fields (the object adds who it is). */
export type Log = (event: string, fields: Record<string, unknown>) => void;

/**
 * Writes `{"event": ..., ...fields}` as one line. Values under sensitive-looking keys
 * never reach the sink (strings leave only their length); values under phone-like keys
 * are masked, and so is every E.164 number found in any other string.
 */
export function logEvent(event: string, fields: Record<string, unknown>, sink: LogSink = (line) => console.log(line)): void {
  const { event: _shadowed, ...rest } = fields;
  sink(JSON.stringify({ event, ...(sanitize(rest, 0) as object) }));
}

function redact(value: unknown): string {
  return typeof value === "string" ? `[redacted ${value.length} chars]` : "[redacted]";
}

function sanitizeEntry(key: string, value: unknown, depth: number): unknown {
  const kind = kindOf(key);
  if (kind === "sensitive") return redact(value);
  if (kind === "phone" && (typeof value === "string" || typeof value === "number")) {
    return maskPhone(String(value));
  }
  return sanitize(value, depth + 1);
}

function sanitize(value: unknown, depth: number): unknown {
  // Most strings (ids, event names) hold no "+": no number to mask, and no pattern to run.
  if (typeof value === "string") return value.includes("+") ? value.replace(E164_INSIDE, maskPhone) : value;
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_DEPTH) return "[too deep]";
  if (Array.isArray(value)) return value.map((item) => sanitize(item, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: sanitize(value.message, depth + 1) };
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, sanitizeEntry(key, inner, depth)]),
  );
}

/**
 * A log whose lines can be held while a step runs, and written after the line that names the step:
 * a command's own line (`message_queued`) then comes before what it did (a /stop's `run_finished`),
 * though the step decides first whether it was a command at all. A step that throws still has its
 * lines written, before the error goes on.
 */
export function holdingLog(write: Log): { log: Log; after<T>(step: () => T, first: (result: T) => void): T } {
  let held: Array<[string, Record<string, unknown>]> | null = null;
  const release = (lines: Array<[string, Record<string, unknown>]>) => lines.forEach(([event, fields]) => write(event, fields));
  return {
    log: (event, fields) => void (held ? held.push([event, fields]) : write(event, fields)),
    after(step, first) {
      const lines: Array<[string, Record<string, unknown>]> = [];
      held = lines;
      let result;
      try {
        result = step();
      } catch (error) {
        held = null;
        release(lines);
        throw error;
      }
      held = null;
      first(result);
      release(lines);
      return result;
    },
  };
}

export type Timers = { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
const realTimers: Timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) };

/**
 * Gathers the items of a burst into few lines. The first item after a quiet spell is written at
 * once, alone; those that follow within `windowMs` of the last line wait, and are written
 * together when that window ends or `maxItems` wait. Every item is written, in order; a burst
 * costs a line per window instead of a line per item. An item added `alone` gets its own line at
 * once (after those that wait); `flush` writes what waits now. With `firstAfterMs`, the first item
 * after a quiet spell waits that long instead (0: the next turn, off the caller's way; a window:
 * for lines nobody needs soon).
 */
export function gatherLines<Item>(o: { windowMs: number; maxItems: number; write: (items: Item[]) => void; firstAfterMs?: number; now?: () => number; timers?: Timers }) {
  const now = o.now ?? Date.now;
  const timers = o.timers ?? realTimers;
  let lastLineAt = Number.NEGATIVE_INFINITY;
  let waiting: Item[] = [];
  let timer: unknown = null;
  // A declaration, not an arrow: a CPU profile of the bundle then names it.
  function flush(): void {
    if (timer !== null) timers.clear(timer);
    timer = null;
    if (waiting.length === 0) return;
    const items = waiting;
    waiting = [];
    lastLineAt = now();
    o.write(items);
  }
  return {
    add(item: Item, opts: { alone: boolean } = { alone: false }): void {
      if (opts.alone) flush();
      waiting.push(item);
      const at = now();
      const quiet = at - lastLineAt >= o.windowMs;
      if (opts.alone || (timer === null && quiet && o.firstAfterMs === undefined) || waiting.length >= o.maxItems) return flush();
      timer ??= timers.set(flush, quiet ? (o.firstAfterMs ?? o.windowMs) : lastLineAt + o.windowMs - at);
    },
    flush,
  };
}

/** A burst of stored messages is logged a line per this long: under `wrangler dev` a line costs about as much CPU as storing a message. */
export const QUEUED_LINE_MS = 2_000;

/** A stored message, as its line records it. */
export type StoredMessage = { id: string; rows: number; rowsByTable: RowsByTable; command: string | undefined; alone: boolean };

/**
 * The operator's record of stored messages (`message_queued`): every id, in order, with the rows
 * written; text for the agent shares a line with its burst, a command's line is its own, at once.
 * Text waits for its window's end, or for `flush` (objectLog: the object's next other line). Written
 * in the webhook's own turn, the line held up its commit and so the dispatch that leaves with it;
 * written on the next turn, it was printed while the VM's CLI built its request. Under `wrangler
 * dev` a line is about 1 ms of CPU of workerd and wrangler's Node, on the cores the local VM and
 * its CLI share, and the warm path paid 4-7 ms for it (docs/notes/warm-path.md).
 */
export function queuedMessageLines(log: (event: string, fields: Record<string, unknown>) => void, o: { windowMs: number; now?: () => number; timers?: Timers } = { windowMs: QUEUED_LINE_MS }) {
  const lines = gatherLines<Omit<StoredMessage, "alone">>({
    ...o,
    maxItems: 50,
    firstAfterMs: o.windowMs,
    write: (queued) => log("message_queued", { messageIds: queued.map((q) => q.id), command: queued.find((q) => q.command)?.command, rowsWritten: queued.reduce((n, q) => n + q.rows, 0), rowsByTable: sumRows(queued.map((q) => q.rowsByTable)) }),
  });
  return {
    record: ({ alone, ...stored }: StoredMessage): void => lines.add(stored, { alone }),
    flush: lines.flush,
  };
}

/**
 * A Durable Object's log, read in the order things happened: a step's lines after the line that
 * names it (holdingLog), and the record of stored messages (queuedMessageLines) before any other
 * line, so a message that waits for its window is never logged after the run it started.
 */
export function objectLog(write: Log, o: { windowMs: number; now?: () => number; timers?: Timers } = { windowMs: QUEUED_LINE_MS }) {
  const queued = queuedMessageLines(write, o);
  const holding = holdingLog((event, fields) => {
    queued.flush();
    write(event, fields);
  });
  return { log: holding.log, after: holding.after, queued: queued.record };
}

/** What a pump started by a message did: the units it ran, how long it held the object, the rows it wrote. */
export type PumpDone = { units: number; durationMs: number; rowsWritten: number; rowsByTable: RowsByTable };

/**
 * The operator's record of the pumps messages start (`pump_done`): their cost, not what they did
 * (runs, sends and failures have lines of their own). A line per window, written at its end, never
 * at once: a phone's first message would otherwise pay for a line while its own webhook and the
 * next ones wait behind it. `pumps` counts them; rows add up; `durationMs` is the longest. A pump
 * that ran a whole window or longer is written at once.
 */
export function pumpLines(log: (event: string, fields: Record<string, unknown>) => void, o: { windowMs: number; now?: () => number; timers?: Timers } = { windowMs: QUEUED_LINE_MS }) {
  const lines = gatherLines<PumpDone>({
    ...o,
    maxItems: 50,
    firstAfterMs: o.windowMs,
    write: (pumps) =>
      log("pump_done", {
        trigger: "message",
        pumps: pumps.length,
        units: pumps.reduce((n, p) => n + p.units, 0),
        durationMs: Math.max(...pumps.map((p) => p.durationMs)),
        rowsWritten: pumps.reduce((n, p) => n + p.rowsWritten, 0),
        rowsByTable: sumRows(pumps.map((p) => p.rowsByTable)),
      }),
  });
  // A pump as long as a window (a stream read until its slice ran out) is on no message's way:
  // its line, and any waiting, go at once, and no timer outlives it into the object's hand-over.
  return (done: PumpDone): void => lines.add(done, { alone: done.durationMs >= o.windowMs });
}
