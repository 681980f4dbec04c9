// A run's change as the user sees it (issue 23): totals, the files named, /diff's N, and the
// undo question's state. Pure: the object stores rows and calls the VM; this decides.
import type { RunChangeFile } from "../protocol/vm/changes";
import { messageName } from "../messages/message-name";
import * as z from "zod/mini";
import type { NewQuestion, Question } from "../questions/questions";
import { readJson } from "../shared/json-text";
import type { TapToast } from "../channels/channel";

export type ChangeTotals = { files: number; insertions: number; deletions: number };

export function changeTotals(files: readonly RunChangeFile[]): ChangeTotals {
  return {
    files: files.length,
    insertions: files.reduce((n, f) => n + f.insertions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
  };
}

/** `a.ts, b.ts and 3 more`: at most `max` paths named, the rest counted. */
export function namedFiles(files: readonly Pick<RunChangeFile, "path">[], max = 5): string {
  const shown = files.slice(0, max).map((f) => f.path);
  const more = files.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

/** How a run is named to the user: the start of the message it answered. */
export function runLabel(firstMessage: string | null | undefined): string {
  const text = messageName(firstMessage ?? "", 60);
  return text === "" ? "the agent's last run" : `the run for “${text}”`;
}

/** `/diff` → 1, `/diff 3` → 3; null for anything else. */
export function parseDiffIndex(args: string): number | null {
  const trimmed = args.trim();
  if (trimmed === "") return 1;
  if (!/^\d{1,3}$/.test(trimmed)) return null;
  const n = Number(trimmed);
  return n >= 1 && n <= MAX_DIFF_INDEX ? n : null;
}

/** /diff N reaches back this far. */
export const MAX_DIFF_INDEX = 50;

/** The open /undo question: asked at `askedAt` about `vmRunId` of a conversation. */
export type UndoQuestion = { conversationId: number; vmRunId: string; askedAt: number };

export type UndoReplyWord = "yes" | "no";

/** `yes`/`no` (and a tapped button's payload `undo:yes`/`undo:no`); null for anything else. */
export function parseUndoAnswer(text: string, buttonPayload?: string | null): UndoReplyWord | null {
  const payload = buttonPayload ? /^undo:(yes|no)$/.exec(buttonPayload.trim()) : null;
  if (payload) return payload[1] as UndoReplyWord;
  const word = /^\s*(yes|y|no|n)[.!]?\s*$/i.exec(text)?.[1]?.toLowerCase();
  if (!word) return null;
  return word.startsWith("y") ? "yes" : "no";
}

/** What a tapped /undo button says (channels' TapToastOf). */
export function undoTapToast(payload: string): TapToast | null {
  const undo = parseUndoAnswer("", payload);
  return undo ? { taken: undo === "yes" ? "Undoing ✓" : "Kept ✓" } : null;
}

export const UNDO_BUTTONS = [
  { title: "Yes", id: "undo:yes" },
  { title: "No", id: "undo:no" },
] as const;

/** /undo's question (questions/): yes or no, typed or tapped; one at a time (a new /undo asks it again), answered by the next message only. Its detail: the run a yes undoes. */
export function undoQuestionOf(conversationId: number, askedAt: number, vmRunId: string | null = null): NewQuestion {
  return {
    kind: "undo",
    ref: "current",
    conversationId,
    words: { yes: "yes", y: "yes", no: "no", n: "no" },
    buttons: Object.fromEntries(UNDO_BUTTONS.map((b) => [b.id, b.title.toLowerCase()])),
    nextMessageOnly: true,
    untilRun: true,
    askedAt,
    detail: vmRunId === null ? null : JSON.stringify({ vmRunId }),
    expiresAt: null,
  };
}

const UndoDetailSchema = z.object({ vmRunId: z.string() });

/** What an open /undo question acts on, read from its row; null for a row without one (it undoes nothing). */
export function undoQuestionFrom(q: Pick<Question, "conversationId" | "askedAt" | "detail">): UndoQuestion | null {
  const detail = q.detail === null ? null : readJson(UndoDetailSchema, q.detail);
  return detail && q.conversationId !== null ? { conversationId: q.conversationId, vmRunId: detail.vmRunId, askedAt: q.askedAt } : null;
}
