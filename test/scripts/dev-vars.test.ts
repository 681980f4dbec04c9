// .dev.vars parsing: the dotenv subset wrangler also reads, and the checks that fail closed before anything starts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDotenv, readLocalVars } from "../../scripts/stack/dev-vars";

describe("parseDotenv", () => {
  it.each([
    ["plain", "A=1\nB=two words", { A: "1", B: "two words" }],
    ["comments and blank lines", "# note\n\nA=1\n  # indented note", { A: "1" }],
    ["export prefix and spaces around =", "export A = 1", { A: "1" }],
    ["inline comment after whitespace", "A=value # why", { A: "value" }],
    ["# inside a value without whitespace", "A=abc#def", { A: "abc#def" }],
    ["double quotes keep # and expand \\n", 'A="x # y\\nz"', { A: "x # y\nz" }],
    ["single quotes are literal", "A='x\\ny'", { A: "x\\ny" }],
    ["empty value", "A=", { A: "" }],
    ["CRLF line endings", "A=1\r\nB=2\r\n", { A: "1", B: "2" }],
    ["lines without = are ignored", "not a setting\nA=1", { A: "1" }],
    ["a later line wins", "A=1\nA=2", { A: "2" }],
  ])("%s", (_name, text, expected) => {
    expect(parseDotenv(text)).toEqual(expected);
  });
});

const VALID = [
  "TWILIO_ACCOUNT_SID=AC0123456789abcdef0123456789abcdef",
  "TWILIO_AUTH_TOKEN=token",
  "VM_TOKEN=secret",
  "ALLOWED_SENDERS=+15551230001",
].join("\n");

describe("readLocalVars", () => {
  it("accepts the shipped .dev.vars.example, which allows the simulator's two default users", () => {
    const result = readLocalVars(readFileSync(".dev.vars.example", "utf8"));
    expect(result).toMatchObject({
      ok: true,
      vars: {
        ALLOWED_SENDERS: "+15551230001,+15551230002",
        TWILIO_API_BASE: "http://127.0.0.1:8788",
        PUBLIC_URL: "http://127.0.0.1:8787",
        VM_URL: "http://127.0.0.1:8080",
      },
    });
  });

  it("defaults the WhatsApp sender to the Twilio sandbox number when blank or absent", () => {
    for (const text of [VALID, `${VALID}\nTWILIO_WHATSAPP_FROM=`]) {
      expect(readLocalVars(text)).toMatchObject({ ok: true, vars: { TWILIO_WHATSAPP_FROM: "whatsapp:+14155238886" } });
    }
  });

  it.each([
    ["no VM_TOKEN", VALID.replace("VM_TOKEN=secret", ""), "VM_TOKEN: is missing"],
    ["a blank VM_TOKEN", VALID.replace("VM_TOKEN=secret", "VM_TOKEN=  "), "VM_TOKEN: must not be empty"],
    ["a SID that is not AC + 32 hex", VALID.replace(/=AC\w+/, "=AC123"), "TWILIO_ACCOUNT_SID: must be AC followed by 32 hex digits"],
    ["no auth token", VALID.replace("TWILIO_AUTH_TOKEN=token", ""), "TWILIO_AUTH_TOKEN: is missing"],
    ["a sender without whatsapp:", `${VALID}\nTWILIO_WHATSAPP_FROM=+14155238886`, "TWILIO_WHATSAPP_FROM: must be whatsapp:+E164"],
  ])("refuses %s", (_name, text, problem) => {
    const result = readLocalVars(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toContainEqual(expect.stringContaining(problem));
  });
});
