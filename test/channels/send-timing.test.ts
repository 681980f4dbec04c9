// When the outbox may send to a chat, as its channel allows (src/channels/send-timing.ts).
import { describe, expect, it } from "vitest";
import { CHANNELS } from "../../src/channels";
import { isReplyWindowOpen } from "../../src/channels/send-timing";

const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);
const HOUR = 3600_000;

describe("isReplyWindowOpen", () => {
  it.each([
    { name: "WhatsApp, the user wrote an hour ago", channel: "whatsapp" as const, last: T0 - HOUR, open: true },
    { name: "WhatsApp, within a minute of the 24 hours (the margin)", channel: "whatsapp" as const, last: T0 - 24 * HOUR + 30_000, open: false },
    { name: "WhatsApp, a day and more ago", channel: "whatsapp" as const, last: T0 - 25 * HOUR, open: false },
    { name: "WhatsApp, the user never wrote there", channel: "whatsapp" as const, last: null, open: false },
    { name: "Telegram, no window: never written", channel: "telegram" as const, last: null, open: true },
    { name: "Telegram, no window: a month ago", channel: "telegram" as const, last: T0 - 30 * 24 * HOUR, open: true },
  ])("$name: $open", ({ channel, last, open }) => {
    expect(isReplyWindowOpen(CHANNELS[channel].limits, last, T0)).toBe(open);
  });

  it("counts a window of the length the channel states", () => {
    expect(isReplyWindowOpen({ replyWindowMs: 2 * HOUR }, T0 - HOUR, T0)).toBe(true);
    expect(isReplyWindowOpen({ replyWindowMs: 2 * HOUR }, T0 - 2 * HOUR, T0)).toBe(false);
  });
});
