// Turns one load's raw observations (client samples, VM requests, Twilio sends, DO logs) into
// figures. Pure: everything arrives as data.
import type { GroupCpu } from "../lib/group-cpu";
import type { LoadResult, Sample } from "../lib/load";
import { throughput } from "../lib/load";
import { checkReplies, type Outbound, type ReplyCheck } from "../lib/reply-check";
import { type Summary, summarize } from "../lib/stats";
import type { Inbound } from "../lib/webhooks";
import type { PlannedLoad } from "./plan";
import { queuedOrder } from "./queued-lines";
import { type CallbacksPosted, callbacksPosted, type RowsByPart, rowsByPart, type RowsByStepAndTable, statusRowsReported } from "./rows";

export type VmArrival = { kind: string; userId: string; messages?: { id: string }[]; at: number };

export type ClientMeasure = {
  requests: number;
  non2xx: number;
  timedOut: boolean;
  webhookMs: Summary;
  /** The same split by whether the sender's object existed when the message was sent (splitBySender). */
  bySender?: SenderSplit;
  perSecond: number;
  /** wrangler reloaded the Worker during this load (a source file changed): its timings are not comparable. */
  disturbed: boolean;
  /** wrangler + workerd CPU over the load (the relay's: until its replies were sent) per request. */
  cpuMsPerMessage: number;
  /** Of cpuMsPerMessage: workerd's (the rest is wrangler's Node: request and log lines). */
  workerdCpuMsPerMessage: number;
};

export type RelayMeasure = ClientMeasure & {
  /** VM request received minus webhook accepted (the client got the 200's headers). */
  dispatchMs: Summary;
  /** VM request received minus webhook sent. */
  sendToVmMs: Summary;
  neverDispatched: number;
  /** SQLite rows written over the load, by part (see rows.ts); total is what rowsPerMessage divides. */
  rows: RowsByPart;
  rowsPerMessage: number;
  /**
   * rows by part ÷ messages sent; null where the log lines do not report the part: outbox when
   * no pump line splits it out (it is then in run), statusCallbacks when callbacks that must
   * write were posted and no delivery_status line reported rows (see statusRowsReported).
   */
  rowsPerMessageByPart: { storing: number; run: number; outbox: number | null; statusCallbacks: number | null };
  /** rows.byTable ÷ messages sent: each step's rows per message by the table written. */
  rowsPerMessageByTable: RowsByStepAndTable;
  /** Status callbacks the Twilio emulator posted to the relay for this load's replies. */
  statusCallbacks: CallbacksPosted;
  /** Phones whose messages the Durable Object queued in another order than they were sent. */
  queuedOutOfOrder: number;
  replies: ReplyCheck;
  /** Last reply sent to Twilio minus the last webhook answered. */
  drainMs: number;
};

/**
 * A load's webhook latency by sender. On a load from new senders a phone's first message makes
 * its object (in the relay: the schema, the units' start), and the first requests of the load
 * wait for every object's start at once (bench/README.md, ingress).
 */
export type SenderSplit = {
  /** Each sender's first message, in send order: the one that makes its object. */
  firstMs: Summary;
  /** Messages sent once their sender's first message was answered (its 200: stored), so its object exists. */
  knownMs: Summary;
  /** A sender's later messages sent while its first was still unanswered: in neither. */
  whileFirstOpen: number;
};

export function splitBySender(samples: readonly Sample<Inbound>[]): SenderSplit {
  const bySent = [...samples].sort((a, b) => a.sentAt - b.sentAt);
  const first = new Map<string, Sample<Inbound>>();
  for (const s of bySent) if (!first.has(s.item.phone)) first.set(s.item.phone, s);
  const known: number[] = [];
  let whileFirstOpen = 0;
  for (const s of bySent) {
    const opener = first.get(s.item.phone)!;
    if (s === opener) continue;
    if (s.sentAt >= opener.respondedAt) known.push(s.doneAt - s.sentAt);
    else whileFirstOpen += 1;
  }
  return { firstMs: summarize([...first.values()].map((s) => s.doneAt - s.sentAt)), knownMs: summarize(known), whileFirstOpen };
}

export function measureClient(result: LoadResult<Inbound>, cpu: GroupCpu, disturbed = false): ClientMeasure {
  const { samples } = result;
  const perRequest = (ms: number) => (samples.length > 0 ? ms / samples.length : Number.NaN);
  return {
    disturbed,
    // A reload restarts workerd, and its CPU counter with it.
    cpuMsPerMessage: disturbed ? Number.NaN : perRequest(cpu.totalMs),
    workerdCpuMsPerMessage: disturbed ? Number.NaN : perRequest(cpu.workerdMs),
    requests: samples.length,
    non2xx: samples.filter((s) => s.status < 200 || s.status >= 300).length,
    timedOut: result.timedOut,
    webhookMs: summarize(samples.map((s) => s.doneAt - s.sentAt)),
    bySender: splitBySender(samples),
    perSecond: throughput(result),
  };
}

export type RelayObservations = {
  load: PlannedLoad;
  result: LoadResult<Inbound>;
  vmRequests: readonly VmArrival[];
  /** What the relay sent to Twilio, with the delivery status each reached (status callbacks follow it). */
  sent: readonly (Outbound & { status?: string })[];
  /** The Durable Objects' JSON log lines printed while this load ran and drained. */
  logs: readonly Record<string, unknown>[];
  lastReplyAt: number;
  cpu: GroupCpu;
  disturbed: boolean;
};

export function measureRelay(o: RelayObservations): RelayMeasure {
  const firstAtVm = new Map<string, number>();
  for (const request of o.vmRequests) {
    if (request.kind !== "start" && request.kind !== "input") continue;
    for (const { id } of request.messages ?? []) if (!firstAtVm.has(id)) firstAtVm.set(id, request.at);
  }
  const dispatch: number[] = [];
  const sendToVm: number[] = [];
  for (const s of o.result.samples) {
    const at = firstAtVm.get(s.item.sid);
    if (at === undefined || s.status !== 200) continue;
    dispatch.push(at - s.respondedAt);
    sendToVm.push(at - s.sentAt);
  }
  const rows = rowsByPart(o.logs);
  const callbacks = callbacksPosted(o.sent);
  const messages = o.load.lanes.flat();
  const { expected, outOfOrder } = expectedOrder(o.load, queuedOrder(o.logs));
  const client = measureClient(o.result, o.cpu, o.disturbed);
  const perMessage = (n: number) => (messages.length > 0 ? n / messages.length : Number.NaN);
  const perMessageOrNull = (n: number | null) => (n === null ? null : perMessage(n));
  const perTable = (tables: Record<string, number>) => Object.fromEntries(Object.entries(tables).map(([table, n]) => [table, perMessage(n)]));
  return {
    ...client,
    dispatchMs: summarize(dispatch),
    sendToVmMs: summarize(sendToVm),
    neverDispatched: messages.filter((m) => !firstAtVm.has(m.sid)).length,
    rows,
    rowsPerMessage: perMessage(rows.total),
    rowsPerMessageByPart: {
      storing: perMessage(rows.storing),
      run: perMessage(rows.run),
      outbox: perMessageOrNull(rows.outbox),
      statusCallbacks: perMessageOrNull(statusRowsReported(rows, callbacks) ? rows.statusCallbacks : null),
    },
    rowsPerMessageByTable: {
      storing: perTable(rows.byTable.storing),
      run: perTable(rows.byTable.run),
      statusCallbacks: perTable(rows.byTable.statusCallbacks),
    },
    statusCallbacks: callbacks,
    queuedOutOfOrder: outOfOrder,
    replies: checkReplies(expected, o.sent, new Set(o.result.samples.filter((s) => s.status !== 200).map((s) => s.item.text))),
    drainMs: o.lastReplyAt - o.result.endedAt,
  };
}

/**
 * The order each phone's answers must come in. Sent one after another, that is the send order
 * (and the Durable Object must have queued them so). Sent as a burst, no order exists until the
 * Durable Object queues them: then its queue order, read from its message_queued log lines.
 */
export function expectedOrder(load: PlannedLoad, queuedOrder: readonly string[]): { expected: Map<string, string[]>; outOfOrder: number } {
  const queuedRank = new Map(queuedOrder.map((sid, i) => [sid, i]));
  const byPhone = new Map<string, Inbound[]>();
  for (const m of load.lanes.flat()) {
    const list = byPhone.get(m.phone) ?? [];
    list.push(m);
    byPhone.set(m.phone, list);
  }
  const expected = new Map<string, string[]>();
  let outOfOrder = 0;
  for (const [phone, sent] of byPhone) {
    const rank = (m: Inbound) => queuedRank.get(m.sid) ?? Number.MAX_SAFE_INTEGER;
    const queued = [...sent].sort((a, b) => rank(a) - rank(b));
    if (!load.shape.burst && queued.some((m, i) => m !== sent[i])) outOfOrder += 1;
    expected.set(phone, (load.shape.burst ? queued : sent).map((m) => m.text));
  }
  return { expected, outOfOrder };
}
