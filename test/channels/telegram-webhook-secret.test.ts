import { describe, expect, it } from "vitest";
import { checkWebhookSecret, constantTimeEqual, SECRET_TOKEN_PATTERN } from "../../src/channels/telegram/webhook-secret";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("checkWebhookSecret", () => {
  it.each([
    ["the secret", "s3cret_-A", "s3cret_-A", true],
    ["another secret", "s3cret_-B", "s3cret_-A", false],
    ["a prefix of the secret", "s3cret", "s3cret_-A", false],
    ["the secret and more", "s3cret_-AA", "s3cret_-A", false],
    ["a different case", "S3CRET_-A", "s3cret_-A", false],
    ["no header", null, "s3cret_-A", false],
    ["an absent header", undefined, "s3cret_-A", false],
    ["an empty header", "", "s3cret_-A", false],
    ["no secret configured, empty header", "", "", false],
    ["no secret configured, any header", "x", undefined, false],
    ["non-ASCII compared by its bytes", "é", "é", true],
    ["one character, different bytes", "é", "e", false],
  ])("%s", (_, given, secret, expected) => {
    expect(checkWebhookSecret(given, secret)).toBe(expected);
  });
});

describe("constantTimeEqual", () => {
  it.each([
    [[], [], true],
    [[1, 2, 3], [1, 2, 3], true],
    [[1, 2, 3], [1, 2, 4], false],
    [[1, 2, 3], [1, 2], false],
    [[0], [], false],
    [[], [0], false],
  ])("%j vs %j", (a, b, expected) => {
    expect(constantTimeEqual(Uint8Array.from(a), Uint8Array.from(b))).toBe(expected);
  });

  it("looks at every byte, whatever differs first", () => {
    expect(constantTimeEqual(bytes("a".repeat(300)), bytes(`b${"a".repeat(299)}`))).toBe(false);
    expect(constantTimeEqual(bytes("a".repeat(300)), bytes(`${"a".repeat(299)}b`))).toBe(false);
  });
});

describe("SECRET_TOKEN_PATTERN: setWebhook's secret_token", () => {
  it.each([
    ["A-z0-9_-", true],
    ["x".repeat(256), true],
    ["x".repeat(257), false],
    ["", false],
    ["has space", false],
    ["dot.ted", false],
  ])("%s", (token, ok) => {
    expect(SECRET_TOKEN_PATTERN.test(token)).toBe(ok);
  });
});
