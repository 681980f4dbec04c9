// Splits a text stream into lines without ever holding more than `maxLineChars` of one line:
// a longer line (a huge tool output echoed by the CLI) is dropped and counted, not buffered.

export type LineSplitter = {
  push(chunk: string): string[];
  /** The unterminated rest at end of stream, if any. */
  end(): string[];
  dropped(): number;
};

export function createLineSplitter(maxLineChars: number): LineSplitter {
  let partial = "";
  let skipping = false;
  let droppedLines = 0;
  return {
    push(chunk) {
      const lines: string[] = [];
      let start = 0;
      for (let nl = chunk.indexOf("\n"); nl >= 0; nl = chunk.indexOf("\n", start)) {
        const piece = chunk.slice(start, nl);
        if (!skipping && partial.length + piece.length <= maxLineChars) lines.push(partial + piece);
        else if (!skipping) droppedLines++;
        partial = "";
        skipping = false;
        start = nl + 1;
      }
      if (!skipping) {
        partial += chunk.slice(start);
        if (partial.length > maxLineChars) {
          partial = "";
          skipping = true;
          droppedLines++;
        }
      }
      return lines;
    },
    end() {
      const rest = skipping || partial === "" ? [] : [partial];
      partial = "";
      skipping = false;
      return rest;
    },
    dropped: () => droppedLines,
  };
}
