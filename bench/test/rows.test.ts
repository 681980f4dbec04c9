import { describe, expect, it } from "vitest";
import { callbacksPending, callbacksPosted, rowsByPart, statusRowsReported } from "../relay/rows";

describe("rowsByPart", () => {
  const queued = (rowsWritten: number) => ({ event: "message_queued", messageId: "SM1", rowsWritten });
  const status = (rowsWritten: number) => ({ event: "delivery_status", sid: "SM9", status: "read", rowsWritten });
  const cases: { name: string; logs: Record<string, unknown>[]; expected: ReturnType<typeof rowsByPart> }[] = [
    {
      name: "storing apart, run and outbox together when no pump line splits them",
      logs: [queued(12), { event: "message_duplicate", rowsWritten: 0 }, { event: "pump_done", rowsWritten: 20 }, { event: "alarm_done", rowsWritten: 5 }],
      expected: { storing: 12, run: 25, outbox: null, statusCallbacks: 0, statusLines: 0, statusUnmatched: 0, total: 37, byTable: { storing: {}, run: {}, statusCallbacks: {} } },
    },
    {
      name: "outboxRowsWritten splits the pumps' rows; a pump without it sent nothing",
      logs: [queued(8), { event: "pump_done", rowsWritten: 20, outboxRowsWritten: 6 }, { event: "alarm_done", rowsWritten: 4 }],
      expected: { storing: 8, run: 18, outbox: 6, statusCallbacks: 0, statusLines: 0, statusUnmatched: 0, total: 32, byTable: { storing: {}, run: {}, statusCallbacks: {} } },
    },
    {
      name: "delivery_status lines with rowsWritten count as status callbacks",
      logs: [queued(8), { event: "pump_done", rowsWritten: 20, outboxRowsWritten: 6 }, status(1), status(1), status(2)],
      expected: { storing: 8, run: 14, outbox: 6, statusCallbacks: 4, statusLines: 3, statusUnmatched: 0, total: 32, byTable: { storing: {}, run: {}, statusCallbacks: {} } },
    },
    {
      name: "the outbox's own note (unknown sid, error code) carries no rows and is not a status line",
      logs: [{ event: "delivery_status", sid: "SM9", status: "failed", errorCode: 30008, known: true }, status(2), { event: "delivery_status", sid: "SM8", status: "delivered", known: false }],
      expected: { storing: 0, run: 0, outbox: null, statusCallbacks: 2, statusLines: 1, statusUnmatched: 1, total: 2, byTable: { storing: {}, run: {}, statusCallbacks: {} } },
    },
    {
      name: "other lines and non-numeric fields are ignored",
      logs: [{ event: "run_finished", rowsWritten: 99 }, { event: "message_queued", rowsWritten: "3" }, { event: "pump_done" }, { event: "delivery_status", rowsWritten: "1" }],
      expected: { storing: 0, run: 0, outbox: null, statusCallbacks: 0, statusLines: 0, statusUnmatched: 0, total: 0, byTable: { storing: {}, run: {}, statusCallbacks: {} } },
    },
    {
      name: "rowsByTable sums each step's lines by table: storing, the pumps (outbox share included), the status callbacks",
      logs: [
        { ...queued(5), rowsByTable: { messages: 3, settings: 2 } },
        { ...queued(3), rowsByTable: { messages: 3 } },
        { event: "pump_done", rowsWritten: 20, rowsByTable: { runs: 7, live_events: 8, outbox: 5 } },
        { event: "alarm_done", rowsWritten: 2, rowsByTable: { outbox: 2, bogus: "x" } },
        { ...status(2), rowsByTable: { outbox: 2 } },
      ],
      expected: {
        storing: 8,
        run: 22,
        outbox: null,
        statusCallbacks: 2,
        statusLines: 1,
        statusUnmatched: 0,
        total: 32,
        byTable: { storing: { messages: 6, settings: 2 }, run: { runs: 7, live_events: 8, outbox: 7 }, statusCallbacks: { outbox: 2 } },
      },
    },
  ];
  it.each(cases)("$name", ({ logs, expected }) => {
    expect(rowsByPart(logs)).toEqual(expected);
  });
});

describe("status callbacks from the emulator's statuses", () => {
  const cases: { statuses: (string | undefined)[]; posted: number; movingARow: number; pending: number }[] = [
    { statuses: [], posted: 0, movingARow: 0, pending: 0 },
    { statuses: ["read", "read"], posted: 6, movingARow: 4, pending: 0 },
    { statuses: ["queued", "sent", "delivered"], posted: 3, movingARow: 1, pending: 3 },
    { statuses: ["failed", "undelivered", "read"], posted: 5, movingARow: 4, pending: 0 },
    { statuses: [undefined], posted: 0, movingARow: 0, pending: 1 },
  ];
  it.each(cases)("$statuses: $posted posted, $movingARow moving a row, $pending still moving", ({ statuses, posted, movingARow, pending }) => {
    const sent = statuses.map((status) => (status === undefined ? {} : { status }));
    expect(callbacksPosted(sent)).toEqual({ posted, movingARow });
    expect(callbacksPending(sent)).toBe(pending);
  });
});

describe("statusRowsReported", () => {
  const cases: { name: string; statusLines: number; posted: number; movingARow: number; reported: boolean }[] = [
    { name: "lines came: absent ones are callbacks that wrote nothing", statusLines: 20, posted: 90, movingARow: 60, reported: true },
    { name: "fewer lines than callbacks moving a row still count as reported", statusLines: 1, posted: 90, movingARow: 60, reported: true },
    { name: "callbacks that must write, not one line: not reported (a lower bound)", statusLines: 0, posted: 90, movingARow: 60, reported: false },
    { name: "only sent callbacks, which write nothing: no line is the truth", statusLines: 0, posted: 30, movingARow: 0, reported: true },
    { name: "no callbacks at all", statusLines: 0, posted: 0, movingARow: 0, reported: true },
  ];
  it.each(cases)("$name", ({ statusLines, posted, movingARow, reported }) => {
    expect(statusRowsReported({ statusLines }, { posted, movingARow })).toBe(reported);
  });
});
