import { describe, expect, it } from "vitest";
import { NOT_ALLOWED, routeTelegramUpdate, WELCOME } from "../../src/channels/telegram/webhook-route";

const ALLOWED = "1001";
const ADMIN = "2002";
const STRANGER = "3003";
const access = { allowed: new Set([ALLOWED]), admins: new Set([ADMIN]) };

const message = (from: string, extra: Record<string, unknown>, chatType = "private") => ({
  update_id: 5,
  message: { message_id: 1, from: { id: Number(from), is_bot: false, first_name: "U" }, chat: { id: chatType === "private" ? Number(from) : -77, type: chatType }, date: 1, ...extra },
});
const tap = (from: string) => ({ update_id: 6, callback_query: { id: "q1", from: { id: Number(from), is_bot: false, first_name: "U" }, chat_instance: "1", data: "approval:1:yes", message: { message_id: 9, chat: { id: Number(from), type: "private" }, date: 1 } } });

describe("routeTelegramUpdate", () => {
  it.each([
    ["an allowed user's message is stored", message(ALLOWED, { text: "run the tests" }), { action: "store", admin: false, inbound: { kind: "message", text: "run the tests", dedupeKey: "telegram:5" } }],
    ["an admin's message is stored, marked admin", message(ADMIN, { text: "/users" }), { action: "store", admin: true }],
    ["an allowed user's tap is stored", tap(ALLOWED), { action: "store", inbound: { kind: "button", payload: "approval:1:yes", ackRef: "q1" } }],
    ["/start is welcomed, not sent to the agent", message(ALLOWED, { text: "/start" }), { action: "welcome", chat: ALLOWED, text: WELCOME }],
    ["/start with a link's payload", message(ALLOWED, { text: "/start ref42" }), { action: "welcome" }],
    ["/startle is an ordinary message", message(ALLOWED, { text: "/startle" }), { action: "store" }],
    ["a stranger is told once, with their id", message(STRANGER, { text: "hi" }), { action: "refuse", chat: STRANGER, from: STRANGER, text: `${NOT_ALLOWED} (${STRANGER}).` }],
    ["a stranger's /start too", message(STRANGER, { text: "/start" }), { action: "refuse" }],
    ["a stranger's tap is answered on the button", tap(STRANGER), { action: "refuse_tap", ackRef: "q1" }],
    ["a group is ignored, even an allowed user's", message(ALLOWED, { text: "hi" }, "group"), { action: "ignore", reason: expect.stringMatching(/^group: /) }],
    ["a malformed update is ignored", { update_id: "x" }, { action: "ignore", reason: expect.stringMatching(/^malformed: /) }],
    ["an edit is ignored", { update_id: 7, edited_message: {} }, { action: "ignore", reason: "unsupported: an update of kind edited_message" }],
  ])("%s", (_, update, expected) => {
    expect(routeTelegramUpdate(update, access)).toMatchObject(expected);
  });

  it("nobody is allowed when the lists are empty", () => {
    expect(routeTelegramUpdate(message(ALLOWED, { text: "hi" }), { allowed: new Set(), admins: new Set() })).toMatchObject({ action: "refuse" });
  });
});
