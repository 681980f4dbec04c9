// TWILIO_* (src/channels/whatsapp/config.ts, through loadConfig): Twilio's public API bases and
// the sandbox sender unless set, and media links signed from the auth token when no key of their own.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/agent/relay-settings";

const KEY = "k".repeat(32);

describe("WhatsApp's configuration", () => {
  it("unset: Twilio's public API bases and the sandbox's sender, no account", () => {
    const loaded = loadConfig({});
    expect(loaded.ok && loaded.config.twilio).toEqual({
      accountSid: null,
      authToken: null,
      from: "whatsapp:+14155238886",
      apiBase: "https://api.twilio.com",
      messagingApiBase: "https://messaging.twilio.com",
      templateSid: null,
      contentApiBase: "https://content.twilio.com",
    });
  });

  it("set: each setting read, base URLs without their trailing slash", () => {
    const loaded = loadConfig({ TWILIO_ACCOUNT_SID: "AC1", TWILIO_AUTH_TOKEN: "tok", TWILIO_WHATSAPP_FROM: "whatsapp:+15551230000", TWILIO_API_BASE: "http://127.0.0.1:4000/", TWILIO_TEMPLATE_SID: "HX12" });
    expect(loaded.ok && loaded.config.twilio).toMatchObject({ accountSid: "AC1", authToken: "tok", from: "whatsapp:+15551230000", apiBase: "http://127.0.0.1:4000", templateSid: "HX12" });
  });

  it.each<[string, Record<string, string>, string | null]>([
    ["MEDIA_SIGNING_KEY first", { MEDIA_SIGNING_KEY: KEY, TWILIO_AUTH_TOKEN: "tok" }, KEY],
    ["else the Twilio auth token", { TWILIO_AUTH_TOKEN: "tok" }, "tok"],
    ["neither: no media links", {}, null],
  ])("media links are signed from %s", (_, env, secret) => {
    const loaded = loadConfig(env);
    expect(loaded.ok && loaded.config.media.signingSecret).toBe(secret);
  });

  it.each<[Record<string, string>, string]>([
    [{ TWILIO_WHATSAPP_FROM: "+15551230000" }, "TWILIO_WHATSAPP_FROM: TWILIO_WHATSAPP_FROM must be whatsapp:+E164"],
    [{ TWILIO_TEMPLATE_SID: "AB12" }, "TWILIO_TEMPLATE_SID: TWILIO_TEMPLATE_SID must start with HX"],
  ])("%j fails closed, named", (env, problem) => {
    expect(loadConfig(env)).toEqual({ ok: false, problems: [problem] });
  });
});
