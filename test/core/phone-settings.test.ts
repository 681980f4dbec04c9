// What a phone's units are set to (agent/phone-settings.ts), from a configuration or without one.
import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config/config";
import { loadConfig } from "../../src/agent/relay-settings";
import { phoneSettingsOf } from "../../src/agent/phone-settings";
import { twilioAccountOf } from "../../src/channels/whatsapp/account";
import { DEFAULT_PROGRESS_PACING } from "../../src/runs/progress-update";
import { DEFAULT_APPROVAL_TIMEOUT_MS } from "../../src/protocol/vm/approvals";

const ADMIN = "+15550001900";
const USER = "+15550001901";

function configOf(env: Record<string, string>): Config {
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new Error(loaded.problems.join("; "));
  return loaded.config;
}

describe("phoneSettingsOf", () => {
  it("without a configuration: a shared VM, and the defaults", () => {
    expect(phoneSettingsOf(null, USER)).toEqual({
      publicUrl: null,
      vmMode: "shared",
      isAdmin: false,
      maxMessagesPerMinute: 30,
      maxParallelRuns: 3,
      caps: { dailyUsd: 20, monthlyUsd: null },
      approvals: { defaultMode: "edits", timeoutMs: DEFAULT_APPROVAL_TIMEOUT_MS },
      progress: DEFAULT_PROGRESS_PACING,
      transcriberUrl: null,
      voiceReply: { model: "@cf/deepgram/aura-1", maxSeconds: 60, speechUrl: null },
    });
  });

  it("VOICE_REPLY_*: the model, the cap (5 to 600 s) and the local stand-in, anything else refused by name", () => {
    expect(phoneSettingsOf(configOf({ VOICE_REPLY_MAX_SECONDS: "30", SPEECH_URL: "http://127.0.0.1:8788/ai/run/@cf/deepgram/aura-1" }), USER).voiceReply).toEqual({
      model: "@cf/deepgram/aura-1",
      maxSeconds: 30,
      speechUrl: "http://127.0.0.1:8788/ai/run/@cf/deepgram/aura-1",
    });
    for (const bad of ["4", "601", "a minute"]) {
      const loaded = loadConfig({ VOICE_REPLY_MAX_SECONDS: bad });
      expect(loaded.ok ? [] : loaded.problems.join("; ")).toContain("VOICE_REPLY_MAX_SECONDS");
    }
  });

  it("MAX_PARALLEL_RUNS: 1 to 10 conversations at once, anything else refused by name", () => {
    expect(phoneSettingsOf(configOf({ MAX_PARALLEL_RUNS: "5" }), USER).maxParallelRuns).toBe(5);
    for (const bad of ["0", "11", "two"]) {
      const loaded = loadConfig({ MAX_PARALLEL_RUNS: bad });
      expect(loaded.ok ? [] : loaded.problems.join("; ")).toContain("MAX_PARALLEL_RUNS");
    }
  });

  it.each([
    ["both credentials", { TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`, TWILIO_AUTH_TOKEN: "token" }, true],
    ["no auth token", { TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}` }, false],
    ["no account", { TWILIO_AUTH_TOKEN: "token" }, false],
  ] as [string, Record<string, string>, boolean][])("Twilio with %s: %s", (_name, env, usable) => {
    const twilio = twilioAccountOf(configOf(env));
    expect(twilio !== null).toBe(usable);
    if (twilio) expect(twilio).toMatchObject({ accountSid: env.TWILIO_ACCOUNT_SID, authToken: "token", apiBase: "https://api.twilio.com" });
  });

  it.each([
    [ADMIN, true],
    [USER, false],
  ])("%s is an admin: %s", (phone, admin) => {
    expect(phoneSettingsOf(configOf({ ADMIN_SENDERS: ADMIN }), phone).isAdmin).toBe(admin);
  });

  it("takes the configured caps, limits and approvals", () => {
    const settings = phoneSettingsOf(configOf({ DAILY_BUDGET_USD: "5", MAX_MESSAGES_PER_MINUTE: "3", APPROVALS_DEFAULT: "on" }), USER);
    expect(settings).toMatchObject({ caps: { dailyUsd: 5, monthlyUsd: null }, maxMessagesPerMinute: 3, approvals: { defaultMode: "on" } });
  });
});
