// Where a load's SQLite rows were written, from the Durable Objects' log lines: storing the
// message (the webhook's enqueue), the run (dispatch and applying its events), the outbox
// (sending to Twilio), and Twilio's status callbacks. Pure: log lines and statuses arrive as data.

/** Rows written in one load, by part. */
export type RowsByPart = {
  /** message_queued and message_duplicate lines: the webhook's enqueue. */
  storing: number;
  /** pump_done and alarm_done lines, minus their outbox share when they report it. */
  run: number;
  /** outboxRowsWritten of the pump_done and alarm_done lines; null when no line carries it (then it is in run). */
  outbox: number | null;
  /**
   * rowsWritten of the delivery_status lines. The relay logs one only for a callback that wrote
   * rows, so a callback without a line wrote none: 0 when there are no lines. Whether the lines
   * can be trusted to be there at all is `statusRowsReported`'s question.
   */
  statusCallbacks: number;
  /** delivery_status lines that carried rowsWritten. */
  statusLines: number;
  /**
   * Callbacks for a message id the relay had no row for (the outbox's delivery_status line with
   * known: false): they write nothing, e.g. one that arrived before the send's result was stored.
   */
  statusUnmatched: number;
  total: number;
  /**
   * The same rows by step (storing, run with its outbox share, status callbacks) and by the table
   * written: the `rowsByTable` of those lines (empty where a relay's lines carry none).
   */
  byTable: RowsByStepAndTable;
};

export type RowsByStep = "storing" | "run" | "statusCallbacks";
export type RowsByStepAndTable = Record<RowsByStep, Record<string, number>>;

type LogLine = Readonly<Record<string, unknown>>;

const STORING_EVENTS = new Set(["message_queued", "message_duplicate"]);
const PUMP_EVENTS = new Set(["pump_done", "alarm_done"]);
const STATUS_EVENT = "delivery_status";

export function rowsByPart(logs: readonly LogLine[]): RowsByPart {
  const numberIn = (line: LogLine, field: string) => (typeof line[field] === "number" ? (line[field] as number) : null);
  const sum = (lines: LogLine[], field: string) => lines.reduce((n, l) => n + (numberIn(l, field) ?? 0), 0);
  const of = (events: Set<string>) => logs.filter((l) => events.has(String(l.event)));
  const storing = sum(of(STORING_EVENTS), "rowsWritten");
  const pumps = of(PUMP_EVENTS);
  const pumpRows = sum(pumps, "rowsWritten");
  const outbox = pumps.some((l) => numberIn(l, "outboxRowsWritten") !== null) ? sum(pumps, "outboxRowsWritten") : null;
  // Lines without rowsWritten (the outbox's own "unknown sid" or error-code note) say nothing about rows.
  const statusLines = logs.filter((l) => l.event === STATUS_EVENT && numberIn(l, "rowsWritten") !== null);
  const statusCallbacks = sum(statusLines, "rowsWritten");
  const tablesOf = (lines: LogLine[]) => {
    const sum: Record<string, number> = {};
    for (const line of lines) {
      const tables = line.rowsByTable;
      if (typeof tables !== "object" || tables === null) continue;
      for (const [table, rows] of Object.entries(tables)) if (typeof rows === "number") sum[table] = (sum[table] ?? 0) + rows;
    }
    return sum;
  };
  return {
    storing,
    run: pumpRows - (outbox ?? 0),
    outbox,
    statusCallbacks,
    statusLines: statusLines.length,
    statusUnmatched: logs.filter((l) => l.event === STATUS_EVENT && l.known === false).length,
    total: storing + pumpRows + statusCallbacks,
    byTable: { storing: tablesOf(of(STORING_EVENTS)), run: tablesOf(pumps), statusCallbacks: tablesOf(statusLines) },
  };
}

/** Status callbacks the Twilio emulator posted for a load's replies. */
export type CallbacksPosted = {
  posted: number;
  /**
   * Of those, the ones that must move an outbox row forward (delivered, read, failed,
   * undelivered) and so write at least one row. `sent` is not among them: the relay records
   * "sent" when Twilio accepts the message, so that callback changes nothing.
   */
  movingARow: number;
};

/**
 * Callbacks posted for one sent message, read from the status it reached: a WhatsApp message
 * goes sent → delivered → read, one callback each; one refused outside the 24-hour window goes
 * straight to failed.
 */
const CALLBACKS_AT_STATUS: Readonly<Record<string, CallbacksPosted>> = {
  sent: { posted: 1, movingARow: 0 },
  delivered: { posted: 2, movingARow: 1 },
  read: { posted: 3, movingARow: 2 },
  failed: { posted: 1, movingARow: 1 },
  undelivered: { posted: 1, movingARow: 1 },
};
const FINAL_STATUSES = new Set(["read", "failed", "undelivered", "canceled"]);

export function callbacksPosted(sent: readonly { status?: string }[]): CallbacksPosted {
  return sent.reduce(
    (n, m) => {
      const at = CALLBACKS_AT_STATUS[m.status ?? ""];
      return at ? { posted: n.posted + at.posted, movingARow: n.movingARow + at.movingARow } : n;
    },
    { posted: 0, movingARow: 0 },
  );
}

/** Sent messages whose status can still move (and so post another callback). */
export function callbacksPending(sent: readonly { status?: string }[]): number {
  return sent.filter((m) => !FINAL_STATUSES.has(m.status ?? "")).length;
}

/**
 * Whether the load's status-callback rows are known. A missing delivery_status line means the
 * callback wrote nothing, but only from a relay that logs the ones that did: when callbacks
 * that must move a row were posted and not one line came, the relay (or the log capture) is not
 * reporting them, and the load's rows are a lower bound.
 */
export function statusRowsReported(rows: Pick<RowsByPart, "statusLines">, callbacks: CallbacksPosted): boolean {
  return rows.statusLines > 0 || callbacks.movingARow === 0;
}
