// Turns the agent's Markdown into WhatsApp formatting (*bold*, _italic_, ~strike~), leaving code untouched.
import { placeholdersFor } from "../../shared/placeholders";

const FENCE_OPEN = /^\s*(`{3,})[^`]*$|^\s*(~{3,})/;
const FENCE_CLOSE = /^\s*(`{3,}|~{3,})\s*$/;
const HEADING = /^ {0,3}#{1,6}\s+(.+?)(?:\s+#+)?\s*$/;
const BULLET = /^(\s*)[-*+]\s+(.*)$/;
const RULE = /^\s*([-*_])(?:\s*\1){2,}\s*$/;

/** Not a letter, digit or the marker itself: `snake_case` and `2*3*4` are not emphasis. */
const OPEN = (marker: string) => `(?<![\\p{L}\\p{N}${marker}])`;
const CLOSE = (marker: string) => `(?![\\p{L}\\p{N}${marker}])`;
const SPAN = "(?=\\S)(.+?)(?<=\\S)";
/** Alternatives in priority order; each captures one group, the content. */
const EMPHASIS: ReadonlyArray<readonly [string, (inner: string) => string]> = [
  [`\\*\\*\\*${SPAN}\\*\\*\\*`, (s) => `*_${s}_*`],
  [`${OPEN("_")}___${SPAN}___${CLOSE("_")}`, (s) => `*_${s}_*`],
  [`\\*\\*${SPAN}\\*\\*`, (s) => `*${s}*`],
  [`${OPEN("_")}__${SPAN}__${CLOSE("_")}`, (s) => `*${s}*`],
  [`${OPEN("*")}\\*(?=[^\\s*])(.+?)(?<=[^\\s*])\\*${CLOSE("*")}`, (s) => `_${s}_`],
  [`${OPEN("_")}_(?=[^\\s_])(.+?)(?<=[^\\s_])_${CLOSE("_")}`, (s) => `_${s}_`],
  [`~~${SPAN}~~`, (s) => `~${s}~`],
];
const EMPHASIS_RE = new RegExp(EMPHASIS.map(([source]) => source).join("|"), "gu");

const CODE_SPAN = /(`+)(?:.*?[^`])?\1(?!`)/g;
const ESCAPE = /\\([!-/:-@[-`{-~])/g;
const LINK_TARGET = String.raw`\(((?:[^()\s]|\([^()\s]*\))+)(?:\s+"[^"]*")?\)`;
const IMAGE = new RegExp(String.raw`!\[([^\]]*)\]` + LINK_TARGET, "g");
const LINK = new RegExp(String.raw`\[([^\]]+)\]` + LINK_TARGET, "g");
const AUTOLINK = /<((?:https?|mailto):[^>\s]+)>/g;
const BARE_URL = /\bhttps?:\/\/[^\s<>]+/g;

export function formatForWhatsApp(markdown: string): string {
  const out: string[] = [];
  let fence: string | null = null; // the marker that opened the code block we are in
  for (const line of markdown.replace(/\r\n/g, "\n").split("\n")) {
    if (fence !== null) {
      const close = FENCE_CLOSE.exec(line)?.[1];
      if (close && close[0] === fence[0] && close.length >= fence.length) fence = null;
      out.push(line);
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    fence = open ? (open[1] ?? open[2] ?? null) : null;
    out.push(fence !== null ? line : formatLine(line));
  }
  return out.join("\n");
}

function formatLine(line: string): string {
  if (RULE.test(line)) return line;
  const heading = HEADING.exec(line);
  if (heading) return `*${formatInline(heading[1]!.replace(/(\*\*|__)(.+?)\1/g, "$2"))}*`;
  const bullet = BULLET.exec(line);
  if (bullet) return `${bullet[1]}• ${formatInline(bullet[2]!)}`;
  return formatInline(line);
}

/**
 * Code spans, escapes and URLs are swapped for placeholders first, so that no emphasis
 * rule can reach inside them, and put back at the end. The placeholder character is one
 * the line does not contain.
 */
function formatInline(text: string): string {
  const { keep, restore } = placeholdersFor(text);

  const converted = text
    .replace(CODE_SPAN, (span) => keep(span))
    .replace(ESCAPE, (_, char: string) => keep(char))
    .replace(IMAGE, (_, alt: string, url: string) => (alt ? `${alt} (${keep(url)})` : keep(url)))
    .replace(LINK, (_, label: string, url: string) => (sameTarget(label, url) ? keep(url) : `${label} (${keep(url)})`))
    .replace(AUTOLINK, (_, url: string) => keep(url))
    .replace(BARE_URL, (url) => keep(url))
    .replace(EMPHASIS_RE, convertEmphasis);

  return restore(converted);
}

function convertEmphasis(...match: unknown[]): string {
  const groups = match.slice(1, 1 + EMPHASIS.length);
  const index = groups.findIndex((group) => group !== undefined);
  return EMPHASIS[index]![1](formatEmphasisOnly(groups[index] as string));
}

/** Nested emphasis (`**a *b* c**`): the content is converted by the same rules. */
function formatEmphasisOnly(inner: string): string {
  return inner.replace(EMPHASIS_RE, convertEmphasis);
}

/** `[https://x.io](https://x.io)` and `[x.io](https://x.io)` say the URL once. */
function sameTarget(label: string, url: string): boolean {
  return label === url || label === url.replace(/^(?:https?:\/\/|mailto:)/, "");
}
