// bench/profile/vm-ab.ts's pure parts: a variant's spelling, and the round-by-round difference.
import { describe, expect, it } from "vitest";
import { pairedMedian, parseVariant, type Turn } from "../profile/vm-ab";

describe("parseVariant", () => {
  it.each([
    ["now", { name: "now", checkout: null, env: {} }],
    ["off:AGENT_UIDS=off", { name: "off", checkout: null, env: { AGENT_UIDS: "off" } }],
    ["old@/work/wt-old", { name: "old", checkout: "/work/wt-old", env: {} }],
    ["x@/w/x:A=1,PATH=/a:/b", { name: "x", checkout: "/w/x", env: { A: "1", PATH: "/a:/b" } }],
  ])("%s", (spec, variant) => {
    expect(parseVariant(spec)).toEqual(variant);
  });

  it.each(["", ":A=1", "x:A", "x:=1"])("refuses %j", (spec) => {
    expect(() => parseVariant(spec)).toThrow();
  });
});

const turn = (variant: string, round: number, total: number, overBare = Number.NaN): Turn => ({ variant, round, total, vm: 0, cli: 0, proxy: 0, toVm: 0, overBare });

describe("pairedMedian", () => {
  it("takes the median of the same rounds' differences, skipping rounds the base lacks", () => {
    const turns = [turn("a", 0, 50), turn("b", 0, 52), turn("a", 1, 60), turn("b", 1, 59), turn("a", 2, 55), turn("b", 2, 58), turn("b", 3, 100)];
    expect(pairedMedian(turns, "b", "a", "total")).toBe(2);
    expect(pairedMedian(turns, "a", "a", "total")).toBe(0);
  });

  it("leaves out figures that are not numbers (a round without its bare CLI turn), and says when none is left", () => {
    const turns = [turn("a", 0, 50, 10), turn("b", 0, 52, 13), turn("a", 1, 50), turn("b", 1, 52, 12)];
    expect(pairedMedian(turns, "b", "a", "overBare")).toBe(3);
    expect(pairedMedian([turn("a", 0, 50), turn("b", 0, 52)], "b", "a", "overBare")).toBeNull();
  });
});
