// A request body read up to a bound and no further: both sides' routes that take a body from
// outside (the VM's, the Worker's triggers) stop reading once it is passed instead of buffering
// whatever comes. Web-standard streams only, so it runs in workerd and in Node alike.

/** The body as text, or null past `max` bytes (declared by Content-Length, or streamed): never read whole into memory first. */
export async function readCapped(request: Request, max: number): Promise<string | null> {
  if (Number(request.headers.get("content-length") ?? "0") > max) return null;
  if (!request.body) return "";
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
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) all.set(c, (at += c.byteLength) - c.byteLength);
  return new TextDecoder().decode(all);
}
