// The private page's bar charts (spend per day; the dashboard's messages, runs and failures):
// inline SVG with their amounts as text, so they read without JavaScript. Their figures are
// web/web-page-model.ts (barGeometry, chartFigures).
import type { Child } from "hono/jsx";
import { Fragment } from "hono/jsx/jsx-runtime";
import { barGeometry, chartFigures, type DayValue } from "./web-page-model";
import { h } from "./web-page-element";

/** The chart's box in its own units: a band above the bars for their amounts, a gutter at the left for the scale, one below for the days. */
const CHART = { width: 480, top: 22, bars: 110, axis: 22, gutter: 58 };

/**
 * Bars as inline SVG that say their amounts without JavaScript: the scale (the highest amount at
 * the top line, 0 at the foot), each bar's amount above it (the highest bar's alone on a chart
 * of many days), each day and amount as a tooltip; then the total and the highest day as a line
 * of text, which a phone shows at the page's own size.
 */
export function barChart(values: readonly DayValue[], name: string, format: (v: number) => string): Child {
  const barsWidth = CHART.width - CHART.gutter;
  const bars = barGeometry(values, barsWidth, CHART.bars);
  const { total, highest, labelled } = chartFigures(values);
  const first = values[0]?.day ?? "";
  const last = values[values.length - 1]?.day ?? "";
  const foot = CHART.top + CHART.bars;
  const amount = (i: number) => {
    const b = bars[i];
    if (!b) return null;
    // Centred over the bar, kept inside the chart at either end.
    const centre = CHART.gutter + b.x + b.width / 2;
    const [x, anchor] = centre > CHART.width - 28 ? [CHART.width, "end"] : centre < CHART.gutter + 28 ? [CHART.gutter, "start"] : [round1(centre), "middle"];
    return h("text", { class: "amount", x, y: CHART.top + b.y - 5, "text-anchor": anchor }, format(b.value));
  };
  const svg = h(
    "svg",
    { class: `chart ${name}`, viewBox: `0 0 ${CHART.width} ${foot + CHART.axis}`, role: "img", "aria-label": `${name}: ${format(total)} from ${first} to ${last}` },
    highest ? h("line", { class: "grid", x1: CHART.gutter, y1: CHART.top, x2: CHART.width, y2: CHART.top }) : null,
    highest ? h("text", { class: "scale", x: CHART.gutter - 6, y: CHART.top + 5, "text-anchor": "end" }, format(highest.value)) : null,
    h("text", { class: "scale", x: CHART.gutter - 6, y: foot, "text-anchor": "end" }, format(0)),
    ...bars.map((b) => h("rect", { x: round1(CHART.gutter + b.x), y: CHART.top + b.y, width: b.width, height: b.height }, h("title", null, `${b.day}: ${format(b.value)}`))),
    ...labelled.map(amount),
    h("line", { x1: CHART.gutter, y1: foot, x2: CHART.width, y2: foot }),
    h("text", { x: CHART.gutter, y: foot + CHART.axis - 5 }, first),
    h("text", { x: CHART.width, y: foot + CHART.axis - 5, "text-anchor": "end" }, last),
  );
  const said = highest ? `highest ${format(highest.value)} on ${highest.day}` : "none on any day";
  return h(Fragment, null, svg, h("p", { class: "chart-figures" }, `Total ${format(total)} from ${first} to ${last}; ${said}.`));
}

const round1 = (n: number) => Math.round(n * 10) / 10;
