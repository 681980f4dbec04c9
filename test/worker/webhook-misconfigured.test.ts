// A configuration that does not load: every channel's webhook answers 500 and logs config_invalid,
// before the body or a signature is read (the channels' routes bring this check themselves now).
import { createExecutionContext, env } from "cloudflare:test";
import { afterEach, expect, it, vi } from "vitest";
import worker from "../../src/worker/index";
import { TEST_PUBLIC_URL } from "./test-env";

afterEach(() => vi.restoreAllMocks());

it.each([
  ["/twilio/inbound", "application/x-www-form-urlencoded", "From=whatsapp%3A%2B15551230000&Body=hi"],
  ["/twilio/status", "application/x-www-form-urlencoded", "MessageSid=SM1&MessageStatus=sent"],
  ["/twilio/anything-else", "text/plain", "x"],
  ["/telegram/webhook", "application/json", JSON.stringify({ update_id: 1 })],
])("POST %s is 500 with a half-configured VM_MODE=machines", async (path, type, body) => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const broken = { ...env, VM_MODE: "machines", TELEGRAM_BOT_TOKEN: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" };
  const res = await worker.fetch(new Request(`${TEST_PUBLIC_URL}${path}`, { method: "POST", headers: { "content-type": type }, body }), broken, createExecutionContext());
  expect(res.status).toBe(500);
  expect(await res.json()).toEqual({ error: "relay misconfigured; see the Worker's logs" });
  const events = log.mock.calls.map(([line]) => JSON.parse(String(line)) as { event: string; problems?: string[] });
  expect(events).toContainEqual({ event: "config_invalid", problems: expect.arrayContaining(["FLY_API_TOKEN: required when VM_MODE=machines"]) });
});
