// A local HTTP server standing in for the VM's routes that take the relay's answers (tool-result,
// approval), for the units that post them: each request's path and JSON body handed to `answer`,
// which says the status and body to reply with. Started before the file's tests, closed after.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";

export type LocalVm = { url: string };
type Answer = (request: { path: string; authorization: string | undefined; body: Record<string, unknown> }) => { status: number; body: unknown };

export function useLocalVm(answer: Answer): LocalVm {
  const vm = { url: "" };
  let server: Server | undefined;
  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const reply = answer({ path: req.url ?? "", authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> });
      res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.body));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    vm.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));
  return vm;
}
