// Where the durable floor's dispatch goes in the warm-path bench: a loopback HTTP server that
// notes when each message arrived (Date.now(), the clock the bench sends by), as the VM's
// `received` mark does for the relay's dispatch.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

/** What the durable floor sends (bench/fixtures/durable-floor-worker): the stored message. */
const DispatchSchema = z.object({ sid: z.string().min(1) });

export type DispatchTarget = {
  url: string;
  /** When the message with this MessageSid arrived, or null if it has not. */
  arrivalOf(sid: string): number | null;
  close(): Promise<void>;
};

export async function startDispatchTarget(): Promise<DispatchTarget> {
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const at = Date.now();
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        // Not JSON: refused below like any other shape.
      }
      const parsed = DispatchSchema.safeParse(body);
      if (parsed.success) arrivals.set(parsed.data.sid, at);
      res.writeHead(parsed.success ? 204 : 400).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    arrivalOf: (sid) => arrivals.get(sid) ?? null,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
