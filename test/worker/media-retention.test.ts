// Media retention by the relay itself: the daily Cron Trigger deletes stored media older than
// MEDIA_RETENTION_DAYS (7 in these tests) from the R2 binding (miniflare's), and nothing else.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { createdAtOf, isExpired, sweepExpiredMedia } from "../../src/media/media-retention";

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 23, 3, 17);
const bucket = () => env.MEDIA!;
const bytes = new Uint8Array([0x4f, 0x67, 0x67, 0x53]);
const put = (key: string, createdAt?: number) => bucket().put(key, bytes, { customMetadata: createdAt === undefined ? {} : { kind: "audio", ext: "ogg", createdAt: String(createdAt) } });
const exists = async (key: string) => (await bucket().head(key)) !== null;

describe("what is past retention", () => {
  it.each<[string, number, boolean]>([
    ["made 8 days ago", now - 8 * DAY, true],
    ["made exactly 7 days ago", now - 7 * DAY, true],
    ["made a second short of 7 days ago", now - 7 * DAY + 1000, false],
    ["made today", now - 1000, false],
  ])("%s → %s", (_name, createdAt, expired) => {
    expect(isExpired(createdAt, now, 7)).toBe(expired);
  });

  it.each<[string, Record<string, string> | undefined, number]>([
    ["the relay's createdAt", { createdAt: String(now - 9 * DAY) }, now - 9 * DAY],
    ["no metadata: R2's upload time", undefined, now - DAY],
    ["unreadable metadata: R2's upload time", { createdAt: "soon" }, now - DAY],
  ])("dated by %s", (_name, customMetadata, expected) => {
    expect(createdAtOf({ customMetadata, uploaded: new Date(now - DAY) })).toBe(expected);
  });
});

it("the Cron Trigger deletes media past retention, both ways, and keeps the rest", async () => {
  const tag = `ret${crypto.randomUUID().slice(0, 8)}`;
  const keys = {
    oldIn: `in/${tag}/old-voice-note`,
    oldOut: `out/${tag}/old-file`,
    freshIn: `in/${tag}/fresh-voice-note`,
    // Stored just now with no createdAt of ours: dated by R2's upload time, so kept.
    undated: `in/${tag}/undated`,
    // Not a key the relay writes: the sweep never looks outside in/ and out/.
    notOurs: `elsewhere/${tag}/old`,
  };
  await put(keys.oldIn, Date.now() - 8 * DAY);
  await put(keys.oldOut, Date.now() - 30 * DAY);
  await put(keys.freshIn, Date.now() - 6 * DAY);
  await put(keys.undated);
  await put(keys.notOurs, Date.now() - 400 * DAY);

  // The Worker's own scheduled handler, as the Cron Trigger calls it.
  await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "17 3 * * *" }), env);

  expect(await exists(keys.oldIn)).toBe(false);
  expect(await exists(keys.oldOut)).toBe(false);
  expect(await exists(keys.freshIn)).toBe(true);
  expect(await exists(keys.undated)).toBe(true);
  expect(await exists(keys.notOurs)).toBe(true);
  await bucket().delete([keys.freshIn, keys.undated, keys.notOurs]);
});

it("pages through a listing longer than a page, and stops at its call budget to finish the next day", async () => {
  // A prefix of its own would not do: the sweep lists all of in/ (other tests' media too), so the
  // counts below are of this test's keys only.
  const tag = `page${crypto.randomUUID().slice(0, 8)}`;
  const old = Array.from({ length: 23 }, (_, i) => `in/${tag}/old-${String(i).padStart(2, "0")}`);
  const fresh = Array.from({ length: 5 }, (_, i) => `in/${tag}/fresh-${i}`);
  for (const key of old) await put(key, now - 10 * DAY);
  for (const key of fresh) await put(key, now - DAY);
  const ours = async () => (await bucket().list({ prefix: `in/${tag}/`, limit: 100 })).objects.map((o) => o.key);

  // Two calls to R2: a page listed and its expired keys deleted (or two pages listed); the rest waits.
  const cut = await sweepExpiredMedia(bucket(), { retentionDays: 7, now, pageSize: 4, maxCalls: 2 });
  expect(cut.complete).toBe(false);
  expect(cut.listed).toBeLessThanOrEqual(8);
  expect(cut.deleted).toBeLessThanOrEqual(4);
  expect((await ours()).length).toBeGreaterThanOrEqual(old.length - 4 + fresh.length);

  const whole = await sweepExpiredMedia(bucket(), { retentionDays: 7, now, pageSize: 4 });
  expect(whole.complete).toBe(true);
  expect(await ours()).toEqual(fresh);
  await bucket().delete(fresh);
});
