// The Worker isolate's copy of the directory (src/directory/allowlist-copy.ts), with a stand-in directory.
import { expect, it } from "vitest";
import { createAllowlistCache } from "../../src/directory/allowlist-copy";

const configured = (phone: string) => phone === "+15550001900";

function directory(numbers: string[]) {
  const calls = { n: 0 };
  return { calls, load: async () => (calls.n++, [...numbers]) };
}

it("answers from its copy until the TTL, so a steady stream of messages reads the directory once", async () => {
  let now = 1_000_000;
  const cache = createAllowlistCache(() => now);
  const dir = directory(["+15550001901"]);
  for (let i = 0; i < 50; i++) {
    expect(await cache.check("+15550001901", { configured, ttlMs: 60_000, load: dir.load })).toEqual({ allowed: true, via: "directory" });
    now += 1_000;
  }
  // 50 s of messages: one read. At 60 s the copy has expired: one more.
  expect(dir.calls.n).toBe(1);
  now += 10_000;
  await cache.check("+15550001901", { configured, ttlMs: 60_000, load: dir.load });
  expect(dir.calls.n).toBe(2);
});

it("never asks the directory about the operator's numbers", async () => {
  const cache = createAllowlistCache();
  const dir = directory([]);
  expect(await cache.check("+15550001900", { configured, ttlMs: 0, load: dir.load })).toEqual({ allowed: true, via: "config" });
  expect(dir.calls.n).toBe(0);
});

it("a burst after expiry shares one read; forget() makes the next check read again", async () => {
  const cache = createAllowlistCache();
  const dir = directory(["+15550001901"]);
  const answers = await Promise.all(Array.from({ length: 20 }, () => cache.check("+15550001901", { configured, ttlMs: 60_000, load: dir.load })));
  expect(answers.every((a) => a.allowed)).toBe(true);
  expect(dir.calls.n).toBe(1);
  cache.forget();
  await cache.check("+15550001901", { configured, ttlMs: 60_000, load: dir.load });
  expect(dir.calls.n).toBe(2);
});

it("with TTL 0 every check reads the directory (the uncached case the bench measures)", async () => {
  const cache = createAllowlistCache();
  const dir = directory(["+15550001901"]);
  for (let i = 0; i < 3; i++) await cache.check("+15550001901", { configured, ttlMs: 0, load: dir.load });
  expect(dir.calls.n).toBe(3);
});

it("fails closed when the directory cannot be reached, and does not remember the failure", async () => {
  const cache = createAllowlistCache();
  let up = false;
  const load = async () => {
    if (!up) throw new Error("Durable Object unreachable");
    return ["+15550001901"];
  };
  expect(await cache.check("+15550001901", { configured, ttlMs: 60_000, load })).toEqual({ allowed: false, reason: "directory_unreachable" });
  // The operator's numbers still work meanwhile.
  expect(await cache.check("+15550001900", { configured, ttlMs: 60_000, load })).toEqual({ allowed: true, via: "config" });
  up = true;
  expect(await cache.check("+15550001901", { configured, ttlMs: 60_000, load })).toEqual({ allowed: true, via: "directory" });
});

it("a read that started before a change never becomes the copy after it", async () => {
  const cache = createAllowlistCache();
  let release!: (numbers: string[]) => void;
  const stale = new Promise<string[]>((resolve) => (release = resolve));
  const pending = cache.check("+15550001901", { configured, ttlMs: 60_000, load: () => stale });
  cache.forget();
  release(["+15550001901"]);
  await pending;
  const dir = directory([]);
  expect(await cache.check("+15550001901", { configured, ttlMs: 60_000, load: dir.load })).toEqual({ allowed: false, reason: "not_allowed" });
  expect(dir.calls.n).toBe(1);
});
