import { describe, expect, it } from "vitest";
import { noticeTarget, replyTarget, type Target } from "../../src/messages/reply-target";

const whatsapp: Target = { channel: "whatsapp", chat: null };
const telegram: Target = { channel: "telegram", chat: "7001" };
const home: Target = { channel: "telegram", chat: "42" };

describe("noticeTarget", () => {
  it.each([
    ["the chat the user last wrote from", telegram, telegram],
    ["the object's own phone on WhatsApp when that is where they last wrote", whatsapp, whatsapp],
    ["the object's home chat when they never wrote", null, home],
  ])("%s", (_, last, expected) => {
    expect(noticeTarget(last, home)).toEqual(expected);
  });
});

describe("replyTarget", () => {
  const user = (source: Target) => ({ source, origin: null, kind: "user" });
  it.each([
    ["the chat of the message it answers", [user(telegram)], telegram],
    ["the chat of the last of several", [user(whatsapp), user(telegram)], telegram],
    ["a WhatsApp message's own phone", [user(telegram), user(whatsapp)], whatsapp],
    ["an event that named its chat", [{ source: telegram, origin: "GitHub: acme/api#7", kind: "user" }], telegram],
    ["undecided for an event without a chat (it goes where notices go)", [{ source: whatsapp, origin: "a trigger", kind: "user" }], null],
    ["undecided for a scheduled task without a chat", [{ source: whatsapp, origin: null, kind: "task_fresh" }], null],
    ["the user's message among a task's", [{ source: whatsapp, origin: null, kind: "task_chat" }, user(telegram)], telegram],
    ["undecided when it answers nothing", [], null],
  ])("%s", (_, answered, expected) => {
    expect(replyTarget(answered)).toEqual(expected);
  });
});
