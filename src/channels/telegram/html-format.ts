// Turns the agent's Markdown into Telegram's HTML parse mode (https://core.telegram.org/bots/api#html-style):
// code fences, inline code, bold, italic, strike, headings and links; every other <, > and & escaped.
import { placeholdersFor } from "../../shared/placeholders";

const FENCE_OPEN = /^\s*(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const FENCE_CLOSE = /^\s*(`{3,}|~{3,})\s*$/;
const HEADING = /^ {0,3}#{1,6}\s+(.+?)(?:\s+#+)?\s*$/;
const BULLET = /^(\s*)[-*+]\s+(.*)$/;
/** A language Telegram can name in `class="language-…"`; anything else is left out. */
const LANGUAGE = /^[A-Za-z0-9_+#.-]{1,20}$/;
/** A link's target is repeated when a part reopens it: a longer one stays as text. */
const MAX_HREF = 512;

const CODE_SPAN = /(`+)(?!`)(.*?[^`])\1(?!`)/g;
const ESCAPED = /\\([!-/:-@[-`{-~])/g;
const LINK = /\[([^\]]+)\]\(((?:https?|mailto|tg):[^()\s]+)\)/g;
const BARE_URL = /\bhttps?:\/\/[^\s<>]+[^\s<>.,;:!?)'"]/g;

const OPEN = (marker: string) => `(?<![\\p{L}\\p{N}${marker}])`;
const CLOSE = (marker: string) => `(?![\\p{L}\\p{N}${marker}])`;
const SPAN = "(?=\\S)(.+?)(?<=\\S)";
/** Alternatives in priority order; each captures one group, the content. */
const EMPHASIS: ReadonlyArray<readonly [string, string]> = [
  [`\\*\\*${SPAN}\\*\\*`, "b"],
  [`${OPEN("_")}__${SPAN}__${CLOSE("_")}`, "b"],
  [`${OPEN("*")}\\*(?=[^\\s*])(.+?)(?<=[^\\s*])\\*${CLOSE("*")}`, "i"],
  [`${OPEN("_")}_(?=[^\\s_])(.+?)(?<=[^\\s_])_${CLOSE("_")}`, "i"],
  [`~~${SPAN}~~`, "s"],
];
const EMPHASIS_RE = new RegExp(EMPHASIS.map(([source]) => source).join("|"), "gu");

/** `<`, `>` and `&` as entities: the three Telegram requires outside tags (and `"` inside attributes). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, "&quot;");
}

/** The whole text in Telegram HTML; an unclosed code fence is closed at the end. */
export function formatTelegramHtml(markdown: string): string {
  const out: string[] = [];
  let fence: { marker: string; lines: string[]; language: string | null } | null = null;
  const closeFence = () => {
    const attr = fence!.language ? ` class="language-${fence!.language}"` : "";
    out.push(`<pre><code${attr}>${escapeHtml(fence!.lines.join("\n"))}</code></pre>`);
    fence = null;
  };
  for (const line of markdown.replace(/\r\n/g, "\n").split("\n")) {
    if (fence) {
      const close = FENCE_CLOSE.exec(line)?.[1];
      if (close && close[0] === fence.marker[0] && close.length >= fence.marker.length) closeFence();
      else fence.lines.push(line);
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open) {
      const language = open[2] && LANGUAGE.test(open[2]) ? open[2] : null;
      fence = { marker: open[1]!, lines: [], language };
      continue;
    }
    out.push(formatLine(line));
  }
  if (fence) closeFence();
  return out.join("\n");
}

function formatLine(line: string): string {
  const heading = HEADING.exec(line);
  if (heading) return `<b>${formatInline(heading[1]!.replace(/(\*\*|__)(.+?)\1/g, "$2"))}</b>`;
  const bullet = BULLET.exec(line);
  if (bullet && !/^\s*\*\*/.test(line)) return `${bullet[1]}• ${formatInline(bullet[2]!)}`;
  return formatInline(line);
}

/**
 * Code spans, escapes and links become placeholders first (already HTML), so no emphasis rule
 * reaches inside them; the rest is escaped, emphasis applied, and the placeholders put back. The
 * placeholder character is one the line does not contain.
 */
function formatInline(text: string): string {
  const { keep, restore } = placeholdersFor(text);

  const converted = escapeHtml(
    text
      .replace(CODE_SPAN, (_, _ticks: string, code: string) => keep(`<code>${escapeHtml(code.trim() === "" ? code : code.replace(/^ (.*) $/, "$1"))}</code>`))
      .replace(ESCAPED, (_, char: string) => keep(escapeHtml(char)))
      .replace(LINK, (whole: string, label: string, url: string) => (url.length > MAX_HREF ? keep(escapeHtml(whole)) : keep(`<a href="${escapeAttribute(url)}">${formatEmphasis(escapeHtml(label))}</a>`)))
      .replace(BARE_URL, (url) => keep(escapeHtml(url))),
  );
  return restore(formatEmphasis(converted));
}

/** Emphasis over escaped text; nested emphasis (`**a *b* c**`) is converted by the same rules. */
function formatEmphasis(escaped: string): string {
  return escaped.replace(EMPHASIS_RE, (...match: unknown[]) => {
    const groups = match.slice(1, 1 + EMPHASIS.length);
    const index = groups.findIndex((group) => group !== undefined);
    const tag = EMPHASIS[index]![1];
    return `<${tag}>${formatEmphasis(groups[index] as string)}</${tag}>`;
  });
}
