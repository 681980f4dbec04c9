// Telegram's MediaFetcher against the Bot API stand-in: an attachment the user sent stored into the
// media store by its file_id, and one past the Bot API's 20 MB refused. Type-checked with the
// Worker's types (tsconfig.units.json): the media store is R2's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningTelegramEmulator } from "../../emulator/telegram/server";
import { parseUpdate } from "../../src/channels/telegram/update";
import { TELEGRAM_TOO_LARGE, telegramMediaFetcher } from "../../src/channels/telegram/media";
import { deriveMediaKeys } from "../../src/media/media-token";
import { mediaSinkOf } from "../../src/media/media-store";
import { memoryBucket } from "../units/helpers/memory-bucket";
import { BOT_TOKEN, callBot, control, telegramResources, USER_ID } from "./telegram-helpers";

const { resources, start, receiver } = telegramResources();
afterAll(() => resources.releaseAll());

let telegram: RunningTelegramEmulator;
let received: { body: unknown }[];

beforeAll(async () => {
  telegram = await start();
  const hook = await receiver();
  received = hook.received;
  await callBot(telegram, "setWebhook", { url: hook.url });
});

describe("telegramMediaFetcher", () => {
  it("stores a document the user sent, fetched by its file_id; refuses one past 20 MB", async () => {
    const bucket = memoryBucket();
    const store = mediaSinkOf({ bucket: bucket.binding, keys: await deriveMediaKeys("test-secret"), now: Date.now });
    const fetchMedia = telegramMediaFetcher({ apiBase: telegram.url, token: BOT_TOKEN });
    await control(telegram, `/users/${USER_ID}/messages`, { document: { base64: Buffer.from("a,b\n1,2").toString("base64"), filename: "t.csv", contentType: "text/csv" } });
    const parsed = parseUpdate(received[received.length - 1]!.body);
    const media = parsed.ok && parsed.inbound.kind === "message" ? parsed.inbound.media[0]! : null;
    const fetched = await fetchMedia(store, { ref: media!.ref, declaredType: media!.contentType, owner: `tg-${USER_ID}` });
    expect(fetched).toMatchObject({ ok: true, contentType: "text/csv; charset=utf-8", size: 7 });
    expect(fetched.ok && Buffer.from(bucket.bytes(fetched.key)!).toString()).toBe("a,b\n1,2");

    await control(telegram, `/users/${USER_ID}/messages`, { document: { base64: Buffer.alloc(21 * 1024 * 1024).toString("base64") } });
    const big = parseUpdate(received[received.length - 1]!.body);
    const bigMedia = big.ok && big.inbound.kind === "message" ? big.inbound.media[0]! : null;
    expect(await fetchMedia(store, { ref: bigMedia!.ref, declaredType: bigMedia!.contentType, owner: `tg-${USER_ID}` })).toEqual({ ok: false, reason: TELEGRAM_TOO_LARGE });
  });
});
