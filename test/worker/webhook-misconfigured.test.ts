// A configuration that does not load: every channel's webhook answers 503 with one line naming the
// settings, before the body or a signature is read, and the isolate logs config_invalid once, by
// name (the channels' routes bring this check themselves).
import { createExecutionContext, env } from "cloudflare:test";
import { afterEach, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { TEST_PUBLIC_URL } from "./test-env";

afterEach(() => vi.restoreAllMocks());

it.each([
  ["/twilio/inbound", "application/x-www-form-urlencoded", "From=whatsapp%3A%2B15551230000&Body=hi"],
  ["/twilio/status", "application/x-www-form-urlencoded", "MessageSid=SM1&MessageStatus=sent"],
  ["/twilio/anything-else", "text/plain", "x"],
  ["/telegram/webhook", "application/json", JSON.stringify({ update_id: 1 })],
])("POST %s is 503 naming the settings with a half-configured VM_MODE=machines", async (path, type, body) => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const broken = { ...env, VM_MODE: "machines", TELEGRAM_BOT_TOKEN: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" };
  const post = () => worker.fetch(new Request(`${TEST_PUBLIC_URL}${path}`, { method: "POST", headers: { "content-type": type }, body }), broken, createExecutionContext());
  for (let i = 0; i < 2; i++) {
    const res = await post();
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: "relay misconfigured: TELEGRAM_WEBHOOK_SECRET, FLY_API_TOKEN, FLY_APP, FLY_IMAGE (see the Worker's log)" });
  }
  const events = log.mock.calls.map(([line]) => JSON.parse(String(line)) as { event: string; settings?: string[]; problems?: string[] });
  const invalid = events.filter((e) => e.event === "config_invalid");
  expect(invalid).toHaveLength(1);
  expect(invalid[0]!.settings).toEqual(["TELEGRAM_WEBHOOK_SECRET", "FLY_API_TOKEN", "FLY_APP", "FLY_IMAGE"]);
  expect(invalid[0]!.problems).toContain("FLY_API_TOKEN is not set (required when VM_MODE=machines): no run can start");
});
