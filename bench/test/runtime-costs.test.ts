import { expect, it } from "vitest";
import { type ProbeMeasure, runtimeCostFigures } from "../runtime-costs/aggregate";

const m = (workerd: number, total: number, perSecond = 100): ProbeMeasure => ({ workerdMsPerRequest: workerd, totalMsPerRequest: total, perSecond });

it("reports each probe's added CPU as the median of per-round differences from the bare probe", () => {
  const figures = runtimeCostFigures([
    { bare: m(3, 4), fetch: m(4, 5), log: m(4, 6.5) },
    // A slower round: everything costs more, the differences stay.
    { bare: m(6, 8), fetch: m(7, 9), log: m(7, 10.5) },
    { bare: m(3, 4), fetch: m(5, 6) },
  ]);
  const byName = Object.fromEntries(figures.map((f) => [f.name, f]));
  expect(byName["workerd CPU / request [the floor's hello world]"]!.value).toBe(3);
  expect(byName["workerd CPU added by one outbound fetch"]).toMatchObject({ value: 1, note: "per request; wrangler's Node +0.00 ms; 3 of 3 rounds" });
  expect(byName["workerd CPU added by one console.log line"]).toMatchObject({ value: 1, note: "per request; wrangler's Node +1.50 ms; 2 of 3 rounds" });
  expect(figures.some((f) => f.name.includes("Durable Object"))).toBe(false);
  for (const f of figures) expect(f.pass).toBeUndefined();
});

it("reports nothing without a bare round to compare with", () => {
  expect(runtimeCostFigures([{ fetch: m(4, 5) }])).toEqual([]);
});
