// The private page (`/web/<token>`), rendered with Hono's JSX: a conversation's transcript, its
// runs, spend per day; or the operator's dashboard. Readable without JavaScript, nothing fetched
// from elsewhere (the one stylesheet comes from this Worker). Every text written by the user or
// the agent goes in as a child or an attribute, which Hono's JSX escapes: never as raw HTML.
import type { Child } from "hono/jsx";
import { Fragment, jsx as jsxNode } from "hono/jsx/jsx-runtime";
import { formatUsd } from "../core/format-ago";
import { maskPhone } from "../core/phone";
import {
  barGeometry,
  type ConversationsPage,
  type ConversationView,
  type DashboardPage,
  type DayValue,
  pageTime,
  type RunView,
  runDuration,
  type TranscriptEntry,
  type WebPage,
} from "../core/web-page-model";

/** The page's stylesheet path (served by web-route.ts): CSP `default-src 'self'` allows no inline style. */
export const PAGE_CSS_PATH = "/web/page.css";

/** One entry longer than this is cut (with a count), so 500 messages stay well under 200 KB. */
const MAX_ENTRY_CHARS = 2_000;

type Props = Record<string, string | number | undefined>;
/** An element: `h("p", { class: "x" }, child…)`, what TSX would compile to (the project's tsconfig has no JSX mode). */
const h = (tag: Parameters<typeof jsxNode>[0], props: Props | null, ...children: Child[]) => jsxNode(tag, { ...props, children });

export function renderWebPage(page: WebPage): string {
  const body = page.kind === "dashboard" ? dashboardBody(page) : conversationsBody(page);
  const title = page.kind === "dashboard" ? "Relay dashboard" : "Your agent's work";
  return `<!doctype html>${h(
    "html",
    { lang: "en" },
    h(
      "head",
      null,
      h("meta", { charset: "utf-8" }),
      h("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }),
      h("meta", { name: "robots", content: "noindex" }),
      h("title", null, title),
      h("link", { rel: "stylesheet", href: PAGE_CSS_PATH }),
    ),
    h("body", null, body),
  ).toString()}`;
}

function conversationsBody(page: ConversationsPage): Child {
  const zone = page.timeZone;
  return h(
    Fragment,
    null,
    h("header", null, h("h1", null, "Your agent's work"), h("p", { class: "meta" }, `${maskPhone(page.phone)} · as of ${pageTime(page.generatedAt, zone)} (${zone})`)),
    h("section", null, h("h2", null, "Spend per day, last 30 days"), barChart(page.spendByDay, "spend", (v) => formatUsd(v))),
    ...page.conversations.map((c) => conversationSection(c, zone)),
  );
}

function conversationSection(c: ConversationView, zone: string): Child {
  return h(
    "section",
    { class: "conversation", id: `c${c.id}` },
    h("h2", null, `Conversation “${c.name}”`),
    c.truncated ? h("p", { class: "meta" }, "Only the latest 500 messages and replies are shown.") : null,
    c.entries.length === 0 ? h("p", { class: "meta" }, "No messages yet.") : h("ol", { class: "transcript" }, ...c.entries.map((e) => entryItem(e, zone))),
    h("h3", null, "Runs"),
    c.runs.length === 0 ? h("p", { class: "meta" }, "No runs yet.") : runsTable(c.runs, zone),
    h("p", { class: "meta" }, "Tool calls: the relay does not keep them yet; approvals asked are listed with each run."),
    // Diffs come from the VM's checkpoints, stored in R2 (issue 23, items 1–2): their place, no content yet.
    h("div", { class: "diff-pending", id: `c${c.id}-diff` }, h("h3", null, "Changes"), h("p", { class: "meta" }, "Diffs of runs are not available yet.")),
  );
}

const FROM_LABEL = { user: "You", agent: "Agent", relay: "Relay" } as const;

function entryItem(e: TranscriptEntry, zone: string): Child {
  const text = e.text.length > MAX_ENTRY_CHARS ? `${e.text.slice(0, MAX_ENTRY_CHARS)}… (${e.text.length - MAX_ENTRY_CHARS} more characters)` : e.text;
  // Few nodes per entry: a page of 500 renders in the Worker's CPU budget. Who wrote it is the class (and its label, shown by the stylesheet).
  return h("li", { class: e.from, title: FROM_LABEL[e.from] }, h("time", null, pageTime(e.at, zone)), h("p", null, text));
}

function runsTable(runs: readonly RunView[], zone: string): Child {
  return h(
    "table",
    { class: "runs" },
    h("thead", null, h("tr", null, h("th", null, "Started"), h("th", null, "Duration"), h("th", null, "Cost"), h("th", null, "Outcome"), h("th", null, "Approvals"))),
    h(
      "tbody",
      null,
      ...runs.map((r) =>
        h(
          "tr",
          null,
          h("td", null, pageTime(r.startedAt, zone)),
          h("td", null, runDuration(r)),
          h("td", null, formatUsd(r.costUsd)),
          h("td", null, r.outcome ?? "running"),
          h("td", null, r.approvals.length === 0 ? "–" : h("ul", null, ...r.approvals.map((a) => h("li", null, h("b", null, a.tool), ` ${a.description} → ${a.answer ?? a.status}`)))),
        ),
      ),
    ),
  );
}

function dashboardBody(page: DashboardPage): Child {
  const totals = (pick: (d: { messages: number; runs: number; failures: number }) => number): DayValue[] => {
    const days = page.users.find((u) => u.stats)?.stats?.days ?? [];
    return days.map((d, i) => ({ day: d.day, value: page.users.reduce((n, u) => n + (u.stats?.days[i] ? pick(u.stats.days[i]!) : 0), 0) }));
  };
  const utc = (at: number | null) => (at === null ? "never" : `${pageTime(at, "UTC")} UTC`);
  return h(
    Fragment,
    null,
    h("header", null, h("h1", null, "Relay dashboard"), h("p", { class: "meta" }, `as of ${utc(page.generatedAt)}`)),
    page.directoryAnswered ? null : h("p", { class: "warn" }, "The directory did not answer: only configured numbers are listed."),
    h(
      "table",
      { class: "users" },
      h(
        "thead",
        null,
        h("tr", null, ...["User", "Today / daily budget", "Month / monthly budget", "Conversations", "Queued", "Held replies", "Last activity", "Last failure", ...(page.machinesMode ? ["Machine"] : [])].map((t) => h("th", null, t))),
      ),
      h(
        "tbody",
        null,
        ...page.users.map((u) => {
          const s = u.stats;
          if (!s) return h("tr", null, h("td", null, maskPhone(u.phone)), h("td", { colspan: page.machinesMode ? 8 : 7 }, "did not answer"));
          return h(
            "tr",
            null,
            ...[
              maskPhone(u.phone),
              `${formatUsd(s.spentTodayUsd)} / ${formatUsd(s.dailyBudgetUsd)}`,
              `${formatUsd(s.spentMonthUsd)} / ${s.monthlyBudgetUsd === null ? "no cap" : formatUsd(s.monthlyBudgetUsd)}`,
              String(s.conversations),
              String(s.queued),
              String(s.heldReplies),
              utc(s.lastActiveAt),
              s.lastFailure ? `${utc(s.lastFailure.at)} (${s.lastFailure.outcome})` : "none",
              ...(page.machinesMode ? [s.machineState ?? "none yet"] : []),
            ].map((t) => h("td", null, t)),
          );
        }),
      ),
    ),
    h("section", null, h("h2", null, "Messages per day, last 7 days"), barChart(totals((d) => d.messages), "messages", String)),
    h("section", null, h("h2", null, "Runs per day, last 7 days"), barChart(totals((d) => d.runs), "runs", String)),
    h("section", null, h("h2", null, "Failed runs per day, last 7 days"), barChart(totals((d) => d.failures), "failures", String)),
  );
}

const CHART = { width: 600, height: 120, axis: 16 };

/** Bars as inline SVG, each with its day and value as a tooltip and a text fallback for screen readers. */
function barChart(values: readonly DayValue[], name: string, format: (v: number) => string): Child {
  const bars = barGeometry(values, CHART.width, CHART.height);
  const total = values.reduce((n, v) => n + v.value, 0);
  const first = values[0]?.day ?? "";
  const last = values[values.length - 1]?.day ?? "";
  return h(
    "svg",
    { class: `chart ${name}`, viewBox: `0 0 ${CHART.width} ${CHART.height + CHART.axis}`, role: "img", "aria-label": `${name}: ${format(total)} from ${first} to ${last}` },
    ...bars.map((b) => h("rect", { x: b.x, y: b.y, width: b.width, height: b.height }, h("title", null, `${b.day}: ${format(b.value)}`))),
    h("line", { x1: 0, y1: CHART.height, x2: CHART.width, y2: CHART.height }),
    h("text", { x: 0, y: CHART.height + CHART.axis - 3 }, first),
    h("text", { x: CHART.width, y: CHART.height + CHART.axis - 3, "text-anchor": "end" }, last),
  );
}

/** The page's one stylesheet (same origin, so CSP `default-src 'self'` allows it). */
export const PAGE_CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:52rem;padding:1rem;color:#1b1b1b;background:#fafafa}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.15rem;margin-top:1.6rem}h3{font-size:1rem}
.meta{color:#666;font-size:.85rem}.warn{color:#a40000}
.transcript{list-style:none;padding:0}.transcript li{margin:.4rem 0;padding:.5rem .7rem;border-radius:8px;background:#fff;border:1px solid #e3e3e3}
.transcript li.user{background:#e7f7e1;margin-left:2rem}.transcript li.relay{background:#f1f1f1;font-size:.9rem}
.transcript time{color:#555;font-size:.8rem}.transcript p{margin:.1rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
.transcript li.user time::before{content:"You · "}.transcript li.agent time::before{content:"Agent · "}.transcript li.relay time::before{content:"Relay · "}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{border-bottom:1px solid #ddd;padding:.3rem;text-align:left;vertical-align:top}
td ul{margin:0;padding-left:1rem}
svg.chart{width:100%;height:auto;background:#fff;border:1px solid #e3e3e3}svg.chart rect{fill:#2f7d32}svg.chart.failures rect{fill:#b3261e}
svg.chart line{stroke:#999}svg.chart text{font-size:11px;fill:#666}
.diff-pending{border:1px dashed #bbb;padding:.2rem .8rem;margin-top:1rem}`;
