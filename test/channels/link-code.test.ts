import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { displayLinkCode, LINK_ALPHABET, LINK_CODE_LENGTH, LINK_CODE_TTL_MS, linkReplies, newLinkCode, normalizeLinkCode, redeemLinkCode, type RandomBytes } from "../../src/channels/link-code";

const NOW = 1_764_000_000_000;
const WHATSAPP = { channel: "whatsapp" as const, chat: "+15550001111" };
const TELEGRAM = { channel: "telegram" as const, chat: "424242" };

/** Hands out the given bytes in order, as many as asked each time. */
function bytesFrom(values: number[]): RandomBytes {
  let at = 0;
  return (count) => Uint8Array.from({ length: count }, () => values[at++] ?? 0);
}

describe("newLinkCode", () => {
  it("six symbols of the alphabet, drawn from the random source, valid ten minutes", () => {
    expect(newLinkCode(bytesFrom([0, 1, 2, 3, 4, 5]), WHATSAPP, NOW)).toEqual({ code: "ABCDEF", issuedBy: WHATSAPP, expiresAt: NOW + 10 * 60_000 });
    expect(LINK_CODE_TTL_MS).toBe(600_000);
  });

  it("draws again for bytes that would bias the alphabet", () => {
    const size = LINK_ALPHABET.length;
    const biased = 256 - (256 % size); // the first byte value that is redrawn
    const code = newLinkCode(bytesFrom([biased, 255, 28, 28, 28, 28, 28, 0]), TELEGRAM, NOW).code;
    expect(code).toBe(`${LINK_ALPHABET[28]!.repeat(5)}A`);
  });

  it("gives up on a source that never returns a usable byte", () => {
    expect(() => newLinkCode(() => new Uint8Array(LINK_CODE_LENGTH).fill(255), WHATSAPP, NOW)).toThrow(/random source/);
  });

  it("any source gives a code that reads back", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (bytes) => {
        const { code } = newLinkCode(bytesFrom([...bytes]), WHATSAPP, NOW);
        expect(code).toHaveLength(LINK_CODE_LENGTH);
        expect(normalizeLinkCode(displayLinkCode(code))).toBe(code);
        expect(normalizeLinkCode(displayLinkCode(code).toLowerCase())).toBe(code);
      }),
    );
  });
});

describe("normalizeLinkCode", () => {
  it.each([
    ["ABC-DEF", "ABCDEF"],
    ["abc def", "ABCDEF"],
    ["  abcdef ", "ABCDEF"],
    ["K7M-Q2P", "K7MQ2P"],
    ["ABCDE", null],
    ["ABCDEFG", null],
    ["ABC-DE0", null], // 0 is not in the alphabet (read as O)
    ["ABC-DEI", null],
    ["", null],
  ])("%j", (text, code) => {
    expect(normalizeLinkCode(text)).toBe(code);
  });
});

describe("redeemLinkCode", () => {
  const issued = { code: "ABCDEF", issuedBy: WHATSAPP, expiresAt: NOW + LINK_CODE_TTL_MS };
  it.each([
    ["from the other app, in time", issued, TELEGRAM, NOW + 60_000, { ok: true, join: { existing: WHATSAPP, joining: TELEGRAM } }],
    ["a moment before it expires", issued, TELEGRAM, NOW + LINK_CODE_TTL_MS - 1, { ok: true, join: { existing: WHATSAPP, joining: TELEGRAM } }],
    ["at its expiry", issued, TELEGRAM, NOW + LINK_CODE_TTL_MS, { ok: false, reason: "expired" }],
    ["from the same app", issued, { channel: "whatsapp" as const, chat: "+15550002222" }, NOW, { ok: false, reason: "same_channel" }],
    ["no such code", null, TELEGRAM, NOW, { ok: false, reason: "unknown" }],
  ])("%s", (_, found, from, now, result) => {
    expect(redeemLinkCode(found, from, now)).toEqual(result);
  });
});

describe("linkReplies", () => {
  it("says the code, the other app and the time", () => {
    expect(linkReplies.issued({ code: "K7MQ2P", issuedBy: WHATSAPP, expiresAt: NOW }, "telegram")).toBe(
      "Send /link K7M-Q2P from Telegram within 10 minutes: that chat then reaches this same agent.",
    );
    expect(linkReplies.refused("expired")).toMatch(/expired/);
  });
});
