import { describe, expect, it } from "vitest";
import { logEvent } from "../../src/shared/log";

function capture(event: string, fields: Record<string, unknown>): Record<string, unknown> {
  const lines: string[] = [];
  logEvent(event, fields, (line) => lines.push(line));
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toContain("\n");
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe("logEvent", () => {
  it("writes one JSON line with the event first and plain fields unchanged", () => {
    const lines: string[] = [];
    logEvent("run_started", { runId: "r1", attempt: 2, ok: true, none: null }, (line) => lines.push(line));
    expect(lines).toEqual(['{"event":"run_started","runId":"r1","attempt":2,"ok":true,"none":null}']);
  });

  it("keeps the event name even if a field is called event", () => {
    expect(capture("real", { event: "fake", x: 1 })).toEqual({ event: "real", x: 1 });
  });

  it.each([
    ["body", "hello there", "[redacted 11 chars]"],
    ["Body", "secret plan", "[redacted 11 chars]"],
    ["text", "abc", "[redacted 3 chars]"],
    ["prompt", "", "[redacted 0 chars]"],
    ["token", "tok_123", "[redacted 7 chars]"],
    ["authToken", "a".repeat(32), "[redacted 32 chars]"],
    ["VM_TOKEN", "x", "[redacted 1 chars]"],
    ["authorization", "Bearer abc", "[redacted 10 chars]"],
    ["X-Twilio-Signature", "sig=", "[redacted 4 chars]"],
    ["password", 1234, "[redacted]"],
    ["clientSecret", { nested: "value" }, "[redacted]"],
    ["replyText", ["a", "b"], "[redacted]"],
    ["requestBody", null, "[redacted]"],
    ["message_body", "hi", "[redacted 2 chars]"],
  ])("redacts %s", (key, value, expected) => {
    const line = capture("e", { [key]: value });
    expect(line[key]).toBe(expected);
    if (typeof value === "string" && value !== "") expect(JSON.stringify(line)).not.toContain(value);
  });

  it.each([
    ["phone", "+14155550100", "+1415***0100"],
    ["from", "whatsapp:+14155550100", "whatsapp:+1415***0100"],
    ["To", "whatsapp:+4915112345678", "whatsapp:+4915***5678"],
    ["user", "whatsapp:abc.def", "***"],
    ["user", "+1", "***"],
    ["to", 14155550100, "***"],
  ])("masks %s", (key, value, expected) => {
    expect(capture("e", { [key]: value })[key]).toBe(expected);
  });

  it("masks E.164 numbers inside other strings, nested objects, arrays and errors", () => {
    const line = capture("e", {
      note: "sent to +14155550100 and +4915112345678.",
      nested: { deeper: ["call +447700900123 now", 7], owner: { phone: "+14155550100" } },
      error: new Error("unknown sender whatsapp:+14155550100"),
    });
    expect(line).toEqual({
      event: "e",
      note: "sent to +1415***0100 and +4915***5678.",
      nested: { deeper: ["call +4477***0123 now", 7], owner: { phone: "+1415***0100" } },
      error: { name: "Error", message: "unknown sender whatsapp:+1415***0100" },
    });
    expect(JSON.stringify(line)).not.toMatch(/5550100|12345678|900123/);
  });

  it("leaves numbers that are not E.164 alone", () => {
    expect(capture("e", { note: "order 14155550100, +1234567, +1234567890123456" }).note).toBe(
      "order 14155550100, +1234567, +1234567890123456",
    );
  });

  it.each(["context", "bodyLength", "texture", "prompted"])("keeps %s, which only contains a sensitive word", (key) => {
    expect(capture("e", { [key]: "chat" })[key]).toBe("chat");
  });

  it("redacts sensitive keys at any depth", () => {
    const line = capture("e", { twilio: { request: { Body: "hi", headers: { Authorization: "Basic x" } } } });
    expect(line.twilio).toEqual({ request: { Body: "[redacted 2 chars]", headers: { Authorization: "[redacted 7 chars]" } } });
  });

  it("survives cycles and bigints", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const line = capture("e", { cyclic, big: 10n });
    expect(line.big).toBe("10");
    expect(JSON.stringify(line)).toContain("[too deep]");
  });
});
