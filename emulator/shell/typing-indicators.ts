// The typing bubble each simulated phone shows: on when the relay asks, off after WhatsApp's 25 s or at the next message.
import type { Store } from "./store";

export function createTypingIndicators(store: Store, typingMs: number) {
  const timers = new Map<string, NodeJS.Timeout>();

  function hide(phone: string): void {
    const timer = timers.get(phone);
    if (!timer) return;
    clearTimeout(timer);
    timers.delete(phone);
    store.publish(phone, { type: "typing", on: false });
  }

  return {
    show(phone: string): void {
      clearTimeout(timers.get(phone));
      timers.set(
        phone,
        setTimeout(() => hide(phone), typingMs),
      );
      store.publish(phone, { type: "typing", on: true });
    },
    hide,
    isOn(phone: string): boolean {
      return timers.has(phone);
    },
    closeAll(): void {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

export type TypingIndicators = ReturnType<typeof createTypingIndicators>;
