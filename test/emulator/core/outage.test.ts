// Which outage a create meets, and the Retry-After it carries: pure, table-driven.
import { describe, expect, it } from "vitest";
import { outageFor, retryAfterSeconds, type Outage } from "../../../emulator/core/outage";

const all: Outage = { to: undefined, status: 503, startedAt: 1_000, endsAt: 5_000 };
const bobOnly: Outage = { to: "+15551230002", status: 429, startedAt: 2_000, endsAt: 9_000 };

describe("outageFor", () => {
  it.each([
    ["before any window", [all], "whatsapp:+15551230001", 999, undefined],
    ["at the start (inclusive)", [all], "whatsapp:+15551230001", 1_000, all],
    ["at the end (exclusive)", [all], "whatsapp:+15551230001", 5_000, undefined],
    ["another recipient's window", [bobOnly], "whatsapp:+15551230001", 3_000, undefined],
    ["a bare +E164 recipient", [bobOnly], "+15551230002", 3_000, bobOnly],
    ["overlapping windows: the one lasting longest", [all, bobOnly], "whatsapp:+15551230002", 3_000, bobOnly],
    ["no windows", [], "whatsapp:+15551230001", 3_000, undefined],
  ] as const)("%s", (_, outages, to, now, expected) => {
    expect(outageFor(outages, to, now)).toEqual(expected);
  });
});

describe("retryAfterSeconds", () => {
  it.each([
    [15_000, 0, 15],
    [15_000, 10_500, 5],
    [15_000, 14_999, 1],
    [15_000, 15_000, 1],
  ])("ends at %i, now %i: %i s", (endsAt, now, seconds) => {
    expect(retryAfterSeconds(endsAt, now)).toBe(seconds);
  });
});
