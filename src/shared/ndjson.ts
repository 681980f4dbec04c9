// Splits a byte stream into lines (NDJSON), across chunk boundaries; the final unterminated
// line counts only if the stream ended cleanly.
export async function* readLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let newline = buffered.indexOf("\n");
      while (newline !== -1) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) yield line;
        newline = buffered.indexOf("\n");
      }
    }
    const last = (buffered + decoder.decode()).trim();
    if (last) yield last;
  } finally {
    reader.releaseLock();
  }
}
