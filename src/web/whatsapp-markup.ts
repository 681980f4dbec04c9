// WhatsApp's formatting as HTML, for the private page: what the chat shows bold, in italics, struck
// through, as code or quoted shows so on the page, and http(s) addresses are links. Every piece of
// the text is HTML-escaped as it is written out: the only markup in the result is the tags made here.

/** Escapes text for an element's content or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  // Five plain replaces cost less than one with a callback per character (a page escapes 500 messages).
  return NEEDS_ESCAPE.test(text) ? text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;") : text;
}
const NEEDS_ESCAPE = /[&<>"']/;

/**
 * The message as HTML: ```blocks``` as `<pre>`, lines starting `> ` as `<blockquote>`, `code`,
 * *bold*, _italics_, ~strike~ and links. Line breaks stay as they are (the page keeps them, as the
 * chat does).
 */
export function whatsappHtml(text: string): string {
  // Most messages carry no formatting at all: escaped, and done (a page renders 500 of them).
  if (!MAY_FORMAT.test(text)) return escapeHtml(text);
  return text
    .split(/```/)
    .map((part, i, all) => (i % 2 === 1 && i < all.length - 1 ? `<pre><code>${escapeHtml(part.replace(/^\n|\n$/g, ""))}</code></pre>` : i % 2 === 1 ? escapeHtml("```") + blocks(part) : blocks(part)))
    .join("");
}

/** Any character that could start a span, a quote or a block, or a link's scheme. */
const MAY_FORMAT = /[`*_~]|^>|https?:/m;

/** Quoted lines (`> `) grouped into one blockquote each run; other lines as inline text, their line breaks kept. */
function blocks(text: string): string {
  const items: { quote: boolean; lines: string[] }[] = [];
  for (const line of text.split("\n")) {
    const quote = /^> ?(.*)$/.exec(line);
    const last = items[items.length - 1];
    if (quote && last?.quote) last.lines.push(quote[1]!);
    else items.push({ quote: quote !== null, lines: [quote ? quote[1]! : line] });
  }
  // A blockquote is a block: the line breaks before and after it are its own.
  return items
    .map((item, i) => (item.quote ? `<blockquote>${item.lines.map(inline).join("\n")}</blockquote>` : (i > 0 && !items[i - 1]!.quote ? "\n" : "") + inline(item.lines[0]!)))
    .join("");
}

/**
 * Inline spans, first match wins at each place: `code` (nothing formatted inside), a link, then
 * *bold*, _italics_, ~strike~, which open after a non-word character and close before one, as in
 * WhatsApp (snake_case_names stay as they are).
 */
const INLINE = /`([^`\n]+)`|(https?:\/\/[^\s<>"'`]+)|(?<![\w*])\*(\S(?:[^*\n]*\S)?)\*(?![\w*])|(?<![\w_])_(\S(?:[^_\n]*\S)?)_(?![\w_])|(?<![\w~])~(\S(?:[^~\n]*\S)?)~(?![\w~])/g;

function inline(text: string): string {
  let html = "";
  let at = 0;
  // Every match found first: a span's own text is formatted by the same regex (its lastIndex is shared).
  const matches: RegExpExecArray[] = [];
  INLINE.lastIndex = 0;
  for (let m = INLINE.exec(text); m !== null; m = INLINE.exec(text)) matches.push(m);
  for (const m of matches) {
    let whole = m[0];
    let piece: string;
    if (m[1] !== undefined) piece = `<code>${escapeHtml(m[1])}</code>`;
    else if (m[2] !== undefined) {
      // Trailing punctuation ends the sentence, not the address.
      const url = m[2].replace(/[.,;:!?)\]]+$/, "");
      whole = url;
      piece = `<a href="${escapeHtml(url)}" rel="noopener noreferrer">${escapeHtml(url)}</a>`;
    } else if (m[3] !== undefined) piece = `<b>${inline(m[3])}</b>`;
    else if (m[4] !== undefined) piece = `<i>${inline(m[4])}</i>`;
    else piece = `<s>${inline(m[5]!)}</s>`;
    html += escapeHtml(text.slice(at, m.index)) + piece;
    at = m.index + whole.length;
  }
  return html + escapeHtml(text.slice(at));
}
