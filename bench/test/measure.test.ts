import { describe, expect, it } from "vitest";
import type { LoadResult, Sample } from "../lib/load";
import type { Inbound } from "../lib/webhooks";
import { expectedOrder, measureRelay, splitBySender } from "../relay/measure";
import { type LoadShape, planLoad } from "../relay/plan";

const shape = (burst: boolean): LoadShape => ({ key: "t", label: "t", phones: burst ? 1 : 2, messagesPerPhone: 3, concurrency: 2, burst });

describe("expectedOrder", () => {
  it("uses the send order for phones sending one message after another, and flags a queue that differs", () => {
    const load = planLoad(shape(false), 1, 0);
    const [p0, p1] = load.lanes;
    const queued = [p0![0]!, p1![0]!, p0![2]!, p0![1]!, p1![1]!, p1![2]!].map((m) => m.sid);
    const { expected, outOfOrder } = expectedOrder(load, queued);
    expect(expected.get(p0![0]!.phone)).toEqual(p0!.map((m) => m.text));
    expect(outOfOrder).toBe(1);
  });

  it("uses the Durable Object's queue order for a burst, where no send order exists", () => {
    const load = planLoad(shape(true), 1, 2);
    const messages = load.lanes.flat();
    const queued = [messages[2]!, messages[0]!, messages[1]!].map((m) => m.sid);
    const { expected, outOfOrder } = expectedOrder(load, queued);
    expect(expected.get(messages[0]!.phone)).toEqual([messages[2]!.text, messages[0]!.text, messages[1]!.text]);
    expect(outOfOrder).toBe(0);
  });
});

describe("measureRelay", () => {
  const load = planLoad({ key: "m", label: "m", phones: 1, messagesPerPhone: 3, concurrency: 1, burst: false }, 1, 1);
  const [m0, m1, m2] = load.lanes[0]!;
  const sample = (item: Inbound, sentAt: number, respondedAt: number, status = 200): Sample<Inbound> => ({ item, sentAt, respondedAt, doneAt: respondedAt + 1, status, error: null });
  const result: LoadResult<Inbound> = { samples: [sample(m0!, 1000, 1010), sample(m1!, 1011, 1020), sample(m2!, 1021, 1030)], startedAt: 1000, endedAt: 1031, timedOut: false };
  const measure = measureRelay({
    load,
    result,
    vmRequests: [
      { kind: "start", userId: m0!.phone, messages: [{ id: m0!.sid }], at: 1015 },
      { kind: "events", userId: m0!.phone, at: 1016 },
      // m1 reached the VM before the client had its 200: a negative dispatch latency.
      { kind: "input", userId: m0!.phone, messages: [{ id: m1!.sid }], at: 1018 },
      { kind: "start", userId: m0!.phone, messages: [{ id: m1!.sid }], at: 1200 },
    ],
    sent: [{ to: `whatsapp:${m0!.phone}`, body: `echo: ${m0!.text}` }, { to: `whatsapp:${m0!.phone}`, body: `echo: ${m1!.text}` }],
    logs: [
      { event: "message_queued", messageId: m0!.sid, rowsWritten: 10 },
      { event: "message_queued", messageId: m1!.sid, rowsWritten: 10 },
      { event: "run_result" },
      { event: "alarm_done", rowsWritten: 25 },
      { event: "message_queued", messageId: m2!.sid, rowsWritten: 10 },
    ],
    lastReplyAt: 1100,
    cpu: { totalMs: 90, workerdMs: 60 },
    disturbed: false,
  });

  it("measures dispatch from the 200 (and from the send) to the first VM request carrying each message", () => {
    expect(measure.dispatchMs).toMatchObject({ count: 2, min: -2, max: 5 });
    expect(measure.sendToVmMs).toMatchObject({ count: 2, min: 7, max: 15 });
    expect(measure.neverDispatched).toBe(1);
  });

  it("sums rows written over the enqueue and alarm log lines, per message sent", () => {
    expect(measure.rows.total).toBe(55);
    expect(measure.rowsPerMessage).toBeCloseTo(55 / 3);
    // No status callbacks were posted (the sent replies carry no status): their rows are known to be 0.
    expect(measure.rowsPerMessageByPart).toEqual({ storing: 10, run: 25 / 3, outbox: null, statusCallbacks: 0 });
    expect(measure.statusCallbacks).toEqual({ posted: 0, movingARow: 0 });
    expect(measure.cpuMsPerMessage).toBe(30);
    expect(measure.workerdCpuMsPerMessage).toBe(20);
  });

  it("counts the unanswered message as lost and times the drain from the last answer", () => {
    expect(measure.replies).toMatchObject({ messages: 3, answeredOnce: 2, lost: 1, reorderedPhones: 0, lostTexts: [m2!.text] });
    expect(measure.queuedOutOfOrder).toBe(0);
    expect(measure.drainMs).toBe(69);
    expect(measure.perSecond).toBeCloseTo(3 / 0.031);
  });
});

it("does not count a message whose webhook failed as lost, and drops CPU figures of a disturbed load", () => {
  const load = planLoad({ key: "f", label: "f", phones: 1, messagesPerPhone: 2, concurrency: 1, burst: false }, 1, 3);
  const [ok, refused] = load.lanes[0]!;
  const sample = (item: Inbound, status: number): Sample<Inbound> => ({ item, sentAt: 0, respondedAt: 1, doneAt: 2, status, error: null });
  const measure = measureRelay({
    load,
    result: { samples: [sample(ok!, 200), sample(refused!, 500)], startedAt: 0, endedAt: 2, timedOut: false },
    vmRequests: [],
    sent: [{ to: `whatsapp:${ok!.phone}`, body: `echo: ${ok!.text}` }],
    logs: [],
    lastReplyAt: 2,
    cpu: { totalMs: -40, workerdMs: -50 },
    disturbed: true,
  });
  expect(measure.replies).toMatchObject({ lost: 0, refusedUnanswered: 1, answeredOnce: 1 });
  expect(measure.non2xx).toBe(1);
  expect(measure.disturbed).toBe(true);
  expect(measure.cpuMsPerMessage).toBeNaN();
});

describe("measureRelay: status-callback rows per message", () => {
  const load = planLoad({ key: "s", label: "s", phones: 1, messagesPerPhone: 2, concurrency: 1, burst: false }, 1, 4);
  const [a, b] = load.lanes[0]!;
  const sample = (item: Inbound): Sample<Inbound> => ({ item, sentAt: 0, respondedAt: 1, doneAt: 2, status: 200, error: null });
  const reply = (m: Inbound, status?: string) => ({ to: `whatsapp:${m.phone}`, body: `echo: ${m.text}`, ...(status ? { status } : {}) });
  const base = [
    { event: "message_queued", messageId: a!.sid, rowsWritten: 3 },
    { event: "message_queued", messageId: b!.sid, rowsWritten: 3 },
    { event: "pump_done", rowsWritten: 24, outboxRowsWritten: 4 },
  ];
  const status = (rowsWritten: number) => ({ event: "delivery_status", status: "read", rowsWritten });
  const cases: { name: string; statuses: [string | undefined, string | undefined]; statusLines: Record<string, unknown>[]; perMessage: number | null; total: number }[] = [
    { name: "every callback that moved a row logged", statuses: ["read", "read"], statusLines: [status(1), status(1), status(1), status(1)], perMessage: 2, total: 34 / 2 },
    // sent changes nothing, and a read that found the row already read writes nothing either: no line, 0 rows.
    { name: "callbacks without a line count 0", statuses: ["read", "read"], statusLines: [status(1), status(1)], perMessage: 1, total: 32 / 2 },
    { name: "callbacks that must write, no line at all: unknown (a lower bound)", statuses: ["read", "delivered"], statusLines: [], perMessage: null, total: 30 / 2 },
    { name: "only sent callbacks posted: 0, known", statuses: ["sent", "sent"], statusLines: [], perMessage: 0, total: 30 / 2 },
    { name: "no callbacks posted: 0, known", statuses: [undefined, undefined], statusLines: [], perMessage: 0, total: 30 / 2 },
  ];
  it.each(cases)("$name", ({ statuses, statusLines, perMessage, total }) => {
    const measure = measureRelay({
      load,
      result: { samples: [sample(a!), sample(b!)], startedAt: 0, endedAt: 2, timedOut: false },
      vmRequests: [],
      sent: [reply(a!, statuses[0]), reply(b!, statuses[1])],
      logs: [...base, ...statusLines],
      lastReplyAt: 2,
      cpu: { totalMs: 4, workerdMs: 2 },
      disturbed: false,
    });
    expect(measure.rowsPerMessageByPart).toEqual({ storing: 3, run: 10, outbox: 2, statusCallbacks: perMessage });
    expect(measure.rowsPerMessage).toBeCloseTo(total);
  });
});

describe("splitBySender", () => {
  /** [phone, sentAt, respondedAt]; done 1 ms after the answer. */
  const samples = (rows: [string, number, number][]): Sample<Inbound>[] =>
    rows.map(([phone, sentAt, respondedAt], i) => ({ item: { phone, text: `t${i}`, sid: `s${i}` }, sentAt, respondedAt, doneAt: respondedAt + 1, status: 200, error: null }));

  it.each([
    { case: "nothing sent", rows: [], first: 0, known: [], open: 0 },
    { case: "one phone, one after another: the first makes the object, the rest find it", rows: [["a", 0, 300], ["a", 301, 310], ["a", 311, 330]] as [string, number, number][], first: 1, known: [10, 20], open: 0 },
    {
      case: "a second message sent while the first is unanswered is in neither",
      rows: [["a", 0, 400], ["b", 0, 420], ["a", 5, 410], ["b", 430, 440]] as [string, number, number][],
      first: 2,
      known: [11],
      open: 1,
    },
    { case: "send order decides which is first, not the list's", rows: [["a", 50, 60], ["a", 0, 40]] as [string, number, number][], first: 1, known: [11], open: 0 },
  ])("$case", ({ rows, first, known, open }) => {
    const split = splitBySender(samples(rows));
    expect(split.firstMs.count).toBe(first);
    expect(split.knownMs.count).toBe(known.length);
    if (known.length > 0) expect([split.knownMs.min, split.knownMs.max]).toEqual([Math.min(...known), Math.max(...known)]);
    expect(split.whileFirstOpen).toBe(open);
  });

  it("times the first messages on their own", () => {
    const split = splitBySender(samples([["a", 0, 300], ["b", 0, 500], ["a", 301, 311]]));
    expect([split.firstMs.min, split.firstMs.max]).toEqual([301, 501]);
  });
});
