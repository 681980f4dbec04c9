// A pass-through in front of the offline model that records the credential headers each request
// came with: what the credential proxy sent upstream, seen from the upstream's side.
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export type SeenRequest = { method: string; path: string; apiKey: string | null; authorization: string | null; beta: string | null; headers: Record<string, string | string[] | undefined> };

export type RecordingUpstream = { url: string; seen: SeenRequest[]; close(): Promise<void> };

export async function startRecordingUpstream(target: string): Promise<RecordingUpstream> {
  const upstream = new URL(target);
  const seen: SeenRequest[] = [];
  const header = (value: string | string[] | undefined) => (typeof value === "string" ? value : null);
  const server = createServer((req, res) => {
    seen.push({
      method: req.method ?? "GET",
      path: req.url ?? "/",
      apiKey: header(req.headers["x-api-key"]),
      authorization: header(req.headers.authorization),
      beta: header(req.headers["anthropic-beta"]),
      headers: { ...req.headers },
    });
    const forwarded = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forwarded.on("error", () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
