// Telegram's HTML parse mode as the Bot API reads it: the tags it takes, the four named entities
// and numeric ones, and the text and entities (UTF-16 offsets) a client shows; or why it refuses.

export type MessageEntity = { type: string; offset: number; length: number; url?: string; language?: string };
export type ParsedText = { ok: true; text: string; entities: MessageEntity[] } | { ok: false; detail: string };

/** https://core.telegram.org/bots/api#html-style */
const TAG_TYPES: Readonly<Record<string, string>> = {
  b: "bold", strong: "bold", i: "italic", em: "italic", u: "underline", ins: "underline", s: "strikethrough", strike: "strikethrough", del: "strikethrough",
  "tg-spoiler": "spoiler", span: "spoiler", a: "text_link", code: "code", pre: "pre", blockquote: "blockquote", "tg-emoji": "custom_emoji",
};
const NAMED: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"' };

type Open = { name: string; offset: number; attributes: Record<string, string> };

export function parseTelegramHtml(html: string): ParsedText {
  let text = "";
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  let i = 0;
  while (i < html.length) {
    const char = html[i]!;
    if (char === "&") {
      const entity = /^&(?:([a-z]+)|#(\d{1,7})|#x([0-9a-f]{1,6}));/i.exec(html.slice(i, i + 12));
      const named = entity?.[1] ? NAMED[entity[1]] : undefined;
      // An unknown name or a bare & is kept as it is, as Telegram does.
      const decoded = named ?? (entity?.[2] ? String.fromCodePoint(Number(entity[2])) : entity?.[3] ? String.fromCodePoint(parseInt(entity[3], 16)) : undefined);
      if (decoded !== undefined && entity) {
        text += decoded;
        i += entity[0].length;
        continue;
      }
      text += char;
      i++;
      continue;
    }
    if (char !== "<") {
      text += char;
      i++;
      continue;
    }
    const end = html.indexOf(">", i);
    if (end === -1) return { ok: false, detail: `Unclosed start tag at byte offset ${byteOffset(html, i)}` };
    const tag = html.slice(i + 1, end);
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim().toLowerCase();
      const open = stack.pop();
      if (!open || open.name !== name) return { ok: false, detail: `Unmatched end tag at byte offset ${byteOffset(html, i)}, expected "</${open?.name ?? ""}>", found "</${name}>"` };
      const entity = entityOf(open, text.length);
      if (entity && open.name === "pre") {
        // <pre><code class="language-x"> is one pre entity, with the language of its code.
        const inner = entities.findIndex((e) => e.offset === entity.offset && e.length === entity.length && (e.type === "code" || e.type === "pre"));
        if (inner !== -1) {
          const language = entities[inner]!.language;
          entities.splice(inner, 1);
          if (language) entity.language = language;
        }
      }
      if (entity) entities.push(entity);
    } else {
      const match = /^([a-z-]+)((?:\s+[a-z-]+\s*=\s*"[^"]*")*)\s*$/i.exec(tag);
      const name = match?.[1]?.toLowerCase();
      if (!match || !name || !(name in TAG_TYPES)) return { ok: false, detail: `Unsupported start tag "${tag.split(/\s/)[0]}" at byte offset ${byteOffset(html, i)}` };
      const attributes = Object.fromEntries([...match[2]!.matchAll(/([a-z-]+)\s*=\s*"([^"]*)"/gi)].map((m) => [m[1]!.toLowerCase(), decode(m[2]!)]));
      if (name === "a" && !attributes.href) return { ok: false, detail: `Can't find "href" attribute of the tag "a" at byte offset ${byteOffset(html, i)}` };
      stack.push({ name, offset: text.length, attributes });
    }
    i = end + 1;
  }
  if (stack.length > 0) return { ok: false, detail: `Can't find end tag corresponding to start tag "${stack[stack.length - 1]!.name}"` };
  return { ok: true, text, entities: entities.sort((a, b) => a.offset - b.offset) };
}

function entityOf(open: Open, end: number): MessageEntity | null {
  const length = end - open.offset;
  if (length === 0) return null;
  const type = TAG_TYPES[open.name]!;
  if (type === "text_link") return { type, offset: open.offset, length, url: open.attributes.href! };
  if (type === "code" && open.attributes.class?.startsWith("language-")) return { type: "pre", offset: open.offset, length, language: open.attributes.class.slice(9) };
  return { type, offset: open.offset, length };
}

function decode(value: string): string {
  return value.replace(/&(lt|gt|amp|quot);/g, (_, name: string) => NAMED[name]!);
}

function byteOffset(text: string, index: number): number {
  return new TextEncoder().encode(text.slice(0, index)).byteLength;
}
