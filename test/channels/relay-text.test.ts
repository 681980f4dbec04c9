import { describe, expect, it } from "vitest";
import { homeChatOf } from "../../src/channels/home-chat";
import { relayTextParts, whatsappMarkupToMarkdown } from "../../src/channels/relay-text";
import { chunkReply } from "../../src/channels/whatsapp/chunk-reply";

describe("whatsappMarkupToMarkdown", () => {
  it.each([
    ["bold", "*Approvals* in main", "**Approvals** in main"],
    ["italic stays", "_queued_ next", "_queued_ next"],
    ["strike", "~gone~", "~~gone~~"],
    ["arithmetic is not bold", "2*3*4 and a * b", "2*3*4 and a * b"],
    ["a code span is kept whole", "run `*not bold*` then *bold*", "run `*not bold*` then **bold**"],
    ["a code block is kept whole", "```\n*x*\n```\n*y*", "```\n*x*\n```\n**y**"],
    ["plain text as it is", "Reply yes, no or always.", "Reply yes, no or always."],
  ])("%s", (_, input, expected) => {
    expect(whatsappMarkupToMarkdown(input)).toBe(expected);
  });
});

describe("relayTextParts", () => {
  it("WhatsApp's parts are exactly the relay's chunks of the text as written", () => {
    const text = `*Schedules*\n${"- a task that runs every day at nine\n".repeat(80)}`;
    expect(relayTextParts("whatsapp", text)).toEqual(chunkReply(text));
  });
  it("Telegram's are escaped HTML with WhatsApp's bold as <b>", () => {
    expect(relayTextParts("telegram", "*Approvals* in main: a < b & c")).toEqual(["<b>Approvals</b> in main: a &lt; b &amp; c"]);
  });
  it("Telegram's long text goes in parts of at most 4,096, a caption in parts of the given limit", () => {
    const text = "word ".repeat(2000).trim();
    const parts = relayTextParts("telegram", text);
    expect(parts.length).toBe(3);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
    expect(parts.join("")).toBe(text);
    for (const part of relayTextParts("telegram", text, 1024)) expect(part.length).toBeLessThanOrEqual(1024);
  });
});

describe("homeChatOf", () => {
  it.each([
    ["a phone's object: its own WhatsApp number", "+15550000281", { channel: "whatsapp", chat: null }],
    ["a Telegram-only user's object: that private chat", "tg-7002", { channel: "telegram", chat: "7002" }],
    ["not quite a Telegram object's name", "tg-abc", { channel: "whatsapp", chat: null }],
  ])("%s", (_, name, expected) => {
    expect(homeChatOf(name)).toEqual(expected);
  });
});
