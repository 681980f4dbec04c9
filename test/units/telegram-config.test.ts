// TELEGRAM_* (src/channels/telegram/config.ts, through loadConfig): unset means no Telegram; a token
// without the webhook's secret leaves the webhook unable to verify (null, src/config/config-check.ts names
// it); a secret under 32 characters, and ids that are not numeric Telegram user ids, fail closed,
// named by setting and never quoted, like the rest.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/agent/relay-settings";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const SECRET = "s3cret_-x".padEnd(32, "0");
const parse = (env: Record<string, string>) => loadConfig({ ...env });

describe("Telegram's configuration", () => {
  it("unset: no Telegram, nobody allowed on it", () => {
    const loaded = parse({});
    expect(loaded.ok && loaded.config.telegram).toBeNull();
    expect(loaded.ok && [...loaded.config.allowedTelegramUsers]).toEqual([]);
  });

  it("a token and its secret: the Bot API at api.telegram.org unless TELEGRAM_API_BASE says", () => {
    const loaded = parse({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, ALLOWED_TELEGRAM_USERS: " 42, 7 ", ADMIN_TELEGRAM_USERS: "9" });
    expect(loaded.ok && loaded.config.telegram).toEqual({ token: TOKEN, webhookSecret: SECRET, apiBase: "https://api.telegram.org" });
    expect(loaded.ok && [...loaded.config.allowedTelegramUsers]).toEqual(["42", "7"]);
    expect(loaded.ok && [...loaded.config.adminTelegramUsers]).toEqual(["9"]);
    const local = parse({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_BASE: "http://127.0.0.1:4290/" });
    expect(local.ok && local.config.telegram?.apiBase).toBe("http://127.0.0.1:4290");
  });

  it("a token without the secret: the bot, and no secret (its webhook refuses every update, 503)", () => {
    const loaded = parse({ TELEGRAM_BOT_TOKEN: TOKEN });
    expect(loaded.ok && loaded.config.telegram).toEqual({ token: TOKEN, webhookSecret: null, apiBase: "https://api.telegram.org" });
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ["a token of the wrong shape", { TELEGRAM_BOT_TOKEN: "not-a-token", TELEGRAM_WEBHOOK_SECRET: SECRET }, /^TELEGRAM_BOT_TOKEN: TELEGRAM_BOT_TOKEN must look like 123456789:AA/],
    ["a secret Telegram would refuse", { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: "has spaces".padEnd(32, "x") }, /^TELEGRAM_WEBHOOK_SECRET: TELEGRAM_WEBHOOK_SECRET must be 1-256/],
    ["a secret under 32 characters", { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET.slice(0, 31) }, /^TELEGRAM_WEBHOOK_SECRET: TELEGRAM_WEBHOOK_SECRET must be at least 32 characters$/],
    ["a @username for an id", { ALLOWED_TELEGRAM_USERS: "42,@ada" }, /^ALLOWED_TELEGRAM_USERS: an entry is not a numeric Telegram user id \(a @username is not an id\)$/],
    ["an admin id that is not one", { ADMIN_TELEGRAM_USERS: "-5,x" }, /^ADMIN_TELEGRAM_USERS: 2 entries are not a numeric Telegram user id/],
    ["a Bot API base that is not http(s)", { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_BASE: "ftp://x" }, /^TELEGRAM_API_BASE: /],
  ])("%s fails closed, named", (_, env, problem) => {
    const loaded = parse(env);
    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.problems).toEqual([expect.stringMatching(problem)]);
  });
});
