// Signed links to stored files (media/media-store.ts, createMediaLinker) and each channel's
// fetcher of inbound media (channels/media.ts, mediaFetchersFor): each is there only when all it needs is.
import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config/config";
import { loadConfig } from "../../src/agent/relay-settings";
import { mediaFetchersFor } from "../../src/channels/media";
import { createMediaLinker, mediaKeysFor, mediaSinkOf, mediaStoreFor } from "../../src/media/media-store";
import { memoryBucket } from "./helpers/memory-bucket";

const T0 = Date.UTC(2026, 10, 23, 10);
const ORIGIN = "https://relay.example";
const stored = { key: "out/tag/abc", createdAt: T0 };

function configOf(env: Record<string, string>): Config {
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new Error(loaded.problems.join("; "));
  return loaded.config;
}
const signed = configOf({ TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`, TWILIO_AUTH_TOKEN: "token" });

describe("createMediaLinker", () => {
  it("signs a link under the public origin, valid from the object's clock", async () => {
    const link = createMediaLinker({ config: signed, keys: mediaKeysFor(signed), publicOrigin: () => ORIGIN, clock: () => T0 });
    expect(await link(stored)).toMatch(new RegExp(`^${ORIGIN}/media/\\S+$`));
  });

  it.each<[string, Config | null, () => string | null]>([
    ["no configuration", null, () => ORIGIN],
    ["no public origin yet", signed, () => null],
  ])("makes none with %s", async (_name, config, publicOrigin) => {
    const link = createMediaLinker({ config, keys: mediaKeysFor(config), publicOrigin, clock: () => T0 });
    expect(await link(stored)).toBeNull();
  });

  it("makes none once the stored file is past retention", async () => {
    const link = createMediaLinker({ config: signed, keys: mediaKeysFor(signed), publicOrigin: () => ORIGIN, clock: () => T0 + (signed.media.retentionDays + 1) * 86_400_000 });
    expect(await link(stored)).toBeNull();
  });
});

describe("mediaFetchersFor", () => {
  const store = mediaStoreFor(memoryBucket().binding, mediaKeysFor(signed), () => T0)!;
  const bot = { TELEGRAM_BOT_TOKEN: "123456:AAbc", TELEGRAM_WEBHOOK_SECRET: "s3cret".padEnd(32, "0"), TELEGRAM_API_BASE: "https://bot.example" };
  /** A fetch that records each request and answers 404, as both APIs answer for a file they do not have. */
  const recorded = () => {
    const seen: { url: string; authorization: string | null }[] = [];
    const fetchFn: typeof fetch = async (input, init) => {
      seen.push({ url: input instanceof Request ? input.url : String(input), authorization: new Headers(init?.headers).get("authorization") });
      return new Response("{}", { status: 404 });
    };
    return { seen, fetchFn };
  };

  it.each<[string, Config | null, string[]]>([
    ["no configuration", null, []],
    ["a Twilio account", signed, ["whatsapp"]],
    ["no Twilio account", configOf({}), []],
    ["a Twilio account and a bot", configOf({ TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`, TWILIO_AUTH_TOKEN: "token", ...bot }), ["whatsapp", "telegram"]],
    ["a bot alone", configOf(bot), ["telegram"]],
  ])("with %s: a fetcher for %j", (_name, config, channels) => {
    expect(Object.keys(mediaFetchersFor(config))).toEqual(channels);
  });

  it("fetches WhatsApp's attachments from the media API with the account's credentials", async () => {
    const { seen, fetchFn } = recorded();
    const url = `https://api.twilio.com/2010-04-01/Accounts/AC${"0".repeat(32)}/Messages/MM1/Media/ME1`;
    const result = await mediaFetchersFor(signed, fetchFn).whatsapp!(mediaSinkOf(await store()), { ref: url, declaredType: "image/png", owner: "+15550001901" });
    expect(result).toEqual({ ok: false, reason: "Twilio answered 404" });
    expect(seen).toEqual([{ url, authorization: `Basic ${btoa(`AC${"0".repeat(32)}:token`)}` }]);
  });

  it("fetches Telegram's attachments through the bot's API by the file's id", async () => {
    const { seen, fetchFn } = recorded();
    const result = await mediaFetchersFor(configOf(bot), fetchFn).telegram!(mediaSinkOf(await store()), { ref: "FILE-1", declaredType: null, owner: "tg-42" });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/^Telegram did not hand it over \(.+\)$/) });
    expect(seen.map((r) => r.url)).toEqual(["https://bot.example/bot123456:AAbc/getFile"]);
  });
});
