// User input quoted back in a one-line reply ("Unknown time zone "…""): line breaks, other
// whitespace and control characters become one space, and a long quote is cut, so a refusal
// stays one short line whatever was typed (a reply over 1600 characters never reaches WhatsApp).

const MAX_QUOTED_CHARS = 60;

export function quoteInput(text: string, max = MAX_QUOTED_CHARS): string {
  const flat = text.replace(/[\s\p{Cc}]+/gu, " ").trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join("")}…`;
}
