// The private page's live part: what of a run's stream the page shows as it happens (a tool call as
// its progress line names it, the agent's text, an approval, the change line, the end), how it is
// stored and sent (JSON read back with zod), and what an open link may do. Pure: the object stores
// the events, numbers them, and sends them to the sockets it holds (web/live-pages.ts).
import "../shared/zod-messages";
import * as z from "zod/mini";
import type { VmRunEvent } from "../protocol/vm/runs";
import { changeTotals } from "../changes/run-change";
import { pageApprovalText } from "../approvals/approval-text";
import { planOfDescription } from "../approvals/plan-card";
import { EXIT_PLAN_TOOL } from "../protocol/vm/approvals";
import type { PageScope } from "../conversations/page-scope";

/** The agent's text and an approval's description are cut here: the page links to the whole run. */
export const LIVE_TEXT_MAX_CHARS = 4_000;
/** Only a link sent this recently may stop a run or answer an approval: a forwarded old link watches only. */
export const LIVE_ACT_MS = 60 * 60_000;
/** A page that reconnects gets at most this many events it missed (its run's, normally far fewer). */
export const LIVE_REPLAY_MAX = 500;

export const LiveBodySchema = z.discriminatedUnion("kind", [
  /** A run of the conversation began: a page open with no run going shows its live part from here. */
  z.object({ kind: z.literal("start"), text: z.string() }),
  z.object({ kind: z.literal("tool"), text: z.string() }),
  z.object({ kind: z.literal("text"), text: z.string() }),
  /**
   * `diff`: an edit's diff as text, cut to LIVE_TEXT_MAX_CHARS; `picture`: the chat got the edit
   * drawn as a picture, which the page shows too (livePicturePath, under the page's own link).
   */
  /** `plan`: the agent's plan (the CLI's ExitPlanMode), `text` the plan itself, answered with the plan's three answers. */
  z.object({ kind: z.literal("approval"), approvalId: z.number().check(z.int(), z.positive()), tool: z.string(), text: z.string(), diff: z.optional(z.string()), picture: z.optional(z.boolean()), plan: z.optional(z.boolean()) }),
  z.object({ kind: z.literal("answered"), approvalId: z.number().check(z.int(), z.positive()), text: z.string() }),
  z.object({ kind: z.literal("change"), text: z.string() }),
  z.object({ kind: z.literal("end"), text: z.string() }),
  z.object({ kind: z.literal("failed"), text: z.string() }),
]);
export type LiveBody = z.infer<typeof LiveBodySchema>;

/** One numbered event as the page gets it: `seq` grows by one per event of the phone's object, never reused. */
export type LiveEvent = LiveBody & { seq: number; runId: string; at: number };

export const cut = (text: string, max = LIVE_TEXT_MAX_CHARS) => (text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * What the page shows of one event of a run's stream (none for the stream's bookkeeping). An
 * approval is shown from its stored row (its number, its words), so the caller adds it.
 */
export function liveBodiesOf(event: VmRunEvent): LiveBody[] {
  const change = (event.type === "done" || event.type === "error") && event.change ? changeTotals(event.change.files) : null;
  switch (event.type) {
    case "progress":
      return [{ kind: "tool", text: cut(event.text, 500) }];
    case "result":
      return event.text.trim() === "" ? [] : [{ kind: "text", text: cut(event.text) }];
    case "done":
      return [...changeBody(change), { kind: "end", text: "The run is over: its reply went to the chat." }];
    case "error":
      return [...changeBody(change), { kind: "failed", text: event.code === "cancelled" ? "The run was stopped." : `The run ended without finishing (${event.code.replace(/_/g, " ")}).` }];
    default:
      return [];
  }
}

/**
 * An approval as the page shows it, once: its words (after the tool's name, without repeating it),
 * the edit's picture where the chat got one, and the edit's diff as text, which the page folds
 * under the picture. An edit's words are its summary line alone: its lines are the diff's.
 */
export function approvalBody(a: { id: number; tool: string; description: string }, diff: string | null, picture: boolean): LiveBody {
  if (a.tool === EXIT_PLAN_TOOL) return { kind: "approval", approvalId: a.id, tool: a.tool, text: cut(planOfDescription(a.description)), plan: true };
  const words = pageApprovalText(a.tool, a.description);
  const text = diff === null ? words : (words.split("\n")[0] ?? "");
  return { kind: "approval", approvalId: a.id, tool: a.tool, text, ...(diff === null ? {} : { diff: cut(diff) }), ...(picture ? { picture: true } : {}) };
}

/** What the page shows when a run of its conversation begins (before the agent's first line: a Machine may take seconds to wake). */
export const startBody = (): LiveBody => ({ kind: "start", text: "A run started: what it does shows here as it happens." });

function changeBody(change: ReturnType<typeof changeTotals> | null): LiveBody[] {
  if (!change || change.files === 0) return [];
  return [{ kind: "change", text: `${plural(change.files, "file", "files")} changed, +${change.insertions} −${change.deletions}` }];
}

/** The tags a page's socket is held under: its conversation's (or every conversation's), its link epoch's, and its link's. */
export function liveTags(scope: Exclude<PageScope, { kind: "dashboard" }>, epoch: number, link: string): string[] {
  return [scope.kind === "all" ? "live:all" : `live:c${scope.conversationId}`, `epoch:${epoch}`, `link:${link}`];
}

/** The tags under which the sockets that should get an event of `conversationId` are held. */
export const liveTagsOf = (conversationId: number) => [`live:c${conversationId}`, "live:all"];

/** What the object keeps with a socket (serializeAttachment): it survives the object's eviction. */
export const LiveAttachmentSchema = z.object({
  conversationId: z.nullable(z.number().check(z.int(), z.positive())),
  epoch: z.number().check(z.int(), z.nonnegative()),
  expiresAt: z.number(),
  actUntil: z.number(),
  /** The link that opened it, and when (web/live-caps.ts); absent on a socket opened before either was kept. */
  link: z.optional(z.string()),
  openedAt: z.optional(z.number()),
});
export type LiveAttachment = z.infer<typeof LiveAttachmentSchema>;

/** Whether a held socket should still get events at `now`: its link has not expired nor been revoked. */
export function liveSocketValid(a: LiveAttachment, epoch: number, now: number): boolean {
  return a.epoch === epoch && a.expiresAt > now;
}

/** Until when a link issued at `issuedAt` may stop and answer: an hour after it was sent, and never past its own end. */
export function actUntilOf(issuedAt: number | null, expiresAt: number): number {
  return issuedAt === null ? 0 : Math.min(issuedAt + LIVE_ACT_MS, expiresAt);
}

/** The first message on a socket: whether this link may stop and answer, and until when. */
export function helloOf(a: LiveAttachment, now: number): { type: "hello"; canAct: boolean; actUntil: number; note: string | null } {
  const canAct = a.actUntil > now;
  return { type: "hello", canAct, actUntil: a.actUntil, note: canAct ? null : WATCH_ONLY };
}

export const WATCH_ONLY = "This link is more than an hour old: it can watch, not stop or answer. Send /web in the chat for a fresh link.";

/** A page's write (stop the run, answer an approval), as its script posts it. */
export const LiveActionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("stop") }),
  z.object({ kind: z.literal("answer"), approvalId: z.number().check(z.int(), z.positive()), answer: z.enum(["yes", "no"]) }),
  /** An open plan's answer, as the card's buttons give it. */
  z.object({ kind: z.literal("plan"), approvalId: z.number().check(z.int(), z.positive()), choice: z.enum(["ask", "accept", "change"]) }),
]);
export type LiveAction = z.infer<typeof LiveActionSchema>;

/**
 * Where a page gets an approval's picture: under its own link (`livePath`: /web/<token>/live), so
 * the link authorises it as it does the page, and it ends with the link. The script builds the same.
 */
export const livePicturePath = (livePath: string, approvalId: number) => `${livePath}/picture/${approvalId}`;

/** What the Worker asks the object for an approval's picture: the link it opened, and the approval. */
export type LivePictureRequest = { scope: z.infer<typeof LiveOpenSchema>["scope"]; epoch: number; approvalId: number };

/** What the page calls an approval that is the agent's plan, where it says "Asks" for another. */
export const PLAN_LABEL = "Plan (nothing changed yet)";

/** The fold that holds an edit's diff as text, under its picture (open where there is no picture). */
export const DIFF_FOLD = "The edit as text";

/** What a picture says when it cannot be shown (its diff as text is under it). */
export const PICTURE_ALT = "The edit, drawn as the chat's picture";

/** An approval's number in a picture's path, as the route reads it; null: not one. */
export function approvalIdOf(raw: string): number | null {
  return /^[1-9][0-9]{0,14}$/.test(raw) ? Number(raw) : null;
}

/** The socket's query: the last event the page has (0: none), as a decimal number. */
export function sinceOf(raw: string | null): number | null {
  if (raw === null || raw === "") return 0;
  return /^(0|[1-9][0-9]{0,14})$/.test(raw) ? Number(raw) : null;
}

/** What the Worker tells the object when it hands over a page's socket (the link it opened, the page's last number). */
export const LiveOpenSchema = z.object({
  scope: z.discriminatedUnion("kind", [z.object({ kind: z.literal("conversation"), conversationId: z.number().check(z.int(), z.positive()) }), z.object({ kind: z.literal("all") })]),
  epoch: z.number().check(z.int(), z.nonnegative()),
  expiresAt: z.number(),
  actUntil: z.number(),
  since: z.number().check(z.int(), z.nonnegative()),
  /** The link, named by a part of its digest in the directory (web-links.ts). */
  link: z.string().check(z.regex(/^[0-9a-f]{16,64}$/)),
});
/** The header that carries it (the object is reached only through the Worker, which sets it). */
export const LIVE_OPEN_HEADER = "x-live-open";

/** What the page shows in place of a question once it is closed, however it closed (the chat, the page, the run). */
export function approvalClosedText(status: "allowed" | "denied" | "expired" | "stopped" | "ended"): string {
  switch (status) {
    case "allowed":
      return "Allowed.";
    case "denied":
      return "Denied.";
    case "expired":
      return "Denied: nobody answered in time.";
    case "stopped":
      return "Closed: the run was stopped.";
    case "ended":
      return "Closed: the run ended before an answer.";
  }
}

/** Added once to a long run's first update in the chat: where to watch it (the page, opened at its live part). */
export const watchLiveLine = (url: string) => `👀 Watch it live, stop it or answer it on the page: ${url}`;
