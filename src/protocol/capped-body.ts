// A request body read up to a bound and no further: both sides' routes that take a body from
// outside (the VM's, the Worker's webhooks and triggers) stop reading once it is passed, instead
// of buffering whatever comes (a chunked body declares no length). Web-standard streams only, so it runs in workerd and in Node alike.

/** The body's bytes, or null past `max` bytes (declared by Content-Length, or streamed): never read whole into memory first. */
export async function readCappedBytes(request: Request, max: number): Promise<Uint8Array | null> {
  if (Number(request.headers.get("content-length") ?? "0") > max) return null;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      // The sender may be gone already: nothing is left to release then.
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  // Nearly every body is one chunk: no copy then.
  if (chunks.length === 1) return chunks[0]!;
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) all.set(c, (at += c.byteLength) - c.byteLength);
  return all;
}

/** The body as UTF-8 text, or null past `max` bytes, as readCappedBytes. */
export async function readCapped(request: Request, max: number): Promise<string | null> {
  const bytes = await readCappedBytes(request, max);
  return bytes === null ? null : new TextDecoder().decode(bytes);
}
