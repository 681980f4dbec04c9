// Moves each accepted message through its delivery statuses and posts Twilio's signed status callbacks, in order.
import { setTimeout as sleep } from "node:timers/promises";
import { deliveryPlan } from "../core/delivery-plan";
import { phoneOf } from "../core/phone";
import { statusCallbackForm } from "../core/webhook-forms";
import type { OutboundMessage } from "../core/message-resource";
import type { MediaStore } from "./media-store";
import { fetchOutboundMedia } from "./outbound-media";
import { postSignedForm } from "./signed-post";
import type { Store } from "./store";

export type DeliveryOptions = {
  store: Store;
  media: MediaStore;
  newMediaSid: () => string;
  authToken: string;
  statusCallbacks: boolean;
  statusDelayMs: number;
  now: () => number;
  shutdown: AbortSignal;
};

export function createDeliveries(options: DeliveryOptions) {
  const running = new Set<Promise<void>>();

  async function deliver(message: OutboundMessage): Promise<void> {
    const { store, now, shutdown } = options;
    let mediaFailure = null;
    if (message.media.length > 0) {
      const fetched = await fetchOutboundMedia(message, { media: options.media, newMediaSid: options.newMediaSid, now, shutdown });
      store.setOutboundMedia(message.sid, fetched.media);
      mediaFailure = fetched.failure;
    }
    const planned = {
      to: message.to,
      sentAsTemplate: message.sentAsTemplate,
      buttonCount: message.buttons.length,
      contentBodyLength: message.contentSid ? message.body.length : null,
      mediaFailure,
    };
    const plan = deliveryPlan(planned, store.lastInboundAt(phoneOf(message.to)), message.createdAt);
    for (const step of plan) {
      await sleep(options.statusDelayMs, undefined, { signal: shutdown });
      store.setOutboundStatus(message.sid, { ...step, updatedAt: now() });
      if (options.statusCallbacks && message.statusCallback) {
        // Like Twilio, a callback the application fails to take is not retried.
        await postSignedForm(message.statusCallback, statusCallbackForm(message, step), options.authToken, shutdown);
      }
    }
  }

  return {
    start(message: OutboundMessage): void {
      const run = deliver(message).catch(() => {
        // Only a shutdown interrupts a delivery; nothing is left to record.
      });
      running.add(run);
      void run.finally(() => running.delete(run));
    },
    async settled(): Promise<void> {
      await Promise.all([...running]);
    },
  };
}

export type Deliveries = ReturnType<typeof createDeliveries>;
