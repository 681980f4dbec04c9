// A bot configured without TELEGRAM_WEBHOOK_SECRET: an update that comes with the secret Telegram
// was given is 503 (Telegram sends it again later), reaches no Durable Object, and is logged as the
// missing setting, never as a bad secret; GET /health names it. WhatsApp keeps working meanwhile.
import { createExecutionContext, env } from "cloudflare:test";
import { afterEach, expect, it, vi } from "vitest";
import { SECRET_HEADER } from "../../src/channels/telegram/webhook-secret";
import worker from "../../src/index";
import { TEST_PUBLIC_URL } from "../worker/test-env";
import { TEST_TELEGRAM_SECRET } from "./telegram-env";

const user = 700175;

afterEach(() => vi.restoreAllMocks());

it("an update while TELEGRAM_WEBHOOK_SECRET is not set: 503, no object asked, logged as the missing setting", async () => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
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
  const broken = { ...env, TELEGRAM_WEBHOOK_SECRET: undefined, PHONE_AGENT: counting("PHONE_AGENT", env.PHONE_AGENT), USER_DIRECTORY: counting("USER_DIRECTORY", env.USER_DIRECTORY) } as Env;
  const update = { update_id: 917_001, message: { message_id: 1, date: 1_700_000_000, from: { id: user, is_bot: false, first_name: "Ada" }, chat: { id: user, type: "private" }, text: "hello" } };
  const post = () =>
    worker.fetch(
      new Request(`${TEST_PUBLIC_URL}/telegram/webhook`, { method: "POST", headers: { "content-type": "application/json", [SECRET_HEADER]: TEST_TELEGRAM_SECRET }, body: JSON.stringify(update) }),
      broken,
      createExecutionContext(),
    );

  const res = await post();
  expect(res.status).toBe(503);
  expect(await res.json()).toEqual({ error: "TELEGRAM_WEBHOOK_SECRET is not set: the relay cannot verify this request" });
  expect(asked).toEqual([]);
  const lines = log.mock.calls.map(([line]) => JSON.parse(String(line)) as { event: string });
  expect(lines.filter((l) => l.event === "secret_missing")).toEqual([{ event: "secret_missing", path: "/telegram/webhook", settings: ["TELEGRAM_WEBHOOK_SECRET"], problem: "TELEGRAM_WEBHOOK_SECRET is not set" }]);
  expect(lines.filter((l) => l.event === "webhook_rejected" || l.event === "config_invalid")).toEqual([]);

  const health = await worker.fetch(new Request(`${TEST_PUBLIC_URL}/health`), broken, createExecutionContext());
  expect(health.status).toBe(503);
  expect(((await health.json()) as { settings: string[] }).settings).toEqual(["TELEGRAM_WEBHOOK_SECRET"]);
});
