// npm start's Telegram registration against the Bot API stand-in: the stand-in's webhook set at the
// local Worker with its secret and the menu; a user's wrong or missing token named in one line and
// the stack going on; the stand-in's own failure stopping it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTelegramEmulator, type RunningTelegramEmulator } from "../../emulator/telegram/server";
import { freshGithubPlan, freshTelegramSecrets, registerTelegramWebhook } from "../../scripts/stack/stand-ins-setup";
import { chooseTelegram } from "../../scripts/stack/telegram-plan";
import { WebhookVarsSchema } from "../../scripts/stack/telegram-webhook-setup";

const secrets = freshTelegramSecrets();
let telegram: RunningTelegramEmulator;
beforeAll(async () => {
  telegram = await startTelegramEmulator({ port: 0, token: secrets.token });
});
afterAll(() => telegram?.close());

const WORKER = "http://127.0.0.1:8787";

it("makes a token the stand-in and the setup accept, and a secret Telegram takes; new at each start", () => {
  expect(WebhookVarsSchema.shape.TELEGRAM_BOT_TOKEN.safeParse(secrets.token).success).toBe(true);
  expect(secrets.webhookSecret).toMatch(/^[0-9a-f]{48}$/);
  expect(freshTelegramSecrets().token).not.toBe(secrets.token);
  const github = freshGithubPlan("/tmp/x", true);
  expect(github.token).toMatch(/^ghp_[0-9a-f]{36}$/);
  expect(github.reviewerToken).not.toBe(github.token);
});

it("registers the stand-in's webhook at the local Worker with the secret, and the command menu", async () => {
  const { lines, fatal } = await registerTelegramWebhook(chooseTelegram({}, secrets), { worker: WORKER, telegram: telegram.url });
  expect(fatal).toBe(false);
  expect(lines[1]).toBe(`Telegram: Webhook set: ${WORKER}/telegram/webhook (secret from TELEGRAM_WEBHOOK_SECRET; updates: message, callback_query)`);
  expect(telegram.context.state.webhook).toMatchObject({ url: `${WORKER}/telegram/webhook`, secretToken: secrets.webhookSecret });
  expect(telegram.context.state.commands.length).toBeGreaterThan(0);
});

it("names a user's wrong token in one line, and lets the stack go on", async () => {
  const own = chooseTelegram({ TELEGRAM_BOT_TOKEN: "123456:wrong-token-from-botfather-xx", TELEGRAM_WEBHOOK_SECRET: "s3cret".padEnd(32, "0"), TELEGRAM_API_BASE: telegram.url, PUBLIC_URL: "https://tunnel.example" }, secrets);
  const { lines, fatal } = await registerTelegramWebhook(own, { worker: WORKER, telegram: telegram.url });
  expect(fatal).toBe(false);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^Telegram is not set up: TELEGRAM_BOT_TOKEN is wrong: the Bot API at http:\/\/127\.0\.0\.1:\d+ answered getMe with Unauthorized\. Copy the token again from @BotFather/);
});

it("stops the stack when its own stand-in cannot be set up", async () => {
  const { lines, fatal } = await registerTelegramWebhook(chooseTelegram({}, secrets), { worker: WORKER, telegram: "http://127.0.0.1:9" });
  expect(fatal).toBe(true);
  expect(lines[0]).toMatch(/^Telegram is not set up: could not reach the Bot API at http:\/\/127\.0\.0\.1:9/);
});
