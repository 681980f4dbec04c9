// The private page (`/web/<token>`), rendered with Hono's JSX: a conversation's transcript, its
// runs, spend per day; or the operator's dashboard. Readable without JavaScript, nothing fetched
// from elsewhere (the one stylesheet comes from this Worker). Every text written by the user or
// the agent goes in as a child or an attribute, which Hono's JSX escapes, or, for the transcript's
// messages, as WhatsApp's formatting made HTML by core/whatsapp-markup.ts, which escapes every piece
// of the text itself. The one other exception is a run's diff, drawn as HTML by the VM (diff2html)
// and checked against the protocol's allowlist of diff2html's markup (DiffHtmlSchema) when its
// event was read. Where a diff is shown, the draft review of its conversation is too: each line of
// the diff names its anchor, and the page's one script (/web/review.js, same origin) opens a comment
// box under a tapped line; without the script the draft still reads.
import type { Child } from "hono/jsx";
import { Fragment, jsx as jsxNode } from "hono/jsx/jsx-runtime";
import { raw } from "hono/utils/html";
import { formatUsd } from "../core/format-ago";
import { maskPhone } from "../core/phone";
import { whatsappHtml } from "../core/whatsapp-markup";
import { anchorOf } from "../core/review-comments";
import type { LiveEvent } from "../core/web-live";
import type { ReviewDraft } from "../core/review-draft";
import {
  barGeometry,
  type ChangeView,
  chartFigures,
  type ConversationsPage,
  type ConversationView,
  type LiveView,
  type DashboardPage,
  type DayValue,
  inlineChange,
  pageTime,
  type RunPage,
  type RunView,
  runDuration,
  type TranscriptEntry,
  type WebPage,
} from "../core/web-page-model";

/** The page's stylesheet path (served by web-route.ts): CSP `default-src 'self'` allows no inline style. */
export const PAGE_CSS_PATH = "/web/page.css";
/** The page's script (web-review-route.ts): the draft review's comment boxes and buttons. */
export const REVIEW_SCRIPT_PATH = "/web/review.js";
/** The live part's script (web-live-route.ts): the run's events as they come, stop and answer. */
export const LIVE_SCRIPT_PATH = "/web/live.js";

/** One entry longer than this is cut (with a count), so 500 messages stay well under 200 KB. */
const MAX_ENTRY_CHARS = 2_000;

type Props = Record<string, string | number | undefined>;
/** An element: `h("p", { class: "x" }, child…)`, what TSX would compile to (the project's tsconfig has no JSX mode). */
const h = (tag: Parameters<typeof jsxNode>[0], props: Props | null, ...children: Child[]) => jsxNode(tag, { ...props, children });

/**
 * `base`: the link's own path (`/web/<token>`), under which each run's page is linked. `diffs`: the
 * diffs' HTML read from R2 by key (null: not found), for the change shown inline or the run's page.
 */
export type PageExtras = { base: string; diffs: ReadonlyMap<string, string | null> };
const NO_EXTRAS: PageExtras = { base: "", diffs: new Map() };

const TITLES = { dashboard: "Relay dashboard", conversations: "Your agent's work", run: "A run of your agent" } as const;

export function renderWebPage(page: WebPage, extras: PageExtras = NO_EXTRAS): string {
  const body = page.kind === "dashboard" ? dashboardBody(page) : page.kind === "run" ? runPageBody(page, extras) : conversationsBody(page, extras);
  const title = TITLES[page.kind];
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
      showsReview(page) ? h("script", { src: REVIEW_SCRIPT_PATH, defer: "" }) : null,
      showsLive(page) ? h("script", { src: LIVE_SCRIPT_PATH, defer: "" }) : null,
    ),
    h("body", null, body),
  ).toString()}`;
}

/** Whether the page has a live part (one conversation's, with a run going): only then does it load its script. */
const showsLive = (page: WebPage) => page.kind === "conversations" && page.conversations.some((c) => c.live);

/** Whether the page has a review panel (a diff shown, or a draft): only then does it load the script. */
function showsReview(page: WebPage): boolean {
  if (page.kind === "run") return page.run.changes.length > 0 || Boolean(page.review);
  return page.kind === "conversations" && (inlineChange(page.conversations) !== null || page.conversations.some((c) => c.review));
}

const pageHeader = (title: string, page: { phone: string; generatedAt: number; timeZone: string }) =>
  h("header", null, h("h1", null, title), h("p", { class: "meta" }, `${maskPhone(page.phone)} · as of ${pageTime(page.generatedAt, page.timeZone)} (${page.timeZone})`));

/**
 * One conversation's page shows it open; `/web all`'s opens with an index of the conversations, the
 * latest active first, and each conversation folded under its name (a phone scrolls one at a time).
 */
function conversationsBody(page: ConversationsPage, extras: PageExtras): Child {
  const zone = page.timeZone;
  const inline = inlineChange(page.conversations);
  const folded = page.all === true;
  return h(
    Fragment,
    null,
    pageHeader("Your agent's work", page),
    folded ? conversationIndex(page.conversations, zone) : null,
    h("section", null, h("h2", null, "Spend per day, last 30 days"), barChart(page.spendByDay, "spend", (v) => formatUsd(v))),
    ...page.conversations.map((c) => conversationSection(c, zone, extras, inline, folded)),
  );
}

function conversationIndex(conversations: readonly ConversationView[], zone: string): Child {
  const last = (c: ConversationView) => c.entries[c.entries.length - 1]?.at;
  return h(
    "nav",
    { class: "index" },
    h("h2", null, "Conversations"),
    h(
      "ol",
      null,
      ...conversations.map((c) => {
        const at = last(c);
        return h("li", null, h("a", { href: `#c${c.id}` }, c.name), ` · ${c.entries.length} ${c.entries.length === 1 ? "message" : "messages"}${at === undefined ? "" : ` · last ${pageTime(at, zone)}`}`);
      }),
    ),
  );
}

function conversationSection(c: ConversationView, zone: string, extras: PageExtras, inline: ChangeView | null, folded: boolean): Child {
  const shown = inline && c.runs.some((r) => r.changes.includes(inline)) ? inline : null;
  const title = `Conversation “${c.name}”`;
  return h(
    folded ? "details" : "section",
    { class: "conversation", id: `c${c.id}` },
    folded ? h("summary", null, h("h2", null, title)) : h("h2", null, title),
    // What the user came for first: the run going now, then the latest change and its review; the transcript and the runs below.
    c.live ? livePart(c.live, extras.base, zone) : null,
    shown ? h("div", { class: "latest-change", id: "change" }, h("h3", null, "Latest change"), changeDiff(shown, extras, `review-${c.id}`)) : null,
    shown || c.review ? reviewPanel(`review-${c.id}`, c.review ?? null, extras.base) : null,
    h("h3", null, "Messages"),
    c.truncated ? h("p", { class: "meta" }, "Only the latest 500 messages and replies are shown.") : null,
    c.entries.length === 0 ? h("p", { class: "meta" }, "No messages yet.") : h("ol", { class: "transcript" }, ...c.entries.map((e) => entryItem(e, zone))),
    h("h3", null, "Runs"),
    c.runs.length === 0 ? h("p", { class: "meta" }, "No runs yet.") : h("ol", { class: "runs" }, ...c.runs.map((r) => runItem(r, zone, extras.base))),
  );
}

const LIVE_WORDS: Record<LiveEvent["kind"], string> = { tool: "Tool", text: "Agent", approval: "Asks", answered: "Answered", change: "Change", end: "Done", failed: "Ended" };

/**
 * The run going now, as it happened so far; the page's script adds what comes next (and says
 * "live" or "reconnecting"), and, for a link sent within the hour, the stop and answer buttons.
 * Without the script this is what the run had done when the page was made.
 */
function livePart(live: LiveView, base: string, zone: string): Child {
  return h(
    "section",
    { class: "live", id: "live", "data-live": `${base}/live`, "data-since": live.since, "data-running": "1" },
    h("h3", null, "Live: the run going now ", h("span", { class: "live-state", hidden: "" })),
    h("ol", { class: "live-events" }, ...live.events.map((e) => liveItem(e, zone))),
    h("p", { class: "live-note", role: "status", hidden: "" }),
    h("button", { type: "button", class: "live-stop", hidden: "" }, "Stop the run"),
  );
}

function liveItem(e: LiveEvent, zone: string): Child {
  const text = e.kind === "approval" ? `${e.tool} ${e.text}` : e.text;
  const approval = e.kind === "approval" || e.kind === "answered" ? e.approvalId : undefined;
  return h("li", { class: e.kind, "data-seq": e.seq, "data-approval": approval }, h("time", null, pageTime(e.at, zone)), h("b", null, ` ${LIVE_WORDS[e.kind]} `), h("span", { class: "live-text" }, text), e.kind === "approval" && e.diff ? h("pre", { class: "live-diff" }, e.diff) : null);
}

/** A run's own page: every tool call kept, and the diff of each change it made. */
function runPageBody(page: RunPage, extras: PageExtras): Child {
  const { run } = page;
  return h(
    Fragment,
    null,
    pageHeader("A run of your agent", page),
    h("p", null, h("a", { href: extras.base }, `← Conversation “${page.conversation.name}”`)),
    h("ol", { class: "runs" }, runItem(run, page.timeZone, null)),
    ...run.changes.map((c) => h("section", { class: "change" }, changeDiff(c, extras, "review"))),
    run.changes.length > 0 || page.review ? reviewPanel("review", page.review ?? null, extras.base) : null,
  );
}

/**
 * A change's line, then its diff's HTML as the VM drew it (allowlisted markup), or why there is
 * none. The diff names its change (`data-change`) and the review panel its comments go to.
 */
function changeDiff(c: ChangeView, extras: PageExtras, panelId: string): Child {
  const html = c.diffHtmlKey ? extras.diffs.get(c.diffHtmlKey) : null;
  return h(
    Fragment,
    null,
    h("p", { class: "change" }, changeLine(c)),
    html ? h("div", { class: "diff", "data-change": c.vmRunId, "data-review": panelId }, raw(html)) : h("p", { class: "meta" }, c.diffHtmlKey ? "The diff could not be read right now." : "No HTML of this diff was kept."),
  );
}

/**
 * The conversation's draft review: its count, each comment under its anchor, and "Send review"
 * (at the panel's end, in the flow: a bar kept on screen covered the text it floated over).
 * `base`: the link's path, under which the script posts. The controls are for the script, which
 * shows them; without it the draft reads as a list.
 */
function reviewPanel(id: string, draft: ReviewDraft | null, base: string): Child {
  const comments = draft?.comments ?? [];
  return h(
    "section",
    { class: "review", id, "data-base": base, "data-draft": draft?.id ?? "" },
    h("h3", null, "Your review"),
    h("p", { class: "review-count" }, draftCount(comments.length)),
    h(
      "ol",
      { class: "review-comments" },
      ...comments.map((c) =>
        h(
          "li",
          { "data-comment": c.id, "data-comment-file": c.file, "data-comment-side": c.side, "data-comment-line": c.line ?? "", "data-comment-change": c.changeId },
          h("p", { class: "review-anchor" }, anchorOf(c)),
          c.lineText ? h("pre", { class: "review-line" }, c.lineText) : null,
          h("p", { class: "review-body" }, c.body),
          h("button", { type: "button", class: "review-delete", hidden: "" }, "Delete"),
        ),
      ),
    ),
    h("p", { class: "review-hint", hidden: "" }, "Tap a line of the diff, or a file's name, to comment on it. The agent gets the review when you send it."),
    h("p", { class: "review-status", role: "status", hidden: "" }),
    h("div", { class: "review-bar" }, h("button", { type: "button", class: "review-send", hidden: "" }, "Send review")),
  );
}

/** The same words the script writes after each change (review-script.ts). */
const draftCount = (n: number) => (n === 0 ? "No comments in your draft review." : `${n} ${n === 1 ? "comment" : "comments"} in your draft review.`);

const changeLine = (c: ChangeView) =>
  `${c.files} ${c.files === 1 ? "file" : "files"} changed, +${c.insertions} −${c.deletions}${c.undone ? " (undone with /undo)" : ""}${c.truncated ? " (the diff was cut at 2 MB)" : ""}`;

const FROM_LABEL = { user: "You", agent: "Agent", relay: "Relay" } as const;

function entryItem(e: TranscriptEntry, zone: string): Child {
  const text = e.text.length > MAX_ENTRY_CHARS ? `${e.text.slice(0, MAX_ENTRY_CHARS)}… (${e.text.length - MAX_ENTRY_CHARS} more characters)` : e.text;
  // Few nodes per entry: a page of 500 renders in the Worker's CPU budget. Who wrote it is the class (and its label, shown by the stylesheet).
  return h(
    "li",
    { class: e.from, title: FROM_LABEL[e.from] },
    h("time", null, pageTime(e.at, zone)), h("div", { class: "text" }, raw(whatsappHtml(text))),
    e.buttons ? h("p", { class: "buttons" }, ...e.buttons.map((b) => h("span", null, b))) : null,
  );
}

/**
 * One run: when, how long, what it cost and how it ended; approvals asked; its tool calls; what it
 * changed. `base` links (once, from its head: a link holds the whole token) to the run's own page,
 * with all its tool calls and its diff, when there is more to see there; null on that page.
 */
function runItem(r: RunView, zone: string, base: string | null): Child {
  const more = (r.toolCalls?.more ?? 0) > 0 || r.changes.length > 0;
  const page = base !== null && more ? h(Fragment, null, " · ", h("a", { href: `${base}/runs/${encodeURIComponent(r.id)}` }, r.changes.length > 0 ? "its diff and tool calls" : "all its tool calls")) : null;
  return h(
    "li",
    { class: "run" },
    h("p", { class: "run-head" }, h("time", null, pageTime(r.startedAt, zone)), ` · ${runDuration(r)} · ${formatUsd(r.costUsd)} · ${r.outcome ?? "running"}`, r.startedBy ? ` · started by ${r.startedBy}` : null, page),
    r.startedWith ? h("details", { class: "event" }, h("summary", null, "What the agent was asked (the event's data, quoted)"), h("pre", null, r.startedWith)) : null,
    r.approvals.length === 0 ? null : h("ul", { class: "approvals" }, ...r.approvals.map((a) => h("li", null, "Asked: ", h("b", null, a.tool), ` ${a.description} → ${a.answer ?? a.status}`))),
    toolCallsOf(r, base === null),
    ...r.changes.map((c) => h("p", { class: "change" }, changeLine(c))),
  );
}

/** `all`: this is the run's own page, which lists every call the VM kept. */
function toolCallsOf(r: RunView, all: boolean): Child {
  if (!r.toolCalls) return h("p", { class: "meta" }, r.endedAt === null ? "Tool calls: listed when the run ends." : "Tool calls not recorded (the run was cut off).");
  const { calls, more } = r.toolCalls;
  if (calls.length === 0) return h("p", { class: "meta" }, more > 0 ? `${more} tool calls${all ? "" : ", listed on the run's page"}.` : "No tool calls.");
  const rest = more === 0 ? null : h("li", { class: "more" }, all ? `and ${more} more, not kept` : `and ${more} more on the run's page`);
  // Few nodes per call (50 runs stay within the page's 200 KB): the tool's name is text, its input code.
  return h("ol", { class: "tools" }, ...calls.map((c) => h("li", c.notApproved ? { class: "refused" } : null, `${c.tool} `, h("code", null, c.input), c.notApproved ? " (not approved: it did not run)" : null)), rest);
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
        h("tr", null, ...["User", "Today / daily budget", "Month / monthly budget", "Conversations", "Queued", "Held replies", "Last activity", "Last failure", ...(page.machinesMode ? ["Machine", "Archive"] : [])].map((t) => h("th", null, t))),
      ),
      h(
        "tbody",
        null,
        ...page.users.map((u) => {
          const s = u.stats;
          if (!s) return h("tr", null, h("td", null, maskPhone(u.phone)), h("td", { colspan: page.machinesMode ? 9 : 7 }, "did not answer"));
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
              ...(page.machinesMode ? [s.machineState ?? "none yet", s.archive ?? "none"] : []),
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

/** The chart's box in its own units: a band above the bars for their amounts, a gutter at the left for the scale, one below for the days. */
const CHART = { width: 480, top: 22, bars: 110, axis: 22, gutter: 58 };

/**
 * Bars as inline SVG that say their amounts without JavaScript: the scale (the highest amount at
 * the top line, 0 at the foot), each bar's amount above it (the highest bar's alone on a chart
 * of many days), each day and amount as a tooltip; then the total and the highest day as a line
 * of text, which a phone shows at the page's own size.
 */
function barChart(values: readonly DayValue[], name: string, format: (v: number) => string): Child {
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

/**
 * The page's one stylesheet (same origin, so CSP `default-src 'self'` allows it). A diff reads on a
 * phone: its line numbers take only their width (`width:1%`; a table at 100% would otherwise share
 * its width out between the columns) and its code lines wrap, so at 390 px the code starts near the left.
 */
export const PAGE_CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:52rem;padding:1rem;color:#1b1b1b;background:#fafafa}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.15rem;margin-top:1.6rem}h3{font-size:1rem}
.meta{color:#666;font-size:.85rem}.warn{color:#a40000}
.transcript{list-style:none;padding:0}.transcript li{margin:.4rem 0;padding:.5rem .7rem;border-radius:8px;background:#fff;border:1px solid #e3e3e3}
.transcript li.user{background:#e7f7e1;margin-left:2rem}.transcript li.relay{background:#f1f1f1;font-size:.9rem}
.transcript time{color:#555;font-size:.8rem}.transcript .text{margin:.1rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
.transcript pre{margin:.2rem 0;padding:.3rem;background:#f4f4f4;white-space:pre-wrap;overflow-wrap:anywhere}.transcript blockquote{margin:.2rem 0;padding-left:.6rem;border-left:3px solid #ccc;color:#444}
.transcript .buttons{margin:.3rem 0 0}.transcript .buttons span{display:inline-block;margin-right:.4rem;padding:.1rem .6rem;border:1px solid #9bb;border-radius:1rem;font-size:.85rem;color:#066}
.index ol{padding-left:1.4rem}details.conversation>summary{cursor:pointer}details.conversation>summary h2{display:inline}
details.event pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.8rem;background:#f4f4f4;padding:.3rem}
.transcript li.user time::before{content:"You · "}.transcript li.agent time::before{content:"Agent · "}.transcript li.relay time::before{content:"Relay · "}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{border-bottom:1px solid #ddd;padding:.3rem;text-align:left;vertical-align:top}
td ul{margin:0;padding-left:1rem}
svg.chart{width:100%;max-width:32rem;height:auto;background:#fff;border:1px solid #e3e3e3}svg.chart rect{fill:#2f7d32}svg.chart.failures rect{fill:#b3261e}
svg.chart line{stroke:#999}svg.chart line.grid{stroke:#ddd;stroke-dasharray:4 3}svg.chart text{font-size:15px;fill:#555}svg.chart text.amount{fill:#1b1b1b;font-weight:600}
.chart-figures{margin:.2rem 0 0;font-size:.9rem}
.runs{padding-left:1.4rem;font-size:.85rem}.run{margin:.5rem 0;border-bottom:1px solid #ddd}.run *{margin:.15rem 0}
.approvals li{white-space:pre-wrap;overflow-wrap:anywhere}.tools{padding-left:1.2rem;font-weight:600}.tools code{font-weight:400;white-space:pre-wrap;overflow-wrap:anywhere}.tools .refused{font-weight:400}.tools .refused code{text-decoration:line-through}.change{font-weight:600}
.diff{overflow-x:auto}.d2h-file-wrapper{border:1px solid #ddd;margin:.6rem 0;background:#fff}.d2h-file-header{padding:.3rem .6rem;background:#eee;font-weight:600}
.d2h-tag{margin-left:.5rem;font-size:.7rem;color:#666}.d2h-diff-table{border-collapse:collapse;font:12px/1.4 monospace;width:100%}.d2h-diff-table td{border:0;padding:0 .3rem}
.d2h-code-line{white-space:pre-wrap;overflow-wrap:anywhere}
.d2h-code-linenumber{color:#999;text-align:right;width:1%;white-space:nowrap;font-size:11px;padding:0 .2rem}.line-num1,.line-num2{display:inline-block;min-width:1.4em}.d2h-info{background:#eef;color:#555}
.d2h-ins{background:#dfd}.d2h-ins ins{background:#aea;text-decoration:none}.d2h-del{background:#fdd}.d2h-del del{background:#f99;text-decoration:none}
[hidden]{display:none!important}
.diff [data-side]{cursor:pointer}.d2h-file-header[data-side]{min-height:44px;display:flex;align-items:center}
@media (pointer:coarse){.diff tr[data-side]>td{height:44px;vertical-align:middle}}
.diff tr.review-tapped>td{outline:2px solid #1a73e8;outline-offset:-2px}.diff tr.review-commented>td:last-child{box-shadow:inset 4px 0 #e0a800}
.review-box{padding:.5rem;margin:.3rem 0;background:#fffbe6;border:1px solid #e0c96b;border-radius:6px;font:15px/1.45 system-ui,sans-serif}
.review-box textarea{box-sizing:border-box;width:100%;min-height:88px;font:16px/1.4 system-ui,sans-serif;padding:.4rem}
.review button{min-height:44px;min-width:44px;padding:0 1rem;font-size:16px;border-radius:6px;border:1px solid #888;background:#fff}
.review-box button{min-height:44px;min-width:44px;padding:0 1rem;font-size:16px;margin:.3rem .5rem 0 0;border-radius:6px;border:1px solid #888;background:#fff}
.review button.review-send,.review-box button.review-add{background:#1a73e8;border-color:#1a73e8;color:#fff}.review button:disabled{opacity:.5}
.review{border-top:2px solid #ddd;margin-top:1rem}.review-comments{padding-left:1.2rem}.review-comments li{margin:.5rem 0}.review-comments p{margin:.1rem 0}
.review-anchor{font-weight:600;overflow-wrap:anywhere}.review-line{margin:.2rem 0;padding:.2rem .4rem;background:#f4f4f4;white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px}.review-body{white-space:pre-wrap;overflow-wrap:anywhere}
.review-bar{padding:.5rem 0}.review-error{color:#a40000}
.live{border:2px solid #1a73e8;border-radius:8px;padding:.2rem .7rem;margin:.8rem 0;background:#fff}.live-state{font-size:.8rem;padding:.1rem .5rem;border-radius:1rem;background:#eee}
.live-state.live{background:#dff5e1;color:#1b5e20}.live-state.reconnecting,.live-state.ended{background:#fff3cd;color:#7a4f00}
.live-events{list-style:none;padding:0;font-size:.9rem}.live-events li{margin:.3rem 0;overflow-wrap:anywhere;white-space:pre-wrap}.live-events time{color:#666;font-size:.8rem}
.live-events li.approval{background:#fffbe6;padding:.3rem}.live-diff{font:12px/1.4 monospace;white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f4f4;padding:.3rem;margin:.2rem 0}.live-events li.failed{color:#a40000}.live-events li.change,.live-events li.end{font-weight:600}
.live button{min-height:44px;min-width:44px;padding:0 1rem;font-size:16px;margin:.3rem .5rem .3rem 0;border-radius:6px;border:1px solid #888;background:#fff}.live-error{color:#a40000}`;
