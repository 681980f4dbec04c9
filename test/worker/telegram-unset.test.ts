// Without TELEGRAM_BOT_TOKEN there is no Telegram: its webhook is not found, whatever is posted.
import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { TEST_PUBLIC_URL } from "./test-env";

it("POST /telegram/webhook is 404 when no bot is configured, secret or not", async () => {
  for (const headers of [{}, { "X-Telegram-Bot-Api-Secret-Token": "anything" }] as Record<string, string>[]) {
    const res = await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}/telegram/webhook`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ update_id: 1 }) }));
    expect(res.status).toBe(404);
  }
});
