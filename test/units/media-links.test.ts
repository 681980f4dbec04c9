// Signed links to stored files (clients/media-store.ts, createMediaLinker) and the inbound fetch's
// needs (clients/media-fetch.ts, inboundMediaFor): each is there only when all it needs is.
import { describe, expect, it } from "vitest";
import { loadConfig, type Config } from "../../src/config";
import { twilioAccountOf } from "../../src/channels/whatsapp/account";
import { inboundMediaFor } from "../../src/objects/clients/media-fetch";
import { createMediaLinker, mediaKeysFor, mediaStoreFor } from "../../src/objects/clients/media-store";
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

describe("inboundMediaFor", () => {
  const store = mediaStoreFor(memoryBucket().binding, mediaKeysFor(signed), () => T0);
  const twilio = twilioAccountOf(signed);

  it("gives storage with the account's credentials for the media API", async () => {
    const deps = await inboundMediaFor(store, twilio)!();
    expect(deps.twilio).toEqual({ accountSid: `AC${"0".repeat(32)}`, authToken: "token", apiBase: "https://api.twilio.com" });
    expect(deps.now()).toBe(T0);
  });

  it.each([
    ["no storage", null, twilio],
    ["no Twilio account", store, null],
  ] as const)("is none with %s", (_name, s, account) => {
    expect(inboundMediaFor(s, account)).toBeNull();
  });
});
