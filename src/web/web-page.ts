// The private page (`/web/<token>`), rendered with Hono's JSX: a conversation's transcript, its
// runs, spend per day; or the operator's dashboard. Readable without JavaScript, nothing fetched
// from elsewhere (the one stylesheet comes from this Worker). Every text written by the user or
// the agent goes in as a child or an attribute, which Hono's JSX escapes, or, for the transcript's
// messages, as WhatsApp's formatting made HTML by web/whatsapp-markup.ts, which escapes every piece
// of the text itself. The one other exception is a run's diff, drawn as HTML by the VM (diff2html)
// and checked against the protocol's allowlist of diff2html's markup (DiffHtmlSchema) when its
// event was read. Where a diff is shown, the draft review of its conversation is too: each line of
// the diff names its anchor, and the page's one script (/web/review.js, same origin) opens a comment
// box under a tapped line; without the script the draft still reads. Beside it: the operator's
// dashboard (web-page-dashboard.ts), the bar charts (web-page-charts.ts), the stylesheet (web-page-styles.ts).
import type { Child } from "hono/jsx";
import { Fragment } from "hono/jsx/jsx-runtime";
import { raw } from "hono/utils/html";
import { formatUsd } from "../shared/format-ago";
import { byModelLine } from "../usage/spend-replies";
import { maskPhone } from "../shared/phone";
import { whatsappHtml } from "./whatsapp-markup";
import { anchorOf } from "../protocol/review-comments";
import { DIFF_FOLD, type LiveEvent, livePicturePath, PICTURE_ALT, PLAN_LABEL } from "./web-live";
import type { ReviewDraft } from "../changes/review-draft";
import { clipPreviewCommand } from "../preview/preview-choice";
import { EXIT_PLAN_TOOL } from "../protocol/vm/approvals";
import { planOfDescription } from "../approvals/plan-card";
import {
  type ApprovalView,
  type ChangeView,
  type ConversationsPage,
  type ConversationView,
  type LiveView,
  inlineChange,
  pageTime,
  type RunPage,
  type RunView,
  runDuration,
  type TranscriptEntry,
  type WebPage,
} from "./web-page-model";
import { barChart } from "./web-page-charts";
import { dashboardBody } from "./web-page-dashboard";
import { h } from "./web-page-element";

export { PAGE_CSS } from "./web-page-styles";

/** The page's stylesheet path (served by web-route.ts): CSP `default-src 'self'` allows no inline style. */
export const PAGE_CSS_PATH = "/web/page.css";
/** The page's script (web-review-route.ts): the draft review's comment boxes and buttons. */
export const REVIEW_SCRIPT_PATH = "/web/review.js";
/** The live part's script (web-live-route.ts): the run's events as they come, stop and answer. */
export const LIVE_SCRIPT_PATH = "/web/live.js";

/** One entry longer than this is cut (with a count), so 500 messages stay well under 200 KB. */
const MAX_ENTRY_CHARS = 2_000;


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

/** Whether the page has a live part (one conversation's, with a run going or not): only then does it load its script. */
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
    h("section", null, h("h2", null, "Spend per day, last 30 days"), barChart(page.spendByDay, "spend", (v) => formatUsd(v)), spendByModel(page)),
    ...page.conversations.map((c) => conversationSection(c, zone, extras, inline, folded)),
  );
}

/** This month by model, in /cost's words, under the chart: every conversation's (the split is kept per model, not per conversation). */
function spendByModel(page: ConversationsPage): Child {
  const line = byModelLine(page.spendByModel ?? []);
  return line === null ? null : h("p", { class: "spend-models" }, line, page.all === true ? null : " (all your conversations)");
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
    c.preview ? previewLine(c.preview) : null,
    h("h3", null, "Messages"),
    c.truncated ? h("p", { class: "meta" }, "Only the latest 500 messages and replies are shown.") : null,
    c.entries.length === 0 ? h("p", { class: "meta" }, "No messages yet.") : h("ol", { class: "transcript" }, ...c.entries.map((e) => entryItem(e, zone))),
    h("h3", null, "Runs"),
    c.runs.length === 0 ? h("p", { class: "meta" }, "No runs yet.") : h("ol", { class: "runs" }, ...c.runs.map((r) => runItem(r, zone, extras.base))),
  );
}

/** The server kept for the conversation's preview; its link is a bearer link of its own, so it is asked for in the chat. */
function previewLine(server: { port: number; command: string }): Child {
  return h("p", { class: "preview meta" }, "Preview server: port ", String(server.port), " (", h("code", null, clipPreviewCommand(server.command)), "). Send /preview in the chat for its link; /preview off ends it.");
}

const LIVE_WORDS: Record<LiveEvent["kind"], string> = { start: "Started", tool: "Tool", text: "Agent", approval: "Asks", answered: "Answered", change: "Change", end: "Done", failed: "Ended" };

/**
 * The run going now, as it happened so far; the page's script adds what comes next (and says
 * "live" or "reconnecting"), and, for a link sent within the hour, the stop and answer buttons.
 * Without the script this is what the run had done when the page was made. With no run going the
 * part is hidden: the script shows it when a run of the conversation starts.
 */
function livePart(live: LiveView, base: string, zone: string): Child {
  return h(
    "section",
    { class: "live", id: "live", "data-live": `${base}/live`, "data-since": live.since, "data-running": live.running ? "1" : "0", hidden: live.running ? undefined : "" },
    h("h3", null, "Live: the run going now ", h("span", { class: "live-state", hidden: "" })),
    h("ol", { class: "live-events" }, ...live.events.map((e) => liveItem(e, zone, `${base}/live`))),
    h("p", { class: "live-note", role: "status", hidden: "" }),
    h("button", { type: "button", class: "live-stop", hidden: "" }, "Stop the run"),
  );
}

/** One event of the live part; an approval with its edit's picture (as the chat got it, under the page's link) and its diff as text, folded under it. */
function liveItem(e: LiveEvent, zone: string, livePath: string): Child {
  const plan = e.kind === "approval" && e.plan === true;
  const text = e.kind === "approval" && !plan ? `${e.tool} ${e.text}` : e.text;
  const approval = e.kind === "approval" || e.kind === "answered" ? e.approvalId : undefined;
  return h(
    "li",
    { class: e.kind, "data-seq": e.seq, "data-approval": approval, "data-plan": plan ? "" : undefined },
    h("time", null, pageTime(e.at, zone)),
    h("b", null, ` ${plan ? PLAN_LABEL : LIVE_WORDS[e.kind]} `),
    h("span", { class: "live-text" }, text),
    e.kind === "approval" && e.picture ? h("img", { class: "live-picture", src: livePicturePath(livePath, e.approvalId), alt: PICTURE_ALT }) : null,
    e.kind === "approval" && e.diff ? h("details", { class: "live-fold", open: e.picture ? undefined : "" }, h("summary", null, DIFF_FOLD), h("pre", { class: "live-diff" }, e.diff)) : null,
  );
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
    r.approvals.length === 0 ? null : h("ul", { class: "approvals" }, ...r.approvals.map(approvalItem)),
    toolCallsOf(r, base === null),
    ...r.changes.map((c) => h("p", { class: "change" }, changeLine(c))),
  );
}

/** What a plan's answer did, as the run's list says it (its row keeps allowed or not, not which of the two ways it went ahead). */
const PLAN_OUTCOMES: Record<string, string> = { pending: "waiting for your answer", allowed: "gone ahead", denied: "not carried out (changed or declined)", expired: "not answered in time: not carried out", stopped: "closed: the run was stopped" };

/** An approval the run asked, with its answer; the agent's plan named as a plan, its text whole (the list keeps line breaks). */
function approvalItem(a: ApprovalView): Child {
  if (a.tool !== EXIT_PLAN_TOOL) return h("li", null, "Asked: ", h("b", null, a.tool), ` ${a.description} → ${a.answer ?? a.status}`);
  return h("li", { class: "plan" }, h("b", null, "The agent's plan"), `: ${planOfDescription(a.description)}\n→ ${PLAN_OUTCOMES[a.status] ?? a.status}`);
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
