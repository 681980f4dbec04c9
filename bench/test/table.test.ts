import { expect, it } from "vitest";
import { formatValue, renderMarkdown, renderTable } from "../lib/table";

it.each([
  { value: 3, unit: "ms", want: "3 ms" },
  { value: 3.14159, unit: "ms", want: "3.14 ms" },
  { value: 31.4159, unit: "", want: "31.4" },
  { value: 314.159, unit: "/s", want: "314 /s" },
  { value: Number.NaN, unit: "ms", want: "n/a" },
  { value: "skipped", unit: "", want: "skipped" },
])("formats $value $unit as $want", ({ value, unit, want }) => {
  expect(formatValue(value, unit)).toBe(want);
});

const figures = [
  { section: "relay", name: "dispatch p50", value: 4.2, unit: "ms", target: "≤ 10 ms", pass: true },
  { section: "relay", name: "bundle", value: 180, unit: "KiB", target: "≤ 100 KiB", pass: false, note: "zod" },
  { section: "relay", name: "no samples", value: Number.NaN, unit: "ms", target: "≤ 10 ms", pass: null },
  { section: "relay", name: "rows", value: 20, unit: "rows" },
];

it("prints one aligned row per figure with its verdict", () => {
  const lines = renderTable(figures).split("\n");
  expect(lines).toHaveLength(2 + figures.length);
  expect(lines[2]).toMatch(/dispatch p50\s+4\.20 ms\s+≤ 10 ms\s+PASS$/);
  expect(lines[3]).toMatch(/FAIL\s+zod$/);
  expect(lines[4]).toMatch(/n\/a\s+≤ 10 ms\s+n\/a$/);
  expect(lines[5]).toMatch(/rows\s+20 rows$/);
});

it("renders the same figures as a Markdown table", () => {
  const md = renderMarkdown(figures).split("\n");
  expect(md[0]).toBe("| section | figure | value | target | result | note |");
  expect(md[3]).toBe("| relay | bundle | 180 KiB | ≤ 100 KiB | FAIL | zod |");
});
