// /ship on the relay, pure: the question with its buttons, the answer to it, the runs the VM
// writes into the commit and the pull request, and every line the user reads about it.
import * as z from "zod/mini";
import { ShipExpectedSchema, type ShipDone, type ShipExpected, type ShipPlan, type ShipRun } from "../protocol/vm/ship";
import { readJson } from "../shared/json-text";
import { quoteInput } from "../shared/quote-input";
import type { NewQuestion, Question } from "../questions/questions";
import type { TapToast } from "../channels/channel";

export const SHIP_BUTTONS = [
  { title: "Ship", id: "ship:yes" },
  { title: "Cancel", id: "ship:no" },
] as const;

export type ShipAnswer = "yes" | "no";

/** A tapped button (`ship:yes`/`ship:no`) or a typed yes/no; null for anything else. */
export function parseShipAnswer(text: string, buttonPayload?: string | null): ShipAnswer | null {
  const payload = buttonPayload ? /^ship:(yes|no)$/.exec(buttonPayload.trim()) : null;
  if (payload) return payload[1] as ShipAnswer;
  if (buttonPayload) return null;
  const word = /^\s*(yes|y|ship|no|n|cancel)[.!]?\s*$/i.exec(text)?.[1]?.toLowerCase();
  if (!word) return null;
  return word === "yes" || word === "y" || word === "ship" ? "yes" : "no";
}

/** What a tapped /ship button says (channels' TapToastOf). */
export function shipTapToast(payload: string): TapToast | null {
  const ship = parseShipAnswer("", payload);
  return ship ? { taken: ship === "yes" ? "Shipping ✓" : "Cancelled ✓" } : null;
}

/** What the VM's commit and pull request say of a run: the first words of the message that started it, and the agent's last words. */
export function shipRunsOf(runs: ReadonlyArray<{ firstMessage: string | null; reply: string | null }>): ShipRun[] {
  return runs
    .map((r) => ({ asked: quoteInput(r.firstMessage ?? "", 120), said: r.reply ? r.reply.slice(-4000) : undefined }))
    .filter((r) => r.asked !== "")
    .map((r) => (r.said ? r : { asked: r.asked }))
    .slice(-50);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const counts = (p: { files: number; insertions: number; deletions: number }) => `${plural(p.files, "file", "files")}, +${p.insertions} −${p.deletions}`;

/** "Push 3 files, +120 −14, to `agent/api` on acme/api and open a pull request?" */
export function shipQuestion(p: ShipPlan): string {
  const closed = p.closed ? `Pull request #${p.closed.number} was ${p.closed.merged ? "merged" : "closed"} meanwhile, so this goes to a new branch. ` : "";
  const what = p.pull ? `update pull request #${p.pull.number}` : "open a pull request";
  return `${closed}Push ${counts(p)}, to \`${p.branch}\` on ${p.repo} and ${what}?`;
}

/** The reply once shipped: the pull request's link, title and counts. */
export function shipDoneReply(d: ShipDone): string {
  const verb = d.how === "created" ? "Opened" : d.how === "adopted" ? "Pushed to the open" : "Updated";
  const closed = d.closed ? `Pull request #${d.closed.number} was ${d.closed.merged ? "merged" : "closed"}; this is a new one. ` : "";
  return `🚀 ${closed}${verb} pull request #${d.pull.number} “${d.pull.title}”: ${counts(d)} on \`${d.branch}\` → ${d.base}.\n${d.pull.url}`;
}

export const SHIP_DECLINED = "Not shipped: nothing was pushed.";
/** Told when the next message was not Ship or Cancel: the question is closed, and that message went on as any message does. */
export const SHIP_LEFT = "Not shipped: /ship's question closed with your message, which was not Ship or Cancel. Nothing was pushed; send /ship to be asked again.";
export const SHIP_VOIDED = "Not shipped: a run of this conversation started after /ship asked, so its preview no longer holds. Nothing was pushed; send /ship to be asked again once that run is done.";
export const SHIP_PREVIEW_GONE = "Not shipped: the question this answers was asked before the relay kept what it showed. Send /ship again.";
export const SHIP_NO_VM = "The agent VM could not be reached, so nothing was shipped. Try /ship again in a moment.";
export const SHIP_NOT_A_CLONE = "Nothing to ship to: this conversation's project is not a clone of a GitHub repository (/new NAME https://github.com/owner/repo makes one).";

export function shipBusy(conversation: string): string {
  return `@${conversation} is still running: /ship once it has answered (or /stop it).`;
}

/** A refusal of the VM's, in its own words (one line, no credentials), marked as not shipped. */
export function shipRefused(message: string, pushed: boolean): string {
  return pushed ? `⚠️ Pushed, but no pull request: ${message}` : `Not shipped: ${message}`;
}

/** /ship's question (questions/): "Ship" or "Cancel", typed or tapped; one at a time, answered by the next message only. */
export function shipQuestionOf(conversationId: number, askedAt: number, asked: { title: string | null; preview: ShipExpected } | null = null): NewQuestion {
  return {
    kind: "ship",
    ref: "current",
    conversationId,
    words: { yes: "yes", y: "yes", ship: "yes", no: "no", n: "no", cancel: "no" },
    buttons: { "ship:yes": "yes", "ship:no": "no" },
    nextMessageOnly: true,
    untilRun: true,
    askedAt,
    detail: asked === null ? null : JSON.stringify(asked),
    expiresAt: null,
  };
}

/**
 * What a yes to an open /ship question ships: that conversation with that title, and only what its
 * preview showed (null: a question asked before previews were kept, which ships nothing).
 */
export type ShipQuestion = { conversationId: number; title: string | null; askedAt: number; preview: ShipExpected | null };

const ShipDetailSchema = z.object({ title: z.nullable(z.string()), preview: z.nullable(ShipExpectedSchema) });

/** The /ship question a row holds; a detail this code cannot read ships nothing (no preview). */
export function shipQuestionFrom(q: Pick<Question, "conversationId" | "askedAt" | "detail">): ShipQuestion | null {
  if (q.conversationId === null) return null;
  const detail = q.detail === null ? null : readJson(ShipDetailSchema, q.detail);
  return { conversationId: q.conversationId, title: detail?.title ?? null, askedAt: q.askedAt, preview: detail?.preview ?? null };
}
