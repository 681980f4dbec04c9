// The soak's figures and its account of losses: from a ledger, fault records and relay events.
import { expect, it } from "vitest";
import type { FaultRecord } from "../fault-injector";
import type { LatencyBound } from "../latency-bounds";
import type { Ledger } from "../ledger";
import { explain, soakFigures, soakPassed } from "../report";

const T0 = 1_000_000;
const verdict = (token: string, outcome: "answered" | "lost" | "doubled" | "told", acceptedAt: number, latencyMs: number | null) => ({
  token,
  phone: "+15551230001",
  outcome,
  replies: outcome === "doubled" ? 2 : outcome === "answered" ? 1 : 0,
  acceptedAt,
  latencyMs,
  toldBy: null,
  unnamedIn: [],
});
const ledger: Ledger = {
  accepted: 4,
  refused: 1,
  answered: 1,
  doubled: 1,
  told: 1,
  lost: 1,
  latenciesMs: [2_000, 4_000],
  verdicts: [verdict("#1-1", "answered", T0 + 1_000, 2_000), verdict("#1-2", "lost", T0 + 20_000, null), verdict("#1-3", "doubled", T0 + 90_000, 4_000), verdict("#1-4", "told", T0 + 95_000, null)],
  outbound: { replies: 3, acks: 2, notices: 1, unlistedNotices: 0, sessionLost: 0, progress: 0, other: 0 },
  otherBodies: [],
  strayTokens: [],
};
const faults: FaultRecord[] = [
  { event: { kind: "twilio_outage", at: 18_000, status: 503, forMs: 15_000 }, startedAt: T0 + 18_000, endedAt: T0 + 33_000, outcome: "done" },
  { event: { kind: "vm_crash", at: 40_000, downMs: 3_000 }, startedAt: T0 + 40_000, endedAt: T0 + 45_500, outcome: "done" },
  { event: { kind: "worker_crash", at: 200_000 }, startedAt: null, endedAt: null, outcome: "skipped" },
  { event: { kind: "duplicate_webhook", at: 21_000, sender: 0, mode: "late" }, startedAt: T0 + 21_000, endedAt: T0 + 21_100, outcome: "done" },
];

it("explains each lost or doubled message by the faults and its phone's relay events from its acceptance to the relay giving up", () => {
  const events = [
    { at: T0 + 22_000, event: "outbox_retry", detail: "20500", phone: "+1555***0001", retryAt: null },
    { at: T0 + 25_000, event: "outbox_failed", detail: "20500", phone: "+1555***0001", retryAt: null },
    { at: T0 + 26_000, event: "outbox_failed", detail: "20500", phone: null, retryAt: null },
    { at: T0 + 26_000, event: "outbox_failed", detail: "20500", phone: "+1555***0002", retryAt: null },
    { at: T0 + 26_500, event: "delivery_status", detail: null, phone: "+1555***0001", retryAt: null },
    { at: T0 + 500_000, event: "outbox_failed", detail: "20429", phone: "+1555***0001", retryAt: null },
  ];
  expect(explain(ledger, faults, events, T0)).toEqual([
    // Given up at +25 s, inside the outage: the VM crash at +40 s is not part of the story.
    { token: "#1-2", phone: "+15551230001", outcome: "lost", acceptedAtS: 20, outboxFailedAtS: 25, faults: ["twilio_outage 503 at +18.0 s"], relayEvents: { "outbox_retry:20500": 1, "outbox_failed:20500": 1 }, unnamedIn: [] },
    { token: "#1-3", phone: "+15551230001", outcome: "doubled", acceptedAtS: 90, outboxFailedAtS: null, faults: [], relayEvents: {}, unnamedIn: [] },
  ]);
});

const noWaits = { outboxS: 0, outboxRetries: 0, lastRetryGapS: null, runRetries: 0, runBackoffS: 0, vmDownS: 0, workerDownS: 0, outageS: 0, slowTurnS: 0 };
const bound = (token: string, latencyS: number, boundKind: LatencyBound["boundKind"], words: string): LatencyBound => ({
  token,
  latencyS,
  acceptedAtS: 90,
  replyAtS: 90 + latencyS,
  fault: null,
  afterFaultS: null,
  waits: noWaits,
  boundKind,
  bound: words,
});
const bounds = [bound("#1-3", 4, "outbox", "outbox 3.5 s (2 retries, last gap 2 s) of 4 s"), bound("#1-1", 2, "queue", "no fault or retry")];

it("judges lost and doubled against zero and reports the rest", () => {
  const figures = soakFigures({ ledger, faults, deliveries: { posts: 9, non200: 3, duplicates: 2 }, unplannedExits: 0, bounds });
  const byName = Object.fromEntries(figures.map((f) => [f.name, f]));
  expect(byName["messages accepted"]).toMatchObject({ value: 4 });
  expect(byName["lost"]).toMatchObject({ value: 1, pass: false });
  expect(byName["doubled"]).toMatchObject({ value: 1, pass: false });
  expect(byName["told"]).toMatchObject({ value: 1 });
  expect(byName["reply latency p50"]).toMatchObject({ value: 2, unit: "s" });
  expect(byName["reply latency p99"]).toMatchObject({ value: 4, unit: "s", target: "≤ 20 s", pass: true });
  expect(byName["p99 bounded by"]).toMatchObject({ value: "outbox", note: "#1-3: outbox 3.5 s (2 retries, last gap 2 s) of 4 s" });
  expect(byName["fault: twilio_outage"]).toMatchObject({ value: 1, note: "503 for 15.0 s" });
  expect(byName["fault: vm_crash"]).toMatchObject({ value: 1, note: "back after 5.5 s" });
  expect(byName["fault: worker_crash"]).toMatchObject({ value: 0, note: "1 not started" });
  expect(byName["unplanned exits"]).toBeUndefined();
  expect(soakPassed(ledger)).toBe(false);
  expect(soakPassed({ ...ledger, lost: 0, doubled: 0 })).toBe(true);
});

it("judges the reply p99 against 20 s, and says nothing of what bounds it without replies", () => {
  const slow = { ...ledger, latenciesMs: [2_000, 21_000] };
  const figures = soakFigures({ ledger: slow, faults, deliveries: { posts: 0, non200: 0, duplicates: 0 }, unplannedExits: 0, bounds: [bound("#1-3", 21, "VM restart", "VM restart 5 s of 21 s")] });
  expect(figures.find((f) => f.name === "reply latency p99")).toMatchObject({ value: 21, pass: false });
  expect(figures.find((f) => f.name === "p99 bounded by")).toMatchObject({ value: "VM restart" });
  const none = soakFigures({ ledger: { ...ledger, latenciesMs: [] }, faults, deliveries: { posts: 0, non200: 0, duplicates: 0 }, unplannedExits: 0, bounds: [] });
  expect(none.find((f) => f.name === "reply latency p99")).toMatchObject({ pass: null });
  expect(none.find((f) => f.name === "p99 bounded by")).toBeUndefined();
});

it("counts the sends found in flight and the ones resent unchecked, whatever their detail", () => {
  const relayEvents = { "outbox_in_flight_found": 2, "outbox_resent_unverified:no_record": 1, "outbox_resent_unverified:20500": 1, "outbox_retry:network": 3 };
  const figures = soakFigures({ ledger, faults, deliveries: { posts: 0, non200: 0, duplicates: 0 }, unplannedExits: 0, bounds, relayEvents });
  expect(figures.find((f) => f.name === "sends found in flight")).toMatchObject({ value: 2 });
  expect(figures.find((f) => f.name === "sends resent unchecked")).toMatchObject({ value: 2 });
});

it("fails a run in which a child died by itself", () => {
  const figures = soakFigures({ ledger, faults, deliveries: { posts: 0, non200: 0, duplicates: 0 }, unplannedExits: 1, bounds });
  expect(figures.find((f) => f.name === "unplanned exits")).toMatchObject({ value: 1, pass: false });
});

it("counts the replies an outage held and takes the outage time out of each for the p99 beyond outages", () => {
  // #1-1 waits 20 s from +10 s, 12 s of it in the outage (+18 to +33): 8 s beyond it; #1-3 and #1-5 see none.
  const verdicts = [verdict("#1-1", "answered", T0 + 10_000, 20_000), verdict("#1-2", "lost", T0 + 20_000, null), verdict("#1-3", "answered", T0 + 90_000, 4_000), verdict("#1-5", "answered", T0 + 40_000, 6_000)];
  const held = { ...ledger, verdicts, latenciesMs: [20_000, 4_000, 6_000] };
  const byName = Object.fromEntries(soakFigures({ ledger: held, faults, deliveries: { posts: 0, non200: 0, duplicates: 0 }, unplannedExits: 0, bounds: [] }).map((f) => [f.name, f]));
  expect(byName["replies an outage held"]).toMatchObject({ value: 1, note: "33.3 % of 3 replied: a p99 under an outage's length needs under 1 %" });
  expect(byName["reply latency p99 beyond outages"]).toMatchObject({ value: 8, unit: "s" });
  expect(byName["reply latency p99"]).toMatchObject({ value: 20, pass: true });
  const none = soakFigures({ ledger: { ...ledger, verdicts: [verdict("#1-2", "lost", T0, null)], latenciesMs: [] }, faults, deliveries: { posts: 0, non200: 0, duplicates: 0 }, unplannedExits: 0, bounds: [] });
  expect(none.find((f) => f.name === "replies an outage held")).toBeUndefined();
});
