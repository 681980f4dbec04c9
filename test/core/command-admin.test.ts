import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AdminCommand } from "../../src/admin/command-admin";
import { parseCommand } from "../../src/commands/commands";

const ok = (word: AdminCommand["word"], request: AdminCommand["request"]): AdminCommand => ({ type: "admin", word, request });
const requestOf = (text: string) => {
  const parsed = parseCommand(text);
  if (parsed?.type !== "admin") throw new Error(`${text} parsed as ${JSON.stringify(parsed)}`);
  return parsed.request;
};
const reasonOf = (text: string) => {
  const request = requestOf(text);
  if (request.kind !== "invalid") throw new Error(`${text} is valid: ${JSON.stringify(request)}`);
  return request.reason;
};

describe("parseCommand: admin commands", () => {
  it.each<[string, AdminCommand]>([
    ["/users", ok("users", { kind: "users" })],
    ["/USERS", ok("users", { kind: "users" })],
    ["/allow +15550001901", ok("allow", { kind: "allow", phone: "+15550001901" })],
    ["/Allow   +15550001901  ", ok("allow", { kind: "allow", phone: "+15550001901" })],
    ["/deny +447700900123", ok("deny", { kind: "deny", phone: "+447700900123" })],
    // A Telegram user id (digits, no +), or the tg-<id> that /users shows.
    ["/allow 15550001901", ok("allow", { kind: "allow", phone: "tg-15550001901" })],
    ["/allow 123456789", ok("allow", { kind: "allow", phone: "tg-123456789" })],
    ["/deny tg-123456789", ok("deny", { kind: "deny", phone: "tg-123456789" })],
    ["/budget 123456789 5", ok("budget", { kind: "budget", phone: "tg-123456789", usd: 5 })],
    ["/budget +15550001901 25", ok("budget", { kind: "budget", phone: "+15550001901", usd: 25 })],
    ["/budget +15550001901 7.5", ok("budget", { kind: "budget", phone: "+15550001901", usd: 7.5 })],
    ["/budget +15550001901 $0.25", ok("budget", { kind: "budget", phone: "+15550001901", usd: 0.25 })],
    ["/budget +15550001901 0", ok("budget", { kind: "budget", phone: "+15550001901", usd: 0 })],
    ["/budget +15550001901 10000", ok("budget", { kind: "budget", phone: "+15550001901", usd: 10_000 })],
    ["/budget +15550001901 default", ok("budget", { kind: "budget", phone: "+15550001901", usd: null })],
    ["/budget +15550001901 DEFAULT", ok("budget", { kind: "budget", phone: "+15550001901", usd: null })],
  ])("%j", (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });
});

describe("parseCommand: bad admin input is one line and changes nothing", () => {
  it.each<[string, string]>([
    ["/users all", "/users takes no arguments."],
    ["/allow", "Usage: /allow +15551234567 (the number in E.164: + then country code and number), or /allow 123456789 (a Telegram user id)."],
    ["/deny", "Usage: /deny +15551234567 (the number in E.164: + then country code and number), or /deny 123456789 (a Telegram user id)."],
    ["/allow +1 555 000 1901", "“+1” is not a phone number in E.164 (+ then 8-15 digits, e.g. +15551234567)."],
    ["/allow +1555000", "“+1555000” is not a phone number in E.164 (+ then 8-15 digits, e.g. +15551234567)."],
    ["/allow +15550001901 +15550001902", "Usage: /allow +15551234567 (the number in E.164: + then country code and number), or /allow 123456789 (a Telegram user id)."],
    ["/deny whatsapp:+15550001901", "“whatsapp:+15550001901” is not a phone number in E.164 (+ then 8-15 digits, e.g. +15551234567)."],
    ["/allow +0123456789", "“+0123456789” is not a phone number in E.164 (+ then 8-15 digits, e.g. +15551234567)."],
    ["/allow +1234567890123456", "“+1234567890123456” is not a phone number in E.164 (+ then 8-15 digits, e.g. +15551234567)."],
    ["/allow 🙂", "“🙂” is not a phone number in E.164 (+ then 8-15 digits, e.g. +15551234567)."],
    ["/allow +١٥٥٥٠٠٠١٩٠١", "“+١٥٥٥٠٠٠١٩٠١” is not a phone number in E.164 (+ then 8-15 digits, e.g. +15551234567)."],
    ["/deny \u200f+15550001901", "“+15550001901” has invisible characters in it (pasted from a contact?): type it as + and digits."],
    ["/deny \u202e1091000555\u202c1+", "“10910005551+” is not a phone number in E.164 (+ then 8-15 digits, e.g. +15551234567)."],
    ["/deny שלום", "“שלום” is not a phone number in E.164 (+ then 8-15 digits, e.g. +15551234567)."],
    ["/budget", "Usage: /budget +15551234567 <dollars a day>, e.g. /budget +15551234567 25, or /budget +15551234567 default."],
    ["/budget +15550001901", "Usage: /budget +15551234567 <dollars a day>, e.g. /budget +15551234567 25, or /budget +15551234567 default."],
    // 25 reads as a Telegram user id: the amount is then the one that is wrong.
    ["/budget 25 +15550001901", "“+15550001901” is not an amount in dollars, e.g. 25 or 7.50."],
    ["/allow tg-0123", "“tg-0123” is not a phone number in E.164 (+ then 8-15 digits, e.g. +15551234567)."],
    ["/allow 12345678901234567", "“12345678901234567” is not a phone number in E.164 (+ then 8-15 digits, e.g. +15551234567)."],
    ["/budget +15550001901 25 usd", "Usage: /budget +15551234567 <dollars a day>, e.g. /budget +15551234567 25, or /budget +15551234567 default."],
    ["/budget +15550001901 -5", "A budget can't be negative; 0 stops all new runs."],
    ["/budget +15550001901 −5", "A budget can't be negative; 0 stops all new runs."],
    ["/budget +15550001901 abc", "“abc” is not an amount in dollars, e.g. 25 or 7.50."],
    ["/budget +15550001901 NaN", "“NaN” is not an amount in dollars, e.g. 25 or 7.50."],
    ["/budget +15550001901 Infinity", "“Infinity” is not an amount in dollars, e.g. 25 or 7.50."],
    ["/budget +15550001901 1e3", "“1e3” is not an amount in dollars, e.g. 25 or 7.50."],
    ["/budget +15550001901 0x10", "“0x10” is not an amount in dollars, e.g. 25 or 7.50."],
    ["/budget +15550001901 1,000", "“1,000” is not an amount in dollars, e.g. 25 or 7.50."],
    ["/budget +15550001901 2.12345", "“2.12345” is not an amount in dollars, e.g. 25 or 7.50."],
    ["/budget +15550001901 .5", "“.5” is not an amount in dollars, e.g. 25 or 7.50."],
    ["/budget +15550001901 ２５", "“２５” is not an amount in dollars, e.g. 25 or 7.50."],
    ["/budget +15550001901 💵", "“💵” is not an amount in dollars, e.g. 25 or 7.50."],
    ["/budget +15550001901 10000.01", "$10000.01 a day is over the $10,000 I accept: is it a typo? Nothing changed."],
    ["/budget +15550001901 999999999", "$999999999 a day is over the $10,000 I accept: is it a typo? Nothing changed."],
    ["/budget +15550001901 9999999999", "“9999999999” is not an amount in dollars, e.g. 25 or 7.50."],
    [`/allow +15550001901${"9".repeat(200)}`, "Usage: /allow +15551234567 (the number in E.164: + then country code and number), or /allow 123456789 (a Telegram user id)."],
    [`/budget +15550001901 ${"1".repeat(5000)}`, "Usage: /budget +15551234567 <dollars a day>, e.g. /budget +15551234567 25, or /budget +15551234567 default."],
  ])("%j → %j", (text, reason) => {
    expect(reasonOf(text)).toBe(reason);
  });

  it("any argument text is a parse or one short line, never a throw", () => {
    const word = fc.constantFrom("users", "allow", "deny", "budget", "ALLOW", "Budget");
    const arg = fc.oneof(
      fc.constantFrom("+15550001901", "+1", "-1", "0", "25", "1e9", "NaN", "default", "🙂", "\u202e+15550001901", "مرحبا", "\n", "\u2028"),
      fc.string({ unit: "grapheme", maxLength: 40 }),
      fc.string({ unit: "binary", maxLength: 400 }),
    );
    fc.assert(
      fc.property(word, fc.array(arg, { maxLength: 4 }), (w, args) => {
        const parsed = parseCommand(`/${w} ${args.join(" ")}`);
        expect(parsed?.type).toBe("admin");
        if (parsed?.type !== "admin" || parsed.request.kind !== "invalid") return;
        expect(parsed.request.reason).not.toMatch(/[\n\r\u2028\u2029]/);
        expect(parsed.request.reason.length).toBeLessThanOrEqual(200);
      }),
    );
  });
});
