// `npm run telegram:webhook` against the Bot API stand-in: the settings named when missing or
// wrong, a wrong token named by getMe's 401, and the webhook, its secret and the menu registered.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningTelegramEmulator } from "../../emulator/telegram/server";
import { readWebhookVars, setUpTelegramWebhook, webhookUrl, type WebhookVars } from "../../scripts/stack/telegram-webhook-setup";
import { BOT_TOKEN, telegramResources } from "../emulator/telegram-helpers";

const { resources, start } = telegramResources();
afterAll(() => resources.releaseAll());

let telegram: RunningTelegramEmulator;
beforeAll(async () => {
  telegram = await start();
});

const SECRET = "a_secret-of-the-webhook_0123456789";
const vars = (extra: Partial<WebhookVars> = {}): WebhookVars => ({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: "https://relay.example.com", TELEGRAM_API_BASE: telegram.url, ...extra });

describe("readWebhookVars", () => {
  const good = { TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: "https://relay.example.com" };
  it("takes good settings, with Telegram's own API by default", () => {
    expect(readWebhookVars(good)).toEqual({ ok: true, vars: { ...good, TELEGRAM_API_BASE: "https://api.telegram.org" } });
  });
  it.each([
    ["a missing token", { TELEGRAM_BOT_TOKEN: undefined }, /^TELEGRAM_BOT_TOKEN is missing: create a bot with @BotFather/],
    ["a blank token", { TELEGRAM_BOT_TOKEN: " " }, /^TELEGRAM_BOT_TOKEN is missing/],
    ["a token of the wrong shape", { TELEGRAM_BOT_TOKEN: "my-bot" }, /^TELEGRAM_BOT_TOKEN does not look like a bot token/],
    ["a missing secret", { TELEGRAM_WEBHOOK_SECRET: undefined }, /^TELEGRAM_WEBHOOK_SECRET is missing/],
    ["a secret Telegram refuses", { TELEGRAM_WEBHOOK_SECRET: "not/allowed" }, /^TELEGRAM_WEBHOOK_SECRET must be 1-256 characters/],
    ["a secret under 32 characters, which the relay refuses", { TELEGRAM_WEBHOOK_SECRET: "x".repeat(31) }, /^TELEGRAM_WEBHOOK_SECRET must be at least 32 characters \(the relay refuses a shorter one\)/],
    ["a missing public URL", { PUBLIC_URL: undefined }, /^PUBLIC_URL is missing or not an http\(s\) URL/],
  ])("names %s", (_, change, problem) => {
    const read = readWebhookVars({ ...good, ...change });
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problem).toMatch(problem);
  });
  it("names every problem at once", () => {
    const read = readWebhookVars({});
    expect(!read.ok && read.problem.split("\n").map((line) => line.split(" ")[0])).toEqual(["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "PUBLIC_URL"]);
  });
  it("the webhook's URL", () => {
    expect(webhookUrl("https://relay.example.com/")).toBe("https://relay.example.com/telegram/webhook");
  });
});

describe("setUpTelegramWebhook", () => {
  it("registers the webhook with its secret and the command menu, and says so", async () => {
    const result = await setUpTelegramWebhook(vars());
    expect(result).toMatchObject({ ok: true });
    const lines = result.ok ? result.lines : [];
    expect(lines[0]).toBe(`Bot @local_agent_bot (id 4242424242) at ${telegram.url}`);
    expect(lines[1]).toBe("Webhook set: https://relay.example.com/telegram/webhook (secret from TELEGRAM_WEBHOOK_SECRET; updates: message, callback_query)");
    expect(lines[2]).toMatch(/^Command menu set: \d+ commands \(\/help .*\/stop/);
    expect(telegram.context.state.webhook).toEqual({ url: "https://relay.example.com/telegram/webhook", secretToken: SECRET, allowedUpdates: ["message", "callback_query"] });
    expect(telegram.context.state.commands.map((c) => c.command)).toContain("stop");
  });

  it("a wrong token is named, from getMe's 401", async () => {
    const result = await setUpTelegramWebhook(vars({ TELEGRAM_BOT_TOKEN: "4242424242:AAH-a-revoked-token-0000000" }));
    expect(result).toEqual({ ok: false, problem: `TELEGRAM_BOT_TOKEN is wrong: the Bot API at ${telegram.url} answered getMe with Unauthorized. Copy the token again from @BotFather (/token).` });
  });

  it("an unreachable Bot API is said as such", async () => {
    const result = await setUpTelegramWebhook(vars({ TELEGRAM_API_BASE: "http://127.0.0.1:9" }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(/^could not reach the Bot API at http:\/\/127\.0\.0\.1:9 \(getMe: /);
  });

  it("a refused setWebhook is said, with the Bot API's words", async () => {
    await fetch(`${telegram.url}/__telegram/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ method: "setWebhook", status: 429, retryAfter: 3 }) });
    const result = await setUpTelegramWebhook(vars());
    expect(result).toEqual({ ok: false, problem: "setWebhook for @local_agent_bot failed: Too Many Requests: retry after 3" });
  });
});

describe("npm run telegram:webhook", () => {
  const script = fileURLToPath(new URL("../../scripts/telegram-webhook.ts", import.meta.url));
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const run = (env: Record<string, string>) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      // From a directory without .dev.vars, so only `env` counts.
      execFile(process.execPath, ["--import", "tsx", script], { cwd: root + "test/scripts", env: { PATH: process.env.PATH ?? "", ...env } }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
      );
    });

  it("registers the webhook and says what it did", async () => {
    const { code, stdout } = await run({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: "https://relay.example.com", TELEGRAM_API_BASE: telegram.url });
    expect(code).toBe(0);
    expect(stdout).toContain("[telegram] Webhook set: https://relay.example.com/telegram/webhook");
  });

  it("exits 2 and names a missing token", async () => {
    const { code, stderr } = await run({ TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: "https://relay.example.com", TELEGRAM_API_BASE: telegram.url });
    expect(code).toBe(2);
    expect(stderr).toContain("TELEGRAM_BOT_TOKEN is missing");
  });
});
