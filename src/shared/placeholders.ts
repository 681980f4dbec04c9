// Placeholders for text a formatter must not touch (code spans, escapes, URLs): each piece is
// swapped for a numbered mark of a character the text does not contain, and put back at the end,
// so no later rule reaches inside it. Pure; shared by the WhatsApp and Telegram formatters.

export type Placeholders = {
  /** A mark standing for `piece` until `restore`. */
  keep(piece: string): string;
  /** `text` with every mark replaced by its piece (a piece that holds marks is restored too). */
  restore(text: string): string;
};

export function placeholdersFor(text: string): Placeholders {
  let mark = 0xe000;
  while (text.includes(String.fromCharCode(mark))) mark++;
  const sentinel = String.fromCharCode(mark);
  const kept: string[] = [];
  const placeholder = new RegExp(`${sentinel}(\\d+)${sentinel}`, "g");
  return {
    keep: (piece) => `${sentinel}${kept.push(piece) - 1}${sentinel}`,
    restore(marked) {
      let restored = marked;
      while (restored.includes(sentinel)) restored = restored.replace(placeholder, (_, i: string) => kept[Number(i)]!);
      return restored;
    },
  };
}
