// A relay without a setting it needs says so by name and takes nothing unverified: GET /health is
// 503 naming the settings (never a value); a Twilio webhook that comes while the token or SID that
// checks it is not set is 503 (Twilio then records 11200 and tries the fallback URL), reaches no
// Durable Object, and is logged as the missing setting, never as a bad signature.
import { createExecutionContext, env, listDurableObjectIds } from "cloudflare:test";
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";
import { afterEach, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { inboundForm } from "./helpers";
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_PUBLIC_URL, TEST_VM_TOKEN } from "./test-env";

const phone = "+15550000275";

afterEach(() => vi.restoreAllMocks());

type LogLine = { event: string } & Record<string, unknown>;
function captureLogs(): () => LogLine[] {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  return () => log.mock.calls.map(([line]) => JSON.parse(String(line)) as LogLine);
}

/** The Worker's own bindings, each Durable Object namespace counting what is asked of it. */
function envWith(overrides: Record<string, unknown>): { env: Env; asked: string[] } {
  const asked: string[] = [];
  const counting = <T extends object>(name: string, target: T): T =>
    new Proxy(target, {
      get(t, prop) {
        const value = Reflect.get(t, prop, t) as unknown;
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          asked.push(`${name}.${String(prop)}`);
          return (value as (...a: unknown[]) => unknown).apply(t, args);
        };
      },
    });
  const bindings = { ...env, PHONE_AGENT: counting("PHONE_AGENT", env.PHONE_AGENT), USER_DIRECTORY: counting("USER_DIRECTORY", env.USER_DIRECTORY), ...overrides };
  return { env: bindings as Env, asked };
}

type WorkerRequest = Parameters<typeof worker.fetch>[0];
const call = (request: WorkerRequest, bindings: Env) => worker.fetch(request, bindings, createExecutionContext());

/** A form posted as Twilio posts it, signed with the account's real token (which the relay may lack). */
function signed(path: string, form: Record<string, string>): WorkerRequest {
  const url = `${TEST_PUBLIC_URL}${path}`;
  const headers = { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": getExpectedTwilioSignature(TEST_AUTH_TOKEN, url, form) };
  return new Request(url, { method: "POST", headers, body: new URLSearchParams(form) });
}

const phoneObjectExists = async () => {
  const wanted = env.PHONE_AGENT.idFromName(phone);
  return (await listDurableObjectIds(env.PHONE_AGENT)).some((id) => id.equals(wanted));
};

it("GET /health: 503 naming every setting missing, no value in it, logged once per isolate; 200 once all are there", async () => {
  const logs = captureLogs();
  const broken = envWith({ TWILIO_AUTH_TOKEN: undefined, VM_TOKEN: "" }).env;
  const res = await call(new Request(`${TEST_PUBLIC_URL}/health`), broken);
  expect(res.status).toBe(503);
  const text = await res.text();
  const body = JSON.parse(text) as { ok: boolean; settings: string[]; problems: string[] };
  expect(body.ok).toBe(false);
  expect(body.settings).toEqual(["TWILIO_AUTH_TOKEN", "VM_TOKEN"]);
  expect(body.problems[0]).toMatch(/^TWILIO_AUTH_TOKEN is not set/);
  const values = Object.values(env).filter((v): v is string => typeof v === "string" && v.length >= 6);
  expect(values).toContain(TEST_ACCOUNT_SID);
  for (const value of [...values, TEST_AUTH_TOKEN, TEST_VM_TOKEN]) expect(text).not.toContain(value);

  expect((await call(new Request(`${TEST_PUBLIC_URL}/health`), broken)).status).toBe(503);
  const told = logs().filter((l) => l.event === "config_incomplete");
  expect(told).toEqual([{ event: "config_incomplete", settings: ["TWILIO_AUTH_TOKEN", "VM_TOKEN"], problems: body.problems }]);

  const whole = await call(new Request(`${TEST_PUBLIC_URL}/health`), envWith({}).env);
  expect(whole.status).toBe(200);
  expect(await whole.json()).toEqual({ ok: true });
});

it("a webhook signed with the account's token while TWILIO_AUTH_TOKEN is not set: 503, no object asked, logged as the missing setting", async () => {
  const logs = captureLogs();
  const { env: broken, asked } = envWith({ TWILIO_AUTH_TOKEN: undefined });
  for (const path of ["/twilio/inbound", "/twilio/status"]) {
    const form = path === "/twilio/inbound" ? inboundForm(phone, "hello") : { MessageSid: "SM" + "0".repeat(32), MessageStatus: "delivered", To: `whatsapp:${phone}`, AccountSid: TEST_ACCOUNT_SID };
    const res = await call(signed(path, form), broken);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: "TWILIO_AUTH_TOKEN is not set: the relay cannot verify this request" });
  }
  expect(asked).toEqual([]);
  expect(await phoneObjectExists()).toBe(false);
  const lines = logs();
  expect(lines.filter((l) => l.event === "secret_missing")).toEqual(
    ["/twilio/inbound", "/twilio/status"].map((path) => ({ event: "secret_missing", path, settings: ["TWILIO_AUTH_TOKEN"], problem: "TWILIO_AUTH_TOKEN is not set" })),
  );
  expect(lines.filter((l) => l.event === "webhook_rejected")).toEqual([]);

  // The same message with the token set is taken: the counting above would have seen it.
  const { env: whole, asked: askedWhole } = envWith({});
  expect((await call(signed("/twilio/inbound", inboundForm(phone, "hello")), whole)).status).toBe(200);
  expect(askedWhole).toContain("PHONE_AGENT.idFromName");
});

it("a webhook while TWILIO_ACCOUNT_SID is not set: 503 named so, not refused as another account's", async () => {
  const logs = captureLogs();
  const { env: broken, asked } = envWith({ TWILIO_ACCOUNT_SID: "" });
  const res = await call(signed("/twilio/inbound", inboundForm("+15550000276", "hello")), broken);
  expect(res.status).toBe(503);
  expect(await res.json()).toEqual({ error: "TWILIO_ACCOUNT_SID is not set: the relay cannot verify this request" });
  expect(asked).toEqual([]);
  expect(logs().filter((l) => l.event === "secret_missing" || l.event === "webhook_rejected")).toEqual([
    { event: "secret_missing", path: "/twilio/inbound", settings: ["TWILIO_ACCOUNT_SID"], problem: "TWILIO_ACCOUNT_SID is not set" },
  ]);
});

const LINK_KEYS = ["MEDIA_SIGNING_KEY", "TWILIO_AUTH_TOKEN"];
const DOOR_KEYS = ["DOOR_SIGNING_KEY", ...LINK_KEYS];
it.each<[string, string, string, string[], string]>([
  ["GET", "/media/abc.def", "/media", LINK_KEYS, "MEDIA_SIGNING_KEY and TWILIO_AUTH_TOKEN are not set"],
  ["GET", "/web/abc.def", "/web", LINK_KEYS, "MEDIA_SIGNING_KEY and TWILIO_AUTH_TOKEN are not set"],
  ["POST", "/github/webhook/abc.def", "/github/webhook", DOOR_KEYS, "DOOR_SIGNING_KEY, MEDIA_SIGNING_KEY and TWILIO_AUTH_TOKEN are not set"],
  ["POST", "/triggers/abc.def", "/triggers", DOOR_KEYS, "DOOR_SIGNING_KEY, MEDIA_SIGNING_KEY and TWILIO_AUTH_TOKEN are not set"],
])("%s %s with no key to check it by: 503 naming the settings, not a refusal of the request, no object asked", async (method, path, logged, settings, problem) => {
  const logs = captureLogs();
  const { env: broken, asked } = envWith({ TWILIO_AUTH_TOKEN: undefined, MEDIA_SIGNING_KEY: undefined, DOOR_SIGNING_KEY: undefined });
  const init = method === "POST" ? { method, headers: { "content-type": "application/json", authorization: "Bearer t", "x-hub-signature-256": "sha256=00" }, body: "{}" } : {};
  const res = await call(new Request(`${TEST_PUBLIC_URL}${path}`, init), broken);
  expect(res.status).toBe(503);
  expect(await res.json()).toEqual({ error: `${problem}: the relay cannot verify this request` });
  expect(asked).toEqual([]);
  expect(logs().filter((l) => l.event === "secret_missing")).toEqual([{ event: "secret_missing", path: logged, settings, problem }]);
});
