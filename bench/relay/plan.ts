// What the relay benchmark sends: each load's phones and texts, unique per round, as lanes.
import { type Inbound, messageSid } from "../lib/webhooks";

export type LoadShape = {
  key: string;
  label: string;
  phones: number;
  messagesPerPhone: number;
  concurrency: number;
  /** One phone's messages all in flight together (a burst) rather than one after another. */
  burst: boolean;
  /**
   * Each message its own lane, taken round-robin across phones (every phone's first message,
   * then every phone's second…), so more may be in flight than there are phones: a phone has
   * at most ceil(concurrency / phones) at once, and its order is not defined.
   */
  spread?: boolean;
};

export type PlannedLoad = { shape: LoadShape; lanes: Inbound[][]; phones: string[] };

export function loadShapes(quick: boolean): LoadShape[] {
  const scale = quick ? 10 : 1;
  return [
    { key: "c50", label: "whole path, agent up: 100 phones, 50 in flight", phones: 100 / scale, messagesPerPhone: 10, concurrency: 50, burst: false },
    { key: "c5", label: "whole path, agent up: 100 phones, 5 in flight", phones: 100 / scale, messagesPerPhone: 10, concurrency: 5, burst: false },
    { key: "burst", label: "whole path, agent up: burst on 1 phone, 50 in flight", phones: 1, messagesPerPhone: 200 / scale, concurrency: 50, burst: true },
    // One message at a time: dispatch latency when the runtime is not saturated.
    { key: "c1", label: "whole path, agent up: 20 phones, 1 in flight", phones: 20 / scale, messagesPerPhone: 5, concurrency: 1, burst: false },
  ];
}

/**
 * Not a judged load: the same webhooks from senders that are not on the allowlist, so the relay
 * checks the signature, parses the form and answers 200 without touching a Durable Object.
 * Against the floor it shows what the Worker's own checks cost, apart from storing and the
 * agent work that follows. Its load index is past the judged shapes', so its phones are never allowed.
 */
export const WORKER_ALONE_LOAD_INDEX = 9;
export function workerAloneShape(quick: boolean): LoadShape {
  const scale = quick ? 10 : 1;
  return { key: "alone", label: "Worker alone, senders not allowed, 50 in flight", phones: 100 / scale, messagesPerPhone: 10, concurrency: 50, burst: false };
}

/**
 * Phone numbers are +1555 then round, load and sender digits, so every round and load talks to
 * fresh Durable Objects and every round pays the same first-message cost. Round 0 is warm-up.
 */
export function phoneOf(round: number, load: number, sender: number): string {
  return `+1555${round % 10}${load % 10}${String(sender).padStart(5, "0")}`;
}

let sidCounter = 0;

export function planLoad(shape: LoadShape, round: number, loadIndex: number): PlannedLoad {
  const phones = Array.from({ length: shape.phones }, (_, p) => phoneOf(round, loadIndex, p));
  const messagesOf = (phone: string, p: number) =>
    Array.from({ length: shape.messagesPerPhone }, (_, m): Inbound => ({
      phone,
      // No " | " inside: the stand-in joins a turn's texts with it.
      text: `r${round}-${shape.key}-p${p}-m${m}`,
      sid: messageSid(++sidCounter),
    }));
  const perPhone = phones.map(messagesOf);
  // A burst sends one phone's messages concurrently: each its own lane. Otherwise a phone is a lane.
  const lanes = shape.burst ? perPhone.flat().map((m) => [m]) : shape.spread ? roundRobin(perPhone).map((m) => [m]) : perPhone;
  return { shape, lanes, phones };
}

/** Every list's first item, then every list's second, and so on. */
export function roundRobin<T>(lists: readonly (readonly T[])[]): T[] {
  const longest = Math.max(0, ...lists.map((l) => l.length));
  return Array.from({ length: longest }, (_, i) => lists.flatMap((l) => (i < l.length ? [l[i]!] : []))).flat();
}

/** Every phone any round may use, for ALLOWED_SENDERS. */
export function allPhones(shapes: readonly LoadShape[], rounds: number): string[] {
  return Array.from({ length: rounds + 1 }, (_, round) => shapes.flatMap((shape, l) => Array.from({ length: shape.phones }, (_, p) => phoneOf(round, l, p)))).flat();
}
