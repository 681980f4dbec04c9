// Auth both ways: a request without VM_TOKEN is refused (401) and starts nothing; /health needs
// no token and says nothing; a CLI that Anthropic refuses ends the run with `auth_failed`.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { TOKEN, useHarness } from "./helpers/harness.js";

const h = useHarness();

const body = { runId: "auth-run", userId: "+15550000400", sessionId: null, messages: [{ id: "m1", text: "hi" }] };

it("refuses every protocol route without the right token, and starts nothing", async () => {
  const routes: Array<[string, string, unknown]> = [
    ["POST", "/v1/runs", body],
    ["GET", "/v1/runs/auth-run/events?after=0", undefined],
    ["POST", "/v1/runs/auth-run/input", { messages: [{ id: "m2", text: "x" }] }],
    ["POST", "/v1/runs/auth-run/cancel", undefined],
    ["POST", "/v1/runs/auth-run/tool-result", { callId: "c1", ok: true, text: "x" }],
  ];
  for (const [method, path, payload] of routes) {
    for (const token of [null, "wrong-token", `${TOKEN}x`, TOKEN.slice(0, -1)]) {
      const res = await h.call(method, path, payload, token);
      expect(res.status, `${method} ${path} with ${token}`).toBe(401);
      expect(await res.json()).toEqual({ error: "unauthorized" });
    }
  }
  expect(h.spawns).toEqual([]);
  expect(h.api.requests).toEqual([]);
  expect(existsSync(join(h.dataDir, "users"))).toBe(false);
  expect(readdirSync(join(h.dataDir, ".runs"))).toEqual([]);
});

it("answers /health without a token, with no details", async () => {
  const res = await h.call("GET", "/health", undefined, null);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('{"ok":true}');
});

it("ends the run with auth_failed when Anthropic answers 401, without waiting out the CLI's retries", async () => {
  const events = await (await h.startRun({ text: "hello [[auth]]" })).end();
  expect(events.map((e) => e.type)).toEqual(["session", "error"]);
  expect(events.at(-1)).toMatchObject({ type: "error", code: "auth_failed" });
  // The CLI alone retries a 401 ten times over minutes; the VM stops it at the first refusal.
  const attempts = h.api.requests.filter((r) => r.path === "/v1/messages");
  expect(attempts.length).toBeLessThanOrEqual(2);
});
