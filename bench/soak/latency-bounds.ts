// What bounds the soak's reply latency at its tail: for each of the slowest replies, the last
// crash or outage between the message's acceptance and its reply, and where the reply waited
// (on the outbox's retries, on run retries, on a VM or Worker restart, on its own slow turn).
// Pure: from the ledger, the fault records and the relay's log events the soak already has.
import { maskPhone } from "../../src/shared/phone";
import type { FaultRecord } from "./fault-injector";
import type { Ledger, Verdict } from "./ledger";
import type { RelayEvent } from "./log-events";

export type Waits = {
  /** From the phone's first failed send (an `outbox_retry`) in the span to the reply. */
  outboxS: number;
  outboxRetries: number;
  /** The backoff the outbox chose at its last retry in the span (retryAt minus the failure). */
  lastRetryGapS: number | null;
  /** Run retries the relay planned in the span, and their backoffs summed. */
  runRetries: number;
  runBackoffS: number;
  /** How much of the span the VM, the Worker or Twilio was down. */
  vmDownS: number;
  workerDownS: number;
  outageS: number;
  /** The offline model's `[[slow N]]` in the message itself. */
  slowTurnS: number;
};

export type BoundKind = "outbox" | "run retries" | "VM restart" | "Worker restart" | "slow turn" | "queue";

export type LatencyBound = {
  token: string;
  latencyS: number;
  /** Seconds after the faults began. */
  acceptedAtS: number;
  replyAtS: number;
  /**
   * The crash or outage in the span that ended last, of the kind that caused the largest wait if
   * there was one (an outage for the outbox), e.g. "twilio_outage 503 at +21.4 s, to +36.0 s".
   */
  fault: string | null;
  /** From that fault's end to the reply (for an outage: how soon the outbox retried after it). */
  afterFaultS: number | null;
  waits: Waits;
  /** The largest wait (`queue`: none, the phone's earlier turns), and it in words. */
  boundKind: BoundKind;
  bound: string;
};

const DISRUPTIVE = new Set(["vm_crash", "worker_crash", "twilio_outage"]);
/** The faults that make each kind of wait: the one named with a reply is of its largest wait's kind when one was under way. */
const CAUSES: Record<BoundKind, readonly string[]> = {
  outbox: ["twilio_outage"],
  "run retries": ["vm_crash", "worker_crash"],
  "VM restart": ["vm_crash"],
  "Worker restart": ["worker_crash"],
  "slow turn": [],
  queue: [],
};
const SLOW = /\[\[slow (\d+)\]\]/;
const s = (ms: number) => Math.round(ms / 100) / 10;

/** How many of the slowest replies to explain: down to the p99 (by nearest rank, as bench/lib/stats), at least three. */
export function tailSize(replies: number): number {
  return Math.min(replies, Math.max(3, replies - Math.ceil((99 / 100) * replies) + 1));
}

function overlapMs(from: number, to: number, start: number | null, end: number | null): number {
  if (start === null) return 0;
  return Math.max(0, Math.min(to, end ?? start) - Math.max(from, start));
}

function faultLabel(record: FaultRecord, t0: number): string {
  const e = record.event;
  const what = e.kind === "twilio_outage" ? `${e.kind} ${e.status}` : e.kind;
  const end = record.endedAt === null ? "" : `, to +${s(record.endedAt - t0).toFixed(1)} s`;
  return `${what} at +${s((record.startedAt ?? t0 + e.at) - t0).toFixed(1)} s${end}`;
}

function describe(w: Waits, latencyS: number): { boundKind: BoundKind; words: string } {
  const candidates: [number, BoundKind, string][] = [
    [w.outboxS, "outbox", `outbox ${w.outboxS} s (${w.outboxRetries} ${w.outboxRetries === 1 ? "retry" : "retries"}${w.lastRetryGapS === null ? "" : `, last gap ${w.lastRetryGapS} s`})`],
    [w.runBackoffS, "run retries", `run retries ${w.runBackoffS} s of backoff (${w.runRetries})`],
    [w.vmDownS, "VM restart", `VM restart ${w.vmDownS} s`],
    [w.workerDownS, "Worker restart", `Worker restart ${w.workerDownS} s`],
    [w.slowTurnS, "slow turn", `its own slow turn ${w.slowTurnS} s`],
  ];
  const [top, boundKind, words] = candidates.reduce((a, b) => (b[0] > a[0] ? b : a));
  return top > 0 ? { boundKind, words: `${words} of ${latencyS} s` } : { boundKind: "queue", words: `no fault or retry: its phone's turns before it (${latencyS} s)` };
}

/**
 * Every reply set against the Twilio outages it waited through: how many overlapped one, and each
 * latency less the outage time within it. A reply caught by an outage waits at least the rest of
 * that outage, so when more than 1 % of replies are, the p99 cannot be under the outages' length;
 * what is left after taking the outages out is the relay's own share of the wait.
 */
export function outageHolds(verdicts: readonly Verdict[], faults: readonly FaultRecord[]): { replied: number; held: number; beyondOutagesMs: number[] } {
  const outages = faults.filter((f) => f.event.kind === "twilio_outage");
  let held = 0;
  const beyondOutagesMs: number[] = [];
  for (const v of verdicts) {
    if (v.latencyMs === null) continue;
    const outageMs = outages.reduce((sum, f) => sum + overlapMs(v.acceptedAt, v.acceptedAt + v.latencyMs!, f.startedAt, f.endedAt), 0);
    if (outageMs > 0) held++;
    beyondOutagesMs.push(v.latencyMs - outageMs);
  }
  return { replied: beyondOutagesMs.length, held, beyondOutagesMs };
}

export function latencyBounds(
  ledger: Ledger,
  texts: ReadonlyMap<string, string>,
  faults: readonly FaultRecord[],
  events: readonly RelayEvent[],
  t0: number,
): LatencyBound[] {
  const replied = ledger.verdicts.filter((v) => v.latencyMs !== null).sort((a, b) => b.latencyMs! - a.latencyMs! || a.token.localeCompare(b.token));
  return replied.slice(0, tailSize(replied.length)).map((v) => {
    const from = v.acceptedAt;
    const to = v.acceptedAt + v.latencyMs!;
    const masked = maskPhone(v.phone);
    const mine = events.filter((e) => e.phone === masked && e.at >= from && e.at <= to);
    const outbox = mine.filter((e) => e.event === "outbox_retry");
    const lastOutbox = outbox.at(-1);
    const runRetries = mine.filter((e) => e.event === "run_decision" && e.retryAt !== null);
    const down = (kind: string) => s(faults.filter((f) => f.event.kind === kind).reduce((sum, f) => sum + overlapMs(from, to, f.startedAt, f.endedAt), 0));
    const slow = SLOW.exec(texts.get(v.token) ?? "");
    const waits: Waits = {
      outboxS: outbox.length > 0 ? s(to - outbox[0]!.at) : 0,
      outboxRetries: outbox.length,
      lastRetryGapS: lastOutbox && lastOutbox.retryAt !== null ? s(lastOutbox.retryAt - lastOutbox.at) : null,
      runRetries: runRetries.length,
      runBackoffS: s(runRetries.reduce((sum, e) => sum + Math.max(0, e.retryAt! - e.at), 0)),
      vmDownS: down("vm_crash"),
      workerDownS: down("worker_crash"),
      outageS: down("twilio_outage"),
      slowTurnS: slow ? s(Number(slow[1])) : 0,
    };
    const latencyS = s(v.latencyMs!);
    const { boundKind, words } = describe(waits, latencyS);
    const overlapping = faults
      .filter((f) => DISRUPTIVE.has(f.event.kind) && f.startedAt !== null && f.startedAt <= to && (f.endedAt ?? f.startedAt) >= from)
      .sort((a, b) => (a.endedAt ?? a.startedAt!) - (b.endedAt ?? b.startedAt!));
    const under = overlapping.filter((f) => CAUSES[boundKind].includes(f.event.kind)).at(-1) ?? overlapping.at(-1);
    const fault = under ? faultLabel(under, t0) : null;
    const afterFaultS = under?.endedAt != null && under.endedAt <= to ? s(to - under.endedAt) : null;
    const after = fault ? `; after ${fault}${afterFaultS === null ? "" : `, reply ${afterFaultS} s after its end`}` : "";
    return { token: v.token, latencyS, acceptedAtS: s(from - t0), replyAtS: s(to - t0), fault, afterFaultS, waits, boundKind, bound: `${words}${after}` };
  });
}
