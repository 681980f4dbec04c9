// What bounds the reply latency's tail: the slowest replies, each with the fault before it and where it waited.
import { expect, it } from "vitest";
import { maskPhone } from "../../../src/shared/phone";
import type { FaultRecord } from "../fault-injector";
import type { Ledger, Verdict } from "../ledger";
import { latencyBounds, tailSize } from "../latency-bounds";
import type { RelayEvent } from "../log-events";

const T0 = 1_000_000;
const A = "+15551230001";
const B = "+15551230002";
const at = (s: number) => T0 + s * 1000;
const verdict = (token: string, phone: string, acceptedS: number, replyS: number): Verdict => ({
  token,
  phone,
  outcome: "answered",
  replies: 1,
  acceptedAt: at(acceptedS),
  latencyMs: (replyS - acceptedS) * 1000,
  toldBy: null,
  unnamedIn: [],
});
const verdicts = [verdict("#1-1", A, 20, 40), verdict("#2-1", B, 50, 62), verdict("#1-3", A, 80, 89), verdict("#1-4", A, 90, 91)];
const ledger = { verdicts } as Ledger;
const texts = new Map([
  ["#1-1", "#1-1"],
  ["#2-1", "#2-1"],
  ["#1-3", "#1-3 [[slow 8000]]"],
  ["#1-4", "#1-4"],
]);
const faults: FaultRecord[] = [
  { event: { kind: "twilio_outage", at: 18_000, status: 503, forMs: 15_000 }, startedAt: at(18), endedAt: at(33), outcome: "done" },
  { event: { kind: "vm_crash", at: 52_000, downMs: 3_000 }, startedAt: at(52), endedAt: at(57.5), outcome: "done" },
  { event: { kind: "duplicate_webhook", at: 85_000, sender: 0, mode: "late" }, startedAt: at(85), endedAt: at(85.1), outcome: "done" },
];
const event = (s: number, name: string, phone: string, retryS: number | null = null): RelayEvent => ({
  at: at(s),
  event: name,
  detail: null,
  phone: maskPhone(phone),
  retryAt: retryS === null ? null : at(retryS),
});
const events: RelayEvent[] = [
  event(22, "outbox_retry", A, 23),
  event(23.1, "outbox_retry", A, 25.1),
  event(25.2, "outbox_retry", A, 29.2),
  event(29.3, "outbox_retry", A, 37.6),
  // Another phone's retries and a retry after the reply are not part of its story.
  event(30, "outbox_retry", B, 38),
  event(41, "outbox_retry", A, 42),
  event(52, "run_failure", B),
  event(52, "run_decision", B, 57),
];

it("explains each of the slowest replies by the fault before it and the wait that dominated", () => {
  expect(latencyBounds(ledger, texts, faults, events, T0)).toEqual([
    {
      token: "#1-1",
      latencyS: 20,
      acceptedAtS: 20,
      replyAtS: 40,
      fault: "twilio_outage 503 at +18.0 s, to +33.0 s",
      afterFaultS: 7,
      waits: { outboxS: 18, outboxRetries: 4, lastRetryGapS: 8.3, runRetries: 0, runBackoffS: 0, vmDownS: 0, workerDownS: 0, outageS: 13, slowTurnS: 0 },
      boundKind: "outbox",
      bound: "outbox 18 s (4 retries, last gap 8.3 s) of 20 s; after twilio_outage 503 at +18.0 s, to +33.0 s, reply 7 s after its end",
    },
    {
      token: "#2-1",
      latencyS: 12,
      acceptedAtS: 50,
      replyAtS: 62,
      fault: "vm_crash at +52.0 s, to +57.5 s",
      afterFaultS: 4.5,
      waits: { outboxS: 0, outboxRetries: 0, lastRetryGapS: null, runRetries: 1, runBackoffS: 5, vmDownS: 5.5, workerDownS: 0, outageS: 0, slowTurnS: 0 },
      boundKind: "VM restart",
      bound: "VM restart 5.5 s of 12 s; after vm_crash at +52.0 s, to +57.5 s, reply 4.5 s after its end",
    },
    {
      token: "#1-3",
      latencyS: 9,
      acceptedAtS: 80,
      replyAtS: 89,
      // A duplicate webhook is no disruption.
      fault: null,
      afterFaultS: null,
      waits: { outboxS: 0, outboxRetries: 0, lastRetryGapS: null, runRetries: 0, runBackoffS: 0, vmDownS: 0, workerDownS: 0, outageS: 0, slowTurnS: 8 },
      boundKind: "slow turn",
      bound: "its own slow turn 8 s of 9 s",
    },
  ]);
});

it("names the fault of the largest wait's kind, though another ended later", () => {
  const crashAfter: FaultRecord = { event: { kind: "vm_crash", at: 34_000, downMs: 3_000 }, startedAt: at(34), endedAt: at(36), outcome: "done" };
  const [first] = latencyBounds({ verdicts: [verdicts[0]!] } as Ledger, texts, [...faults, crashAfter], events, T0);
  expect(first).toMatchObject({ boundKind: "outbox", fault: "twilio_outage 503 at +18.0 s, to +33.0 s", afterFaultS: 7 });
  // A wait no fault makes (its own slow turn): the fault that ended last.
  const [second] = latencyBounds({ verdicts: [verdict("#1-9", A, 30, 40)] } as Ledger, new Map([["#1-9", "#1-9 [[slow 9000]]"]]), [...faults, crashAfter], events, T0);
  expect(second).toMatchObject({ boundKind: "slow turn", fault: "vm_crash at +34.0 s, to +36.0 s", afterFaultS: 4 });
});

it("says when nothing but the phone's own queue held a reply", () => {
  const quiet = { verdicts: [verdict("#1-4", A, 90, 91)] } as Ledger;
  expect(latencyBounds(quiet, texts, faults, events, T0).map((b) => [b.boundKind, b.bound])).toEqual([["queue", "no fault or retry: its phone's turns before it (1 s)"]]);
});

it("ignores messages without a reply", () => {
  const told = { verdicts: [{ ...verdict("#1-4", A, 90, 91), outcome: "told", replies: 0, latencyMs: null }] } as Ledger;
  expect(latencyBounds(told, texts, faults, events, T0)).toEqual([]);
});

it.each([
  [0, 0],
  [1, 1],
  [3, 3],
  [250, 3],
  [301, 4],
  [1_000, 11],
])("tailSize(%i) = %i: the slowest down to the p99's rank, at least three", (replies, size) => {
  expect(tailSize(replies)).toBe(size);
});
