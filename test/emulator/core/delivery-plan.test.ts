// The statuses a message moves through, WhatsApp's 24-hour window included, as a pure table.
import { describe, expect, it } from "vitest";
import { deliveryPlan, isOutsideWindow } from "../../../emulator/core/delivery-plan";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 15, 12);
const TEMPLATE = `HX${"0".repeat(32)}`;

describe("deliveryPlan", () => {
  it.each([
    ["WhatsApp text, user never wrote", "whatsapp:+15551230001", undefined, undefined, ["sent", "delivered", "read"]],
    ["WhatsApp text, user wrote 1 h ago", "whatsapp:+15551230001", undefined, NOW - HOUR, ["sent", "delivered", "read"]],
    ["WhatsApp text, user wrote exactly 24 h ago", "whatsapp:+15551230001", undefined, NOW - 24 * HOUR, ["sent", "delivered", "read"]],
    ["WhatsApp text, user wrote 24 h + 1 ms ago", "whatsapp:+15551230001", undefined, NOW - 24 * HOUR - 1, ["failed"]],
    ["WhatsApp template, user wrote a week ago", "whatsapp:+15551230001", TEMPLATE, NOW - 168 * HOUR, ["sent", "delivered", "read"]],
    ["SMS text, no window and no read receipts", "+15551230001", undefined, NOW - 168 * HOUR, ["sent", "delivered"]],
  ])("%s", (_name, to, contentSid, lastInboundAt, statuses) => {
    const plan = deliveryPlan({ to, contentSid }, lastInboundAt, NOW);
    expect(plan.map((step) => step.status)).toEqual(statuses);
    const failed = plan.find((step) => step.status === "failed");
    expect(failed?.errorCode ?? null).toBe(statuses.includes("failed") ? 63016 : null);
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
