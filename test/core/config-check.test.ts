// checkSettings (src/config/config-check.ts): for each channel served and each VM mode, the settings the
// relay needs and lacks, and the invalid ones, by name; never a value.
import { describe, expect, it } from "vitest";
import { describeProblem } from "../../src/config/config-check";
import { checkSettings, loadConfig } from "../../src/agent/relay-settings";

const TWILIO = { TWILIO_ACCOUNT_SID: "AC0123456789abcdef0123456789abcdef", TWILIO_AUTH_TOKEN: "auth-token-value-0123" };
const VM = { VM_URL: "https://vm.example", VM_TOKEN: "vm-token-value-0123" };
const WRITERS = { ALLOWED_SENDERS: "+15551230001" };
const BOT = { TELEGRAM_BOT_TOKEN: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", TELEGRAM_WEBHOOK_SECRET: "s".repeat(32), ALLOWED_TELEGRAM_USERS: "42" };
const FLY = { VM_MODE: "machines", FLY_API_TOKEN: "fly-token-value", FLY_APP: "relay-agents", FLY_IMAGE: "registry.fly.io/relay-agents:v1", VM_TOKEN: "vm-token-value-0123" };
const WHATSAPP_READY = { ...TWILIO, ...VM, ...WRITERS };

const names = (env: Record<string, unknown>) => checkSettings(env).map((p) => p.name);

describe("what the relay needs to take a message", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["nothing set: WhatsApp is the channel, and it lacks everything", {}, ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "VM_URL", "VM_TOKEN", "ALLOWED_SENDERS"]],
    ["WhatsApp, a VM and a sender", WHATSAPP_READY, []],
    ["the Twilio token missing", { ...WHATSAPP_READY, TWILIO_AUTH_TOKEN: undefined }, ["TWILIO_AUTH_TOKEN"]],
    ["the Twilio SID blank", { ...WHATSAPP_READY, TWILIO_ACCOUNT_SID: "  " }, ["TWILIO_ACCOUNT_SID"]],
    ["the sender defaults to the sandbox's number: not needed", { ...WHATSAPP_READY, TWILIO_WHATSAPP_FROM: undefined }, []],
    ["shared mode without its VM", { ...TWILIO, ...WRITERS }, ["VM_URL", "VM_TOKEN"]],
    ["shared mode with the URL only", { ...TWILIO, ...WRITERS, VM_URL: "https://vm.example" }, ["VM_TOKEN"]],
    ["machines mode: the Fly settings, not VM_URL", { ...TWILIO, ...WRITERS, ...FLY }, []],
    ["machines mode without its Fly settings: named once each, as missing", { ...WHATSAPP_READY, VM_MODE: "machines" }, ["FLY_API_TOKEN", "FLY_APP", "FLY_IMAGE"]],
    ["machines mode without VM_TOKEN either", { ...TWILIO, ...WRITERS, VM_MODE: "machines" }, ["FLY_API_TOKEN", "FLY_APP", "FLY_IMAGE", "VM_TOKEN"]],
    ["an invalid VM_MODE: named as invalid, no mode guessed", { ...TWILIO, ...WRITERS, VM_MODE: "both" }, ["VM_MODE"]],
    ["nobody may write", { ...TWILIO, ...VM }, ["ALLOWED_SENDERS"]],
    ["an admin alone may write (and /allow others)", { ...TWILIO, ...VM, ADMIN_SENDERS: "+15551230009" }, []],
    ["a list of blanks is nobody", { ...TWILIO, ...VM, ALLOWED_SENDERS: " , ," }, ["ALLOWED_SENDERS"]],
    ["WhatsApp and Telegram, ready", { ...WHATSAPP_READY, ...BOT }, []],
    ["a bot without its webhook's secret", { ...WHATSAPP_READY, ...BOT, TELEGRAM_WEBHOOK_SECRET: undefined }, ["TELEGRAM_WEBHOOK_SECRET"]],
    ["a Telegram user alone may write where both are served", { ...TWILIO, ...VM, ...BOT }, []],
    ["Telegram alone: no Twilio needed, but a media key is", { ...VM, ...BOT }, ["MEDIA_SIGNING_KEY"]],
    ["Telegram alone with a media key", { ...VM, ...BOT, MEDIA_SIGNING_KEY: "m".repeat(32) }, []],
    ["Telegram alone, nobody on it may write", { ...VM, ...BOT, MEDIA_SIGNING_KEY: "m".repeat(32), ALLOWED_TELEGRAM_USERS: "", ALLOWED_SENDERS: "+15551230001" }, ["ALLOWED_TELEGRAM_USERS"]],
    ["one Twilio credential set means WhatsApp too, beside Telegram", { ...VM, ...BOT, TWILIO_AUTH_TOKEN: "auth-token-value-0123" }, ["TWILIO_ACCOUNT_SID"]],
    ["a webhook secret under 32 characters", { ...WHATSAPP_READY, ...BOT, TELEGRAM_WEBHOOK_SECRET: "s".repeat(31) }, ["TELEGRAM_WEBHOOK_SECRET"]],
    ["an invalid setting elsewhere", { ...WHATSAPP_READY, FLY_APP: "Not An App" }, ["FLY_APP"]],
    ["invalid entries in a sender list", { ...WHATSAPP_READY, ADMIN_SENDERS: "5551230009" }, ["ADMIN_SENDERS"]],
    ["missing and invalid together, missing first", { ...TWILIO, ...WRITERS, MEDIA_RETENTION_DAYS: "0" }, ["VM_URL", "VM_TOKEN", "MEDIA_RETENTION_DAYS"]],
  ])("%s", (_, env, expected) => {
    expect(names(env)).toEqual(expected);
  });
});

describe("each problem in one line, by name", () => {
  it.each<[string, Record<string, unknown>, string]>([
    ["missing", { ...WHATSAPP_READY, TWILIO_AUTH_TOKEN: undefined }, "TWILIO_AUTH_TOKEN is not set: no webhook can be verified, so every one is refused (503)"],
    ["required by the mode", { ...TWILIO, ...WRITERS, ...FLY, FLY_IMAGE: undefined }, "FLY_IMAGE is not set (required when VM_MODE=machines): no run can start"],
    ["too short", { ...WHATSAPP_READY, ...BOT, TELEGRAM_WEBHOOK_SECRET: "s".repeat(20) }, "TELEGRAM_WEBHOOK_SECRET is invalid: must be at least 32 characters"],
    ["invalid, zod's own words", { ...WHATSAPP_READY, VM_URL: "ftp://vm.example" }, "VM_URL is invalid: Invalid URL"],
    ["nobody", { ...TWILIO, ...VM }, "ALLOWED_SENDERS is empty, and so is ADMIN_SENDERS: nobody may write, and no admin can /allow anyone"],
  ])("%s", (_, env, line) => {
    expect(checkSettings(env).map(describeProblem)).toEqual([line]);
  });

  it("never quotes a value, valid or not", () => {
    const values = {
      TWILIO_AUTH_TOKEN: "auth-token-value-0123",
      VM_TOKEN: "vm-token-value-0123",
      ALLOWED_SENDERS: "+15551230001,not-a-number-7",
      ALLOWED_TELEGRAM_USERS: "@someone_by_name",
      TELEGRAM_BOT_TOKEN: "bad token value",
      TELEGRAM_WEBHOOK_SECRET: "short_secret_value",
      FLY_APP: "Bad_App_Name_Value",
      MEDIA_SIGNING_KEY: "short-key-value",
    };
    const lines = checkSettings(values).map(describeProblem).join("\n");
    expect(lines).toContain("TELEGRAM_WEBHOOK_SECRET");
    for (const value of [...Object.values(values), "not-a-number-7", "@someone_by_name"]) expect(lines).not.toContain(value);
  });
});

// GET /health names the problems of every part of the settings in one order: the missing ones
// first (each channel's, the VM mode's, who may write, a key for media links), then the invalid
// ones in the order the settings are declared (channels, the relay's own, the VM, the archive, a
// Machine's retirement, the limits, progress, approvals, media, the GitHub stand-in, the laptop, the
// doors, the web).
describe("problems across every part, in one order", () => {
  it("missing first, then every part's invalid settings in the declarations' order", () => {
    const env = {
      LIVE_PAGES_PER_USER: "x",
      WEB_LINK_TTL_HOURS: "0",
      DOOR_SIGNING_KEY: "short",
      MEDIA_SIGNING_KEY: "short",
      LAPTOP_MODEL_URL: "x",
      GITHUB_STAND_IN_URL: "x",
      VOICE_REPLY_MAX_SECONDS: "4",
      MEDIA_RETENTION_DAYS: "0",
      APPROVALS_DEFAULT: "maybe",
      PROGRESS_EVERY_MS: "10",
      ALLOWLIST_CACHE_MS: "3600001",
      MAX_PARALLEL_RUNS: "11",
      MAX_MESSAGES_PER_MINUTE: "12345",
      DAILY_BUDGET_USD: "x",
      ARCHIVE_AFTER_DAYS: "0",
      MACHINE_RETIRE_DAYS: "0",
      FLY_APP: "Bad App",
      PUBLIC_URL: "ftp://relay.example",
      TELEGRAM_WEBHOOK_SECRET: "short",
      TWILIO_API_BASE: "x",
    };
    expect(names(env)).toEqual([
      "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "VM_URL", "VM_TOKEN", "ALLOWED_SENDERS",
      "TWILIO_API_BASE", "TELEGRAM_WEBHOOK_SECRET", "PUBLIC_URL", "FLY_APP", "ARCHIVE_AFTER_DAYS", "MACHINE_RETIRE_DAYS",
      "DAILY_BUDGET_USD", "MAX_MESSAGES_PER_MINUTE", "MAX_PARALLEL_RUNS", "ALLOWLIST_CACHE_MS", "PROGRESS_EVERY_MS", "APPROVALS_DEFAULT",
      "MEDIA_RETENTION_DAYS", "VOICE_REPLY_MAX_SECONDS", "GITHUB_STAND_IN_URL", "LAPTOP_MODEL_URL", "MEDIA_SIGNING_KEY", "DOOR_SIGNING_KEY",
      "WEB_LINK_TTL_HOURS", "LIVE_PAGES_PER_USER",
    ]);
  });

  it("the missing ones: a channel's, the VM mode's, who may write, then a key for media links", () => {
    const env = { ...VM, VM_MODE: "machines", TELEGRAM_BOT_TOKEN: BOT.TELEGRAM_BOT_TOKEN, MACHINE_IDLE_MS: "10" };
    expect(checkSettings(env).map(describeProblem)).toEqual([
      "TELEGRAM_WEBHOOK_SECRET is not set (required with TELEGRAM_BOT_TOKEN): the webhook refuses every update",
      "FLY_API_TOKEN is not set (required when VM_MODE=machines): no run can start",
      "FLY_APP is not set (required when VM_MODE=machines): no run can start",
      "FLY_IMAGE is not set (required when VM_MODE=machines): no run can start",
      "ALLOWED_TELEGRAM_USERS is empty, and so is ADMIN_TELEGRAM_USERS: nobody may write, and no admin can /allow anyone",
      "MEDIA_SIGNING_KEY is not set (nor TWILIO_AUTH_TOKEN to derive its key from): no media and no /web link can be signed",
      "MACHINE_IDLE_MS is invalid: must be at least 1000",
    ]);
  });

  it("a mode's required settings are named before any list's bad entries, which then go unnamed", () => {
    const env = { ...TWILIO, ...FLY, FLY_IMAGE: undefined, ALLOWED_SENDERS: "+15551230001,555", ALLOWED_TELEGRAM_USERS: "@someone" };
    expect(names(env)).toEqual(["FLY_IMAGE"]);
    expect(loadConfig({ ...env })).toEqual({ ok: false, problems: ["FLY_IMAGE: required when VM_MODE=machines"] });
  });

  it("a sender list's bad entries are named before a Telegram list's", () => {
    const env = { ...WHATSAPP_READY, ADMIN_SENDERS: "555", ADMIN_TELEGRAM_USERS: "@someone" };
    expect(names(env)).toEqual(["ADMIN_SENDERS"]);
  });
});
