// Placeholders keep pieces of text out of a formatter's rules and put them back whole.
import { describe, expect, it } from "vitest";
import { placeholdersFor } from "../../src/shared/placeholders";

describe("placeholdersFor", () => {
  it.each([
    { text: "a `*b*` c", piece: "`*b*`", rewrite: (s: string) => s.replace(/\*/g, "_"), want: "a `*b*` c" },
    // A text that already holds the first private-use character gets the next one as its mark.
    { text: "\ue000 x", piece: "x", rewrite: (s: string) => s.toUpperCase(), want: "\ue000 x" },
  ])("restores $piece untouched by the rule", ({ text, piece, rewrite, want }) => {
    const { keep, restore } = placeholdersFor(text);
    const marked = text.replace(piece, keep(piece));
    expect(marked).not.toContain(piece);
    expect(restore(rewrite(marked))).toBe(want);
  });

  it("restores a piece that holds another's mark", () => {
    const { keep, restore } = placeholdersFor("x");
    const inner = keep("<code>y</code>");
    expect(restore(keep(`<a>${inner}</a>`))).toBe("<a><code>y</code></a>");
  });
});
