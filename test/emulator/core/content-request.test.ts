// A Content API create body, checked against Twilio's documented fields and limits, as a table.
import { describe, expect, it } from "vitest";
import { CONTENT_LIMITS, parseContentRequest } from "../../../emulator/core/content-request";

const quickReply = (actions: unknown, body: unknown = "Allow it?") => ({ language: "en", types: { "twilio/quick-reply": { body, actions } } });
const buttons = (count: number) => Array.from({ length: count }, (_, i) => ({ title: `Option ${i + 1}`, id: `opt-${i + 1}` }));

describe("parseContentRequest accepts", () => {
  it.each([
    ["plain text", { language: "en", types: { "twilio/text": { body: "Hi {{1}}" } }, variables: { 1: "there" } }],
    ["a quick reply with one button", quickReply(buttons(1))],
    ["a quick reply with ten buttons", quickReply(buttons(CONTENT_LIMITS.maxActions))],
    ["a title of exactly 20 characters", quickReply([{ title: "x".repeat(20), id: "a" }])],
    ["an id of exactly 200 characters", quickReply([{ title: "Yes", id: "i".repeat(200) }])],
    ["a button without an id", quickReply([{ title: "Yes" }])],
    ["type QUICK_REPLY spelled out", quickReply([{ type: "QUICK_REPLY", title: "Yes", id: "y" }])],
    ["a body of 1024 characters", quickReply(buttons(2), "b".repeat(1024))],
    ["a text body of 1600 characters", { language: "en", types: { "twilio/text": { body: "t".repeat(1600) } } }],
    ["a region in the language", { language: "pt_BR", types: { "twilio/text": { body: "Olá" } } }],
    ["a type the emulator stores without rendering", { language: "en", types: { "twilio/card": { title: "Card" } } }],
  ])("%s", (_name, body) => {
    expect(parseContentRequest(body).ok).toBe(true);
  });

  it("keeps what it was given, defaults filled", () => {
    const parsed = parseContentRequest({ friendly_name: "approve", ...quickReply([{ title: "Yes", id: "y" }]), variables: { 1: "ls" } });
    expect(parsed).toEqual({
      ok: true,
      value: { friendlyName: "approve", language: "en", variables: { 1: "ls" }, types: { "twilio/quick-reply": { body: "Allow it?", actions: [{ title: "Yes", id: "y" }] } } },
    });
  });
});

describe("parseContentRequest refuses with Twilio's 400 / 20001", () => {
  it.each([
    ["a body that is not an object", "hello", /body/],
    ["no language", { types: { "twilio/text": { body: "x" } } }, /Missing required parameter language/],
    ["no types", { language: "en" }, /Missing required parameter types/],
    ["empty types", { language: "en", types: {} }, /at least one content type/],
    ["an unknown content type", { language: "en", types: { "twilio/sticker": {} } }, /types\.twilio\/sticker/],
    ["a text without body", { language: "en", types: { "twilio/text": {} } }, /Missing required parameter types\.twilio\/text\.body/],
    ["a text body of 1601 characters", { language: "en", types: { "twilio/text": { body: "t".repeat(1601) } } }, /twilio\/text\.body/],
    ["a quick reply without actions", { language: "en", types: { "twilio/quick-reply": { body: "x" } } }, /actions/],
    ["a quick reply with no buttons", quickReply([]), /actions/],
    ["a quick reply with eleven buttons", quickReply(buttons(11)), /actions/],
    ["a button title of 21 characters", quickReply([{ title: "x".repeat(21), id: "a" }]), /actions\.0\.title/],
    ["an empty button title", quickReply([{ title: "", id: "a" }]), /actions\.0\.title/],
    ["a button id of 201 characters", quickReply([{ title: "Yes", id: "i".repeat(201) }]), /actions\.0\.id/],
    ["a button of another type", quickReply([{ type: "URL", title: "Site", id: "u" }]), /actions\.0\.type/],
    ["a quick-reply body of 1025 characters", quickReply(buttons(2), "b".repeat(1025)), /twilio\/quick-reply\.body/],
    ["a field Twilio does not know", { language: "en", types: { "twilio/text": { body: "x", footer: "f" } } }, /twilio\/text/],
    ["a variable value that is not a string", { language: "en", types: { "twilio/text": { body: "{{1}}" } }, variables: { 1: 5 } }, /variables\.1/],
    ["a language that is no language code", { language: "English", types: { "twilio/text": { body: "x" } } }, /language/],
  ])("%s", (_name, body, message) => {
    const parsed = parseContentRequest(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ status: 400, code: 20001 });
    expect(parsed.error.message).toMatch(message);
  });
});
