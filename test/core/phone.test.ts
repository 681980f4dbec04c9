import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isE164, maskPhone, normalizeSender, parseNumberListDetailed } from "../../src/shared/phone";

describe("normalizeSender", () => {
  it.each([
    ["whatsapp:+14155550100", { kind: "phone", phone: "+14155550100" }],
    ["+14155550100", { kind: "phone", phone: "+14155550100" }],
    ["whatsapp:+4915112345678", { kind: "phone", phone: "+4915112345678" }],
    ["+12345678", { kind: "phone", phone: "+12345678" }], // 8 digits: shortest E.164
    ["+123456789012345", { kind: "phone", phone: "+123456789012345" }], // 15 digits: longest
    ["+1234567", { kind: "other", id: "+1234567" }], // 7 digits
    ["+1234567890123456", { kind: "other", id: "+1234567890123456" }], // 16 digits
    ["+04155550100", { kind: "other", id: "+04155550100" }], // leading zero
    ["14155550100", { kind: "other", id: "14155550100" }], // no plus
    ["whatsapp:abc.def", { kind: "other", id: "whatsapp:abc.def" }], // username-based ID
    ["whatsapp:US.13491208655302741918", { kind: "other", id: "whatsapp:US.13491208655302741918" }],
    ["whatsapp:", { kind: "other", id: "whatsapp:" }],
    ["", { kind: "other", id: "" }],
    [" +14155550100", { kind: "other", id: " +14155550100" }], // no silent trimming of identities
    ["whatsapp:+1 415 555 0100", { kind: "other", id: "whatsapp:+1 415 555 0100" }],
    ["sms:+14155550100", { kind: "other", id: "sms:+14155550100" }],
    ["whatsapp:whatsapp:+14155550100", { kind: "other", id: "whatsapp:whatsapp:+14155550100" }],
  ])("%j", (from, expected) => {
    expect(normalizeSender(from)).toEqual(expected);
  });

  it("never throws and always returns one of the two shapes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (from) => {
        const sender = normalizeSender(from);
        if (sender.kind === "phone") expect(isE164(sender.phone)).toBe(true);
        else expect(sender.id).toBe(from);
      }),
    );
  });
});

describe("parseNumberList", () => {
  it.each([
    [undefined, [], []],
    ["", [], []],
    ["  ,  , ", [], []],
    ["+14155550100", ["+14155550100"], []],
    [" +14155550100 ,+4915112345678\t", ["+14155550100", "+4915112345678"], []],
    ["+14155550100,+14155550100", ["+14155550100"], []],
    ["+14155550100,14155550100,whatsapp:+15550000000,+1 415", ["+14155550100"], ["14155550100", "whatsapp:+15550000000", "+1 415"]],
    ["*", [], ["*"]],
  ])("%j", (csv, numbers, invalid) => {
    expect([...parseNumberListDetailed(csv).numbers]).toEqual(numbers);
    const detailed = parseNumberListDetailed(csv);
    expect([...detailed.numbers]).toEqual(numbers);
    expect(detailed.invalid).toEqual(invalid);
  });
});

describe("maskPhone", () => {
  it.each([
    ["+14155550100", "+1415***0100"],
    ["whatsapp:+14155550100", "whatsapp:+1415***0100"],
    ["+4915112345678", "+4915***5678"],
    ["+12345678", "+1***5678"], // 8 digits: still hides 3
    ["+1234567890", "+123***7890"],
    ["+1234567", "***"],
    ["", "***"],
    ["abc.def", "***"],
    ["whatsapp:abc.def", "***"],
    ["14155550100", "***"],
  ])("%j → %j", (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it("always hides at least three digits of a valid number", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\+[1-9]\d{7,14}$/), (phone) => {
        const masked = maskPhone(phone);
        const shownDigits = masked.replace(/\D/g, "").length;
        expect(phone.length - 1 - shownDigits).toBeGreaterThanOrEqual(3);
        expect(masked.endsWith(phone.slice(-4))).toBe(true);
      }),
    );
  });
});
