// An in-memory stand-in of an R2 bucket (a Cloudflare service): what the media code calls on one
// (put, get, and the multipart upload of files past one part), keeping the bytes for a test to read.
type Stored = { bytes: Uint8Array; customMetadata: Record<string, string> };

const bytesOf = async (value: unknown): Promise<Uint8Array> =>
  value instanceof Uint8Array ? value : value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(await new Response(value as BodyInit).arrayBuffer());

export function memoryBucket() {
  const objects = new Map<string, Stored>();
  const store = (key: string, bytes: Uint8Array, options?: R2PutOptions) => {
    objects.set(key, { bytes, customMetadata: { ...options?.customMetadata } });
  };
  const binding = {
    async put(key: string, value: unknown, options?: R2PutOptions) {
      store(key, await bytesOf(value), options);
      return { key };
    },
    async get(key: string) {
      const found = objects.get(key);
      return found ? { key, size: found.bytes.byteLength, arrayBuffer: async () => found.bytes.slice().buffer, customMetadata: found.customMetadata } : null;
    },
    async createMultipartUpload(key: string, options?: R2PutOptions) {
      const parts = new Map<number, Uint8Array>();
      return {
        key,
        async uploadPart(partNumber: number, value: unknown) {
          parts.set(partNumber, await bytesOf(value));
          return { partNumber, etag: `etag-${partNumber}` };
        },
        async complete(uploaded: { partNumber: number }[]) {
          const chunks = uploaded.map((p) => parts.get(p.partNumber)!);
          const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
          chunks.reduce((at, c) => (all.set(c, at), at + c.byteLength), 0);
          store(key, all, options);
          return { key };
        },
        async abort() {
          parts.clear();
        },
      };
    },
  };
  return {
    // Only the methods above: the rest of R2Bucket is never called by the media code.
    binding: binding as unknown as R2Bucket,
    bytes: (key: string) => objects.get(key)?.bytes,
  };
}
