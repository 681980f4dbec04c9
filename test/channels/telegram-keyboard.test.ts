import { describe, expect, it } from "vitest";
import { buttonPayload } from "../../src/approvals/approvals";
import { UNDO_BUTTONS } from "../../src/changes/run-change";
import { CALLBACK_DATA_MAX_BYTES, inlineKeyboard, tapAnswerText } from "../../src/channels/telegram/keyboard";
import { TAP_TOASTS } from "../../src/agent/tap-toasts";

describe("inlineKeyboard", () => {
  it("an approval's three buttons in one row, carrying WhatsApp's payloads", () => {
    const buttons = (["yes", "no", "always"] as const).map((answer) => ({ title: answer, id: buttonPayload(12, answer) }));
    expect(inlineKeyboard(buttons)).toEqual({
      inline_keyboard: [
        [
          { text: "yes", callback_data: "approval:12:yes" },
          { text: "no", callback_data: "approval:12:no" },
          { text: "always", callback_data: "approval:12:always" },
        ],
      ],
    });
  });

  it("/undo's question", () => {
    expect(inlineKeyboard(UNDO_BUTTONS)).toEqual({ inline_keyboard: [[{ text: "Yes", callback_data: "undo:yes" }, { text: "No", callback_data: "undo:no" }]] });
  });

  it("more than three go on further rows", () => {
    const buttons = Array.from({ length: 5 }, (_, i) => ({ title: `b${i}`, id: `x:${i}` }));
    expect(inlineKeyboard(buttons).inline_keyboard.map((row) => row.length)).toEqual([3, 2]);
  });

  it("the largest approval id still fits 64 bytes", () => {
    expect(new TextEncoder().encode(buttonPayload(999_999_999_999, "always")).byteLength).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
  });

  it.each([
    ["a payload of 65 bytes", { title: "t", id: "x".repeat(65) }],
    ["64 characters that are more bytes", { title: "t", id: "é".repeat(33) }],
    ["an empty payload", { title: "t", id: "" }],
    ["an empty title", { title: " ", id: "x" }],
  ])("refuses %s", (_, button) => {
    expect(() => inlineKeyboard([button])).toThrow(RangeError);
  });

  it("takes a payload of exactly 64 bytes", () => {
    expect(() => inlineKeyboard([{ title: "t", id: "x".repeat(64) }])).not.toThrow();
  });
});

describe("tapAnswerText", () => {
  it.each([
    ["approval:3:yes", "taken", "Yes ✓"],
    ["approval:3:always", "taken", "Always ✓"],
    ["approval:3:no", "expired", "This approval has expired."],
    ["undo:yes", "taken", "Undoing ✓"],
    ["undo:no", "taken", "Kept ✓"],
    ["undo:no", "expired", "This question has expired."],
    ["ship:yes", "taken", "Shipping ✓"],
    ["ship:no", "taken", "Cancelled ✓"],
    ["ship:yes", "expired", "This question has expired."],
    ["plan:4:ask", "taken", "Going ahead, asking before edits ✓"],
    ["plan:4:accept", "taken", "Going ahead, edits accepted ✓"],
    ["plan:4:change", "taken", "Send your change ✓"],
    ["plan:4:accept", "expired", "This question has expired."],
    ["plan:4:later", "taken", "✓"],
    ["whatever", "unknown", "This button is not one of mine."],
  ] as const)("%s %s", (payload, outcome, text) => {
    const answer = tapAnswerText(payload, outcome, TAP_TOASTS);
    expect(answer).toBe(text);
    expect(answer.length).toBeLessThanOrEqual(200);
  });
});
