// Prints figures as a fixed-width text table: section, figure, value, target, result, note.
import type { Figure } from "./figures";

export function formatValue(value: number | string, unit: string): string {
  if (typeof value === "string") return unit ? `${value} ${unit}` : value;
  if (Number.isNaN(value)) return "n/a";
  const digits = Number.isInteger(value) ? 0 : Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toFixed(digits);
  return unit ? `${text} ${unit}` : text;
}

function verdict(figure: Figure): string {
  if (figure.pass === undefined) return "";
  if (figure.pass === null) return "n/a";
  return figure.pass ? "PASS" : "FAIL";
}

export function renderTable(figures: readonly Figure[]): string {
  const header = ["section", "figure", "value", "target", "result", "note"];
  const rows = figures.map((f) => [f.section, f.name, formatValue(f.value, f.unit), f.target ?? "", verdict(f), f.note ?? ""]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The same table in Markdown, for bench/README.md. */
export function renderMarkdown(figures: readonly Figure[]): string {
  const rows = figures.map((f) => `| ${f.section} | ${f.name} | ${formatValue(f.value, f.unit)} | ${f.target ?? ""} | ${verdict(f)} | ${f.note ?? ""} |`);
  return ["| section | figure | value | target | result | note |", "| --- | --- | ---: | --- | --- | --- |", ...rows].join("\n");
}
