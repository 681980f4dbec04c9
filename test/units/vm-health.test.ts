// The relay's read of the VM's GET /health: a 503 from a VM that cannot run an agent is its own
// answer (the names of what it lacks, and with the token its line), not a VM that failed to answer.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createVmClient } from "../../src/machines/vm-client";

let reply: { status: number; body: string } = { status: 200, body: "{}" };
let server: Server | undefined;
let url = "";
beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body));
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

it.each([
  { name: "a VM that can run agents", status: 200, body: { ok: true, problem: null }, expected: { ok: true, problem: null } },
  { name: "its line, with the token", status: 503, body: { ok: false, missing: ["CAP_DAC_READ_SEARCH"], problem: "CAP_DAC_READ_SEARCH is missing (tried: EACCES)" }, expected: { ok: true, problem: "CAP_DAC_READ_SEARCH is missing (tried: EACCES)" } },
  { name: "only the names", status: 503, body: { ok: false, missing: ["ANTHROPIC_API_KEY", "CAP_KILL"] }, expected: { ok: true, problem: "cannot run an agent: ANTHROPIC_API_KEY, CAP_KILL missing" } },
  { name: "a 503 that is not the VM's (Fly's proxy)", status: 503, body: "<html>no healthy machine</html>", expected: { ok: false, failure: "http_error", detail: "health answered 503" } },
  { name: "another error", status: 500, body: "{}", expected: { ok: false, failure: "http_error", detail: "health answered 500" } },
])("$name", async ({ status, body, expected }) => {
  reply = { status, body: typeof body === "string" ? body : JSON.stringify(body) };
  const health = await createVmClient({ vmUrl: url, vmToken: "t" }).health();
  expect(health).toMatchObject(expected);
});
