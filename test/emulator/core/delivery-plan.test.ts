// The statuses a message moves through, WhatsApp's 24-hour window, templates, buttons and media failures included, as a pure table.
import { describe, expect, it } from "vitest";
import { deliveryPlan, isOutsideWindow, type PlannedMessage } from "../../../emulator/core/delivery-plan";
import { DeliveryFailures } from "../../../emulator/core/twilio-errors";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 15, 12);
const WA = "whatsapp:+15551230001";

const text = (to = WA): PlannedMessage => ({ to, sentAsTemplate: false, buttonCount: 0, contentBodyLength: null, mediaFailure: null });
const template = { ...text(), sentAsTemplate: true };
const quickReply = (buttonCount: number, sentAsTemplate = false) => ({ ...text(), buttonCount, sentAsTemplate });

describe("deliveryPlan", () => {
  it.each([
    ["WhatsApp text, user never wrote", text(), undefined, ["sent", "delivered", "read"], null],
    ["WhatsApp text, user wrote 1 h ago", text(), NOW - HOUR, ["sent", "delivered", "read"], null],
    ["WhatsApp text, user wrote exactly 24 h ago", text(), NOW - 24 * HOUR, ["sent", "delivered", "read"], null],
    ["WhatsApp text, user wrote 24 h + 1 ms ago", text(), NOW - 24 * HOUR - 1, ["failed"], 63016],
    ["approved template, user wrote a week ago", template, NOW - 168 * HOUR, ["sent", "delivered", "read"], null],
    ["unapproved quick reply outside the window", quickReply(3), NOW - 25 * HOUR, ["failed"], 63016],
    ["unapproved quick reply with 3 buttons in session", quickReply(3), NOW - HOUR, ["sent", "delivered", "read"], null],
    ["unapproved quick reply with 4 buttons in session", quickReply(4), NOW - HOUR, ["failed"], 63005],
    ["approved quick reply with 10 buttons outside the window", quickReply(10, true), NOW - 48 * HOUR, ["sent", "delivered", "read"], null],
    ["a quick reply whose text renders to 1024 characters", { ...quickReply(3), contentBodyLength: 1024 }, NOW - HOUR, ["sent", "delivered", "read"], null],
    ["a quick reply whose text renders over 1024 characters", { ...quickReply(3), contentBodyLength: 1025 }, NOW - HOUR, ["failed"], 63021],
    ["an approved template whose text renders over 1024 characters", { ...template, contentBodyLength: 1300 }, NOW - 48 * HOUR, ["failed"], 63021],
    ["a plain Body of 1600 characters", { ...text() }, NOW - HOUR, ["sent", "delivered", "read"], null],
    ["media that failed to download", { ...text(), mediaFailure: DeliveryFailures.mediaDownload }, NOW - HOUR, ["failed"], 63019],
    ["media failure outside the window: the media is fetched first", { ...text(), mediaFailure: DeliveryFailures.mediaTooLarge }, NOW - 48 * HOUR, ["failed"], 11751],
    ["SMS text, no window and no read receipts", text("+15551230001"), NOW - 168 * HOUR, ["sent", "delivered"], null],
  ])("%s", (_name, message, lastInboundAt, statuses, errorCode) => {
    const plan = deliveryPlan(message, lastInboundAt, NOW);
    expect(plan.map((step) => step.status)).toEqual(statuses);
    expect(plan.find((step) => step.status === "failed")?.errorCode ?? null).toBe(errorCode);
  });
});

describe("isOutsideWindow", () => {
  it.each([
    [undefined, false],
    [NOW, false],
    [NOW - 24 * HOUR, false],
    [NOW - 24 * HOUR - 1, true],
  ])("last inbound %s → %s", (lastInboundAt, outside) => {
    expect(isOutsideWindow(lastInboundAt, NOW)).toBe(outside);
  });
});
