import { describe, expect, it } from "vitest";
import { dueTimeOf, dueTimeWrite } from "../../src/shared/due-times";

const rows = [
  { unit: "schedules", dueAt: 1_000 },
  { unit: "outbox", dueAt: 500 },
];

describe("dueTimeOf", () => {
  it.each([
    ["schedules", 1_000],
    ["outbox", 500],
    ["approvals", null],
  ] as const)("%s → %s", (unit, at) => expect(dueTimeOf(rows, unit)).toBe(at));
});

describe("dueTimeWrite", () => {
  it.each([
    ["unchanged", "schedules", 1_000, { action: "keep" }],
    ["moved", "schedules", 2_000, { action: "set", at: 2_000 }],
    ["new", "approvals", 3_000, { action: "set", at: 3_000 }],
    ["nothing due any more", "outbox", null, { action: "remove" }],
    ["nothing due, no row", "approvals", null, { action: "keep" }],
  ] as const)("%s", (_what, unit, at, write) => expect(dueTimeWrite(rows, unit, at)).toEqual(write));
});
