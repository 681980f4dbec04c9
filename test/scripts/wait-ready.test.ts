// The stack's readiness wait: a child that answers 503 naming what it lacks (the Worker's settings
// check, the VM's start check) is reported at once with that, not waited on until the timeout; any
// other 503 (a server still starting) is waited through.
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { unreadyReason, waitUntilReady } from "../../scripts/stack/wait-ready";

describe("unreadyReason", () => {
  it.each<[string, string, string | null]>([
    ["the Worker's settings check", JSON.stringify({ ok: false, settings: ["TWILIO_AUTH_TOKEN"], problems: ["TWILIO_AUTH_TOKEN is not set", "VM_URL is not set"] }), "TWILIO_AUTH_TOKEN is not set; VM_URL is not set"],
    ["the VM's start check", JSON.stringify({ ok: false, missing: ["ANTHROPIC_API_KEY"] }), "missing: ANTHROPIC_API_KEY"],
    ["a 503 that is not ours", "<html>Service Unavailable</html>", null],
    ["JSON that names nothing", JSON.stringify({ ok: false }), null],
    ["JSON of another shape", JSON.stringify({ error: "starting" }), null],
  ])("%s", (_, body, reason) => {
    expect(unreadyReason(body)).toBe(reason);
  });
});

describe("waitUntilReady", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function serve(answers: Array<{ status: number; body: string }>): Promise<string> {
    let i = 0;
    server = createServer((_req, res) => {
      const answer = answers[Math.min(i++, answers.length - 1)]!;
      res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    return `http://127.0.0.1:${address.port}/health`;
  }

  it("a 503 naming what is missing: refused at once, with the reason", async () => {
    const url = await serve([{ status: 503, body: JSON.stringify({ ok: false, problems: ["TWILIO_AUTH_TOKEN is not set"] }) }]);
    const startedAt = Date.now();
    expect(await waitUntilReady(url, { timeoutMs: 60_000, exited: () => false })).toEqual({ refused: "TWILIO_AUTH_TOKEN is not set" });
    expect(Date.now() - startedAt).toBeLessThan(30_000);
  });

  it("a 503 of a server still starting, then 200: ready", async () => {
    const url = await serve([{ status: 503, body: "starting" }, { status: 200, body: JSON.stringify({ ok: true }) }]);
    expect(await waitUntilReady(url, { timeoutMs: 60_000, exited: () => false })).toBe("ready");
  });
});
