// Every message the soak sends, and its deliveries: new messages (from a sender, a burst or a
// racing duplicate), later redeliveries of accepted ones, and the wait for all of them to end.
import { messageSid } from "../lib/webhooks";
import type { SentMessage } from "./ledger";
import { deliver, type WebhookTarget } from "./webhooks";

/** Webhook posts in all, those not answered 200 (retried), and duplicate deliveries. */
export type DeliveryStats = { posts: number; non200: number; duplicates: number };

export type Traffic = {
  readonly messages: readonly SentMessage[];
  /** A new message from sender `index` (0-based); `slowMs` makes the offline model take that long. */
  create(index: number, slowMs: number): SentMessage;
  /** Delivers it, `copies` times at once (2: Twilio retrying a webhook it thinks timed out). */
  send(message: SentMessage, copies?: number): Promise<void>;
  /** Delivers an accepted message again, with the same MessageSid. */
  redeliver(message: SentMessage): Promise<void>;
  latestAccepted(index: number): SentMessage | undefined;
  /** Every delivery of it ended without a 200. */
  isRefused(token: string): boolean;
  /** Resolves once no delivery is under way. */
  idle(): Promise<void>;
  /** Stops every delivery: no more attempts, those under way aborted. */
  abort(): void;
  stats(): DeliveryStats;
};

export function createTraffic(target: WebhookTarget, phones: readonly string[]): Traffic {
  const messages: (SentMessage & { sid: string; sender: number })[] = [];
  const counters = phones.map(() => 0);
  const inFlight = new Set<Promise<void>>();
  const delivering = new Map<string, number>();
  const aborter = new AbortController();
  const stats: DeliveryStats = { posts: 0, non200: 0, duplicates: 0 };
  let sids = 0;

  const track = (delivery: Promise<void>): Promise<void> => {
    inFlight.add(delivery);
    void delivery.finally(() => inFlight.delete(delivery));
    return delivery;
  };
  const deliverOnce = async (message: SentMessage & { sid: string }) => {
    delivering.set(message.token, (delivering.get(message.token) ?? 0) + 1);
    const outcome = await deliver(target, message, (at) => {
      message.acceptedAt ??= at;
    }, aborter.signal).finally(() => delivering.set(message.token, (delivering.get(message.token) ?? 1) - 1));
    stats.posts += outcome.statuses.length;
    stats.non200 += outcome.statuses.filter((s) => s !== 200).length;
  };

  return {
    messages,
    create(index, slowMs) {
      const phone = phones[index];
      if (phone === undefined) throw new RangeError(`no sender ${index}`);
      counters[index]! += 1;
      const token = `#${index + 1}-${counters[index]}`;
      const text = slowMs > 0 ? `${token} [[slow ${slowMs}]]` : token;
      const message = { token, phone, text, sid: messageSid(++sids), sender: index, firstPostAt: Date.now(), acceptedAt: null };
      messages.push(message);
      return message;
    },
    send(message, copies = 1) {
      const known = messages.find((m) => m.token === message.token);
      if (!known) throw new Error(`unknown message ${message.token}`);
      known.firstPostAt = Date.now();
      stats.duplicates += copies - 1;
      return track(Promise.all(Array.from({ length: copies }, () => deliverOnce(known))).then(() => undefined));
    },
    redeliver(message) {
      const known = messages.find((m) => m.token === message.token);
      if (!known) throw new Error(`unknown message ${message.token}`);
      stats.duplicates++;
      return track(deliverOnce(known));
    },
    latestAccepted(index) {
      return messages.filter((m) => m.sender === index && m.acceptedAt !== null).at(-1);
    },
    isRefused(token) {
      const message = messages.find((m) => m.token === token);
      return message !== undefined && message.acceptedAt === null && (delivering.get(token) ?? 0) === 0;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    abort: () => aborter.abort(),
    stats: () => ({ ...stats }),
  };
}
