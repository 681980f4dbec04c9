// Auth both ways: a request without VM_TOKEN is refused (401) and starts nothing; /health needs
// no token and says nothing without it; a CLI that Anthropic refuses, or that has no credentials
// at all, ends the run with `auth_failed` and the reason, which /health then reports.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { healthProblem, TOKEN, useHarness } from "./helpers/harness";

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
  expect(events.at(-1)).toMatchObject({ type: "error", code: "auth_failed", reason: "credentials_refused" });
  // The CLI alone retries a 401 ten times over minutes; the VM stops it at the first refusal.
  const attempts = h.api.requests.filter((r) => r.path === "/v1/messages");
  expect(attempts.length).toBeLessThanOrEqual(2);
  expect(await healthProblem(h, () => true)).toBe("Anthropic refused the CLI's credentials (HTTP 401)");
});

it("ends the run with auth_failed when the CLI has no credentials at all (it never calls the API)", async () => {
  await h.restart({ cliEnv: { ANTHROPIC_API_KEY: "" } });
  const before = h.api.requests.length;
  const events = await (await h.startRun({ userId: "+15550000401", text: "hello" })).end();
  expect(events.at(-1)).toEqual({
    seq: events.length,
    type: "error",
    code: "auth_failed",
    reason: "no_credentials",
    message: "the CLI has no Anthropic credentials (it said: Not logged in): set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN",
  });
  expect(h.api.requests.length).toBe(before);
  expect(await healthProblem(h, () => true)).toContain("the CLI has no Anthropic credentials");
});
