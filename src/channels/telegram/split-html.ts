// Splits Telegram HTML into messages of at most 4,096 characters at the most natural boundary; an
// element cut by a split (a code block, a bold run) is closed at the end of one part and reopened.

/**
 * sendMessage's limit: "1-4096 characters after entities parsing". Parts are measured as HTML,
 * which is never shorter than the text it shows, so a part within it is within Telegram's too.
 */
export const TELEGRAM_MAX_CHARS = 4096;

type Tag = { kind: "open" | "close"; html: string; name: string };
type Token = Tag | { kind: "text"; html: string; visible: string };

/** A tag, an entity, a surrogate pair, or one code unit: the pieces no split may cut. */
const TOKEN = /<(\/?)([a-z-]+)(?:\s[^>]*)?>|&(amp|lt|gt|quot);|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g;
const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"' };

/** Boundary levels, best first: after a blank line, after a line, after a space; else anywhere. */
const PARAGRAPH = 3;
const LINE = 2;
const WORD = 1;
const ANYWHERE = 0;

export function tokenizeHtml(html: string): Token[] {
  const tokens: Token[] = [];
  for (const match of html.matchAll(TOKEN)) {
    const [whole, slash, name, entity] = match;
    if (name !== undefined) tokens.push({ kind: slash ? "close" : "open", html: whole, name });
    else tokens.push({ kind: "text", html: whole, visible: entity ? ENTITIES[entity]! : whole });
  }
  return tokens;
}

/** The text a message shows: tags dropped, entities read. */
export function visibleText(html: string): string {
  return tokenizeHtml(html)
    .map((t) => (t.kind === "text" ? t.visible : ""))
    .join("");
}

type Candidate = { end: number; level: number; stack: readonly Tag[] };

/**
 * Parts of at most `limit` characters, each with balanced tags; their shown text, joined, is the
 * whole text's. Parts that would show only whitespace (a run of blanks longer than a part) are
 * dropped, as Telegram refuses an empty message. Throws when the tags open at a split leave no
 * room for one character (never for `formatTelegramHtml`'s output at Telegram's limit).
 */
export function splitTelegramHtml(html: string, limit = TELEGRAM_MAX_CHARS): string[] {
  const tokens = tokenizeHtml(html);
  const parts: string[] = [];
  let stack: Tag[] = [];
  let start = 0;
  while (start < tokens.length) {
    const prefix = stack.map((t) => t.html).join("");
    const split = findSplit(tokens, start, stack, prefix.length, limit);
    const body = tokens
      .slice(start, split.end)
      .map((t) => t.html)
      .join("");
    const part = prefix + body + closing(split.stack);
    if (visibleText(part).trim() !== "") parts.push(part);
    stack = [...split.stack];
    start = split.end;
  }
  return parts;
}

function findSplit(tokens: readonly Token[], start: number, opened: readonly Tag[], prefixLength: number, limit: number): Candidate {
  const stack = [...opened];
  let length = prefixLength;
  let best: Candidate | null = null;
  for (let i = start; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === "open") stack.push(token);
    else if (token.kind === "close") {
      const at = stack.map((t) => t.name).lastIndexOf(token.name);
      if (at !== -1) stack.splice(at, 1);
    }
    length += token.html.length;
    if (length + closingLength(stack) > limit) break;
    if (i + 1 === tokens.length) return { end: i + 1, level: PARAGRAPH, stack };
    if (token.kind === "text") {
      const level = levelAfter(tokens, i);
      if (!best || level >= best.level) best = { end: i + 1, level, stack: [...stack] };
    } else if (token.kind === "close" && best && best.end === i) {
      // A split right after a closing tag ends that element here instead of reopening it empty.
      best = { end: i + 1, level: best.level, stack: [...stack] };
    }
  }
  if (!best) throw new RangeError(`a limit of ${limit} leaves no room for text between the tags open at a split`);
  return best;
}

/** How good a boundary it is to split right after text token `i`. */
function levelAfter(tokens: readonly Token[], i: number): number {
  const token = tokens[i] as Extract<Token, { kind: "text" }>;
  if (token.visible === "\n") {
    const previous = previousText(tokens, i);
    return previous === "\n" ? PARAGRAPH : LINE;
  }
  if (token.visible === " " || token.visible === "\t") return WORD;
  return ANYWHERE;
}

function previousText(tokens: readonly Token[], i: number): string | null {
  for (let j = i - 1; j >= 0; j--) {
    const t = tokens[j]!;
    if (t.kind === "text") return t.visible;
  }
  return null;
}

function closing(stack: readonly Tag[]): string {
  return stack
    .map((t) => `</${t.name}>`)
    .reverse()
    .join("");
}

function closingLength(stack: readonly Tag[]): number {
  return stack.reduce((sum, t) => sum + t.name.length + 3, 0);
}
