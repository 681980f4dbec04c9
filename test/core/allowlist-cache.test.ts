import { describe, expect, it } from "vitest";
import { type AccessDecision, answerFrom, decideAccess, type DirectoryCopy, MISS_RECHECK_MS } from "../../src/directory/allowlist-cache";

const T = 1_000_000;
const TTL = 60_000;
const configured = (phone: string) => phone === "+15550001900";
const copyAt = (fetchedAt: number, ...numbers: string[]): DirectoryCopy => ({ numbers: new Set(numbers), fetchedAt });

describe("decideAccess", () => {
  it.each<[string, string, DirectoryCopy | null, number, number, AccessDecision]>([
    ["configured: never asks, whatever the copy", "+15550001900", null, TTL, T, { kind: "allowed", via: "config" }],
    ["configured, TTL 0", "+15550001900", null, 0, T, { kind: "allowed", via: "config" }],
    ["no copy yet", "+15550001901", null, TTL, T, { kind: "ask_directory" }],
    ["in a fresh copy", "+15550001901", copyAt(T, "+15550001901"), TTL, T + 1, { kind: "allowed", via: "directory" }],
    ["in a copy just under the TTL", "+15550001901", copyAt(T, "+15550001901"), TTL, T + TTL - 1, { kind: "allowed", via: "directory" }],
    ["in a copy at the TTL: ask", "+15550001901", copyAt(T, "+15550001901"), TTL, T + TTL, { kind: "ask_directory" }],
    ["not in a copy younger than the miss re-check", "+15550001902", copyAt(T, "+15550001901"), TTL, T + MISS_RECHECK_MS - 1, { kind: "refused" }],
    ["not in a copy as old as the miss re-check: ask", "+15550001902", copyAt(T, "+15550001901"), TTL, T + MISS_RECHECK_MS, { kind: "ask_directory" }],
    ["TTL shorter than the re-check: the TTL rules", "+15550001902", copyAt(T), 1_000, T + 999, { kind: "refused" }],
    ["TTL 0: always ask", "+15550001901", copyAt(T, "+15550001901"), 0, T, { kind: "ask_directory" }],
    ["clock went backwards: ask", "+15550001901", copyAt(T, "+15550001901"), TTL, T - 1, { kind: "ask_directory" }],
  ])("%s", (_, phone, copy, ttlMs, now, expected) => {
    expect(decideAccess({ phone, configured, copy, ttlMs, now })).toEqual(expected);
  });
});

describe("answerFrom: a copy just read answers, never asks again (TTL 0 would loop)", () => {
  it.each<[string, AccessDecision]>([
    ["+15550001901", { kind: "allowed", via: "directory" }],
    ["+15550001902", { kind: "refused" }],
  ])("%s", (phone, expected) => {
    expect(answerFrom(copyAt(T, "+15550001901"), phone)).toEqual(expected);
  });
});
