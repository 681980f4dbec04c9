// Splits a reply into WhatsApp-sized parts at the most natural boundary, keeping code fences balanced.

/** Twilio's limit for one WhatsApp message body, in UTF-16 code units. */
export const WHATSAPP_MAX_CHARS = 1600;
/** Below this a part could not hold a fence's close and reopen lines and some content. */
const MIN_LIMIT = 16;

const FENCE_OPEN = /^([ \t]*)(`{3,})([^`]*)$/;
const FENCE_CLOSE = /^[ \t]*(`{3,})[ \t]*$/;
const STARTS_WITH_TICKS = /^\s*```/;

/** Boundaries from most to least natural; the first level with a usable one wins. */
const BOUNDARIES: readonly RegExp[] = [
  /\n[ \t]*\n/g, // paragraph: the split goes where the blank line starts
  /\n/g, // line
  /[.!?…。！？]["'”’)\]]*(?=\s)/dg, // sentence: the split goes after the punctuation
  /(?<=\S)[ \t]/g, // word
];

type Opener = { ticks: string; line: string };
type Line = {
  start: number;
  end: number;
  /** Where the line's leading backticks end (its start when it has none). */
  ticksEnd: number;
  kind: "text" | "open" | "close" | "ticks";
  before: Opener | null;
  after: Opener | null;
};
/** Where a split leaves us: outside a code block, inside one, or inside its opening line. */
type FenceAt = { opener: Opener | null; inOpenerLine: boolean };

/**
 * Parts in order, each 1..limit UTF-16 code units and never ending inside a code block:
 * a split inside one closes it at the end of the part and reopens it, with its info
 * string, at the start of the next. Whitespace at the splits is dropped, except the
 * indentation of code lines. A hard split happens only inside a word longer than the
 * limit, and never between the two halves of a surrogate pair. Degenerate input (a run
 * of whitespace or backticks longer than a part) may cost an empty code block, or with
 * a line of backticks longer than the limit, the balance of that part's fences.
 */
export function chunkReply(text: string, limit = WHATSAPP_MAX_CHARS): string[] {
  if (!Number.isInteger(limit) || limit < MIN_LIMIT) throw new RangeError(`limit must be an integer >= ${MIN_LIMIT}`);
  const parts: string[] = [];
  let rest = text.replace(/\r\n/g, "\n").trim();
  while (rest !== "") {
    const lines = scanLines(rest, limit);
    const last = lines[lines.length - 1]!;
    if (last.end === rest.length && rest.length + closeCost(last.after, limit) <= limit) {
      parts.push(last.after ? `${rest}\n${marks(last.after, limit).close}` : rest);
      break;
    }
    const cut = cutAt(rest, findSplit(rest, lines, limit), limit);
    parts.push(cut.part);
    rest = cut.rest;
  }
  return parts;
}

/** The lines that start within the window, each with the code block it is in. */
function scanLines(text: string, limit: number): Line[] {
  const lines: Line[] = [];
  let open: Opener | null = null;
  for (let start = 0; start <= limit; ) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    const line = text.slice(start, end);
    const before: Opener | null = open;
    let kind: Line["kind"] = STARTS_WITH_TICKS.test(line) ? "ticks" : "text";
    const opening: RegExpExecArray | null = open ? null : FENCE_OPEN.exec(line);
    if (opening) {
      open = { ticks: opening[2]!, line };
      kind = "open";
    } else if (open && closes(line, open)) {
      open = null;
      kind = "close";
    }
    const ticksEnd = start + /^\s*`*/.exec(line)![0].length;
    lines.push({ start, end, ticksEnd, kind, before, after: open });
    if (newline === -1) break;
    start = newline + 1;
  }
  return lines;
}

function closes(line: string, opener: Opener): boolean {
  return (FENCE_CLOSE.exec(line)?.[1]?.length ?? 0) >= opener.ticks.length;
}

/**
 * The fence state at a split position, or null where the split would change what a line
 * of backticks means: an opening line may be split only in its info string, a closing
 * line not at all, another line of backticks only where its first half stays ordinary.
 */
function fenceAt(text: string, lines: readonly Line[], at: number): FenceAt | null {
  const line = lines.findLast((l) => l.start <= at)!;
  if (at === line.start || line.kind === "text") return { opener: line.before, inOpenerLine: false };
  if (at === line.end) return line.kind === "open" ? null : { opener: line.after, inOpenerLine: false };
  if (at <= line.ticksEnd || line.kind === "close") return null;
  if (line.kind === "open") return { opener: line.after, inOpenerLine: true };
  const head = text.slice(line.start, at);
  const changes = line.before ? closes(head, line.before) : FENCE_OPEN.test(head);
  return changes ? null : { opener: line.before, inOpenerLine: false };
}

/** The close line, and the reopen line unless it would eat too much of a part. */
function marks(opener: Opener, limit: number): { close: string; reopen: string } {
  const close = opener.ticks.length <= limit / 4 ? opener.ticks : "```";
  return { close, reopen: opener.line.length <= limit / 4 ? opener.line.trimStart() : close };
}

function closeCost(opener: Opener | null, limit: number): number {
  return opener ? 1 + marks(opener, limit).close.length : 0;
}

type Split = { at: number; fence: FenceAt };

function findSplit(rest: string, lines: readonly Line[], limit: number): Split {
  // A part must hold something besides a reopened fence's opening line.
  const first = lines[0]!;
  const floor = first.kind === "open" ? first.ticksEnd : 0;
  const contentFrom = skipSpace(rest, floor);
  const fits = (at: number, fence: FenceAt) => trimmedLength(rest, at) + closeCost(fence.opener, limit) <= limit;
  const usable = (at: number, after: number): FenceAt | null => {
    if (at <= after || at >= rest.length || splitsSurrogate(rest, at)) return null;
    const fence = fenceAt(rest, lines, at);
    if (!fence || !fits(at, fence)) return null;
    // A word that starts with ``` must not become the start of a line of its own.
    const restStart = skipSpace(rest, at);
    const atLineStart = restStart > at && rest.lastIndexOf("\n", restStart - 1) >= at;
    return !atLineStart && STARTS_WITH_TICKS.test(rest.slice(restStart, restStart + 3)) ? null : fence;
  };
  const hardSplit = (after: number): Split | null => {
    for (let at = Math.min(limit, rest.length - 1); at > after; at--) {
      const fence = usable(at, after);
      if (fence) return { at, fence };
    }
    return null;
  };
  for (const boundary of BOUNDARIES) {
    let best: Split | null = null;
    for (const match of rest.matchAll(boundary)) {
      const at = match.indices ? match.indices[0]![1] : match.index;
      if (at > limit) break;
      const fence = usable(at, contentFrom);
      if (fence) best = { at, fence };
    }
    if (best) return best;
  }
  // When even that fails (whitespace or backticks too long for a part), a part may hold
  // just an empty code block, as long as the split gets past the opening line.
  const fallback = hardSplit(contentFrom) ?? hardSplit(first.kind === "open" ? first.end : 0);
  if (fallback) return fallback;
  // Only for a line of backticks longer than the limit: split it as plain text.
  const at = Math.min(limit, rest.length - 1);
  return { at: splitsSurrogate(rest, at) ? at - 1 : at, fence: { opener: null, inOpenerLine: false } };
}

function cutAt(rest: string, split: { at: number; fence: FenceAt }, limit: number): { part: string; rest: string } {
  const { at, fence } = split;
  const part = rest.slice(0, at).trimEnd();
  const gapEnd = skipSpace(rest, at);
  if (!fence.opener) return { part, rest: rest.slice(gapEnd) };
  // Inside code the next line keeps its indentation; only the line break goes.
  const newline = rest.lastIndexOf("\n", gapEnd - 1);
  const next = rest.slice(newline >= at ? newline + 1 : gapEnd);
  const { close, reopen } = marks(fence.opener, limit);
  return { part: `${part}\n${close}`, rest: fence.inOpenerLine ? `${close}${next}` : `${reopen}\n${next}` };
}

function skipSpace(text: string, from: number): number {
  let at = from;
  while (at < text.length && /\s/.test(text[at]!)) at++;
  return at;
}

function trimmedLength(text: string, end: number): number {
  let length = end;
  while (length > 0 && /\s/.test(text[length - 1]!)) length--;
  return length;
}

function splitsSurrogate(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  const after = text.charCodeAt(at);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}
