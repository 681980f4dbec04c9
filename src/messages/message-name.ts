// How the relay names a user's message back to them (in notices, progress, /status, /diff):
// their own words only. The offline model's directives (`[[tool Bash {…}]]`, `[[count]]`) and
// WhatsApp's or Markdown's markup (*bold*, _italic_, ~strike~, `code`, [text](url)) are how the
// text was written, not what it says. Pure.

const DIRECTIVE_START = /\[\[[A-Za-z]/g;

/** The index just past a directive that starts at `start` ("[[…]]", its JSON may hold "]]"); -1 when it never closes. */
function directiveEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start + 2; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if ((c === "}" || c === "]") && depth > 0) depth--;
    else if (c === "]" && text[i + 1] === "]") return i + 2;
  }
  return -1;
}

function withoutDirectives(text: string): string {
  let out = "";
  let from = 0;
  for (const match of text.matchAll(DIRECTIVE_START)) {
    if (match.index < from) continue;
    const end = directiveEnd(text, match.index);
    out += text.slice(from, match.index);
    // An unclosed directive: the rest of the text is the directive's.
    if (end === -1) return out;
    out += " ";
    from = end;
  }
  return out + text.slice(from);
}

function withoutMarkup(text: string): string {
  return (
    text
      .replace(/```/g, " ")
      .replace(/\[([^\]\n]+)\]\((?:https?:\/\/)[^)\s]+\)/g, "$1")
      // A marker at a word's edge (not inside snake_case or a path): *bold*, _it_, ~no~, `code`.
      .replace(/(^|[\s(])[*_~`]+(?=\S)/g, "$1")
      .replace(/(\S)[*_~`]+(?=$|[\s).,;:!?])/g, "$1")
  );
}

const oneLine = (text: string) => text.replace(/[\s\p{Cc}]+/gu, " ").trim();

/**
 * The message's words, one line, cut at `max` characters with "…". A message that is nothing but
 * directives is named by them (it has no other words); "" only for no text (an attachment).
 */
export function messageName(text: string, max = 60): string {
  const words = oneLine(withoutMarkup(withoutDirectives(text)));
  const flat = words === "" ? oneLine(text) : words;
  const chars = [...flat];
  if (chars.length <= max) return flat;
  const cut = chars.slice(0, max - 1).join("");
  // At a word's end when one is near, not in the middle of a word.
  const space = cut.lastIndexOf(" ");
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}
