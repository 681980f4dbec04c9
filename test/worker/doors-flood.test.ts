// A flood of requests that do not pass their door (GitHub deliveries unsigned or wrongly signed,
// trigger firings with a wrong token or a forged URL) reaches no Durable Object: the Worker checks
// each at the door, with no lookup. Counted on the real namespaces (counting-env.ts); the same
// count shows that a request that passes asks exactly the one object its URL names.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, expect, it } from "vitest";
import worker from "../../src/index";
import { signWebhook } from "../../emulator/github/core/webhook-signature";
import { countingEnv } from "./counting-env";
import { payloads, watchDoor } from "./github-helpers";
import { ask } from "./helpers";
import { addTrigger, allowPhones, type MadeTrigger } from "./trigger-helpers";
import { TEST_PUBLIC_URL } from "./test-env";

const PHONES = ["+15550000977"];
const phone = PHONES[0]!;
const FLOOD = 40;

let watched: { url: string; secret: string };
let trigger: MadeTrigger;
beforeAll(async () => {
  await allowPhones(PHONES);
  await ask(phone, "/status");
  watched = await watchDoor(phone, "acme/flooded");
  trigger = await addTrigger(phone, "flooded", "count this");
});

async function post(counting: ReturnType<typeof countingEnv>, url: string, init: { headers?: Record<string, string>; body?: string }): Promise<number> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(url, { method: "POST", ...init }), counting.env, ctx);
  await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return res.status;
}

const alter = (door: string, at: number) => door.slice(0, at) + (door[at] === "A" ? "B" : "A") + door.slice(at + 1);

it("GitHub: unsigned, wrongly signed, to the bare URL or a forged door: every one 401, no object asked", async () => {
  const counting = countingEnv();
  const body = JSON.stringify(payloads.closed("acme/flooded", 1, true));
  const headers = (signature: string | null, i: number) => ({
    "content-type": "application/json",
    "x-github-event": "pull_request",
    "x-github-delivery": `flood-${i}`,
    ...(signature ? { "x-hub-signature-256": signature } : {}),
  });
  const door = watched.url.split("/").at(-1)!;
  const statuses: number[] = [];
  for (let i = 0; i < FLOOD; i++) {
    const cases: [string, string | null][] = [
      [watched.url, null],
      [watched.url, signWebhook("not-the-secret", body)],
      [watched.url, `sha256=${"0".repeat(64)}`],
      [`${TEST_PUBLIC_URL}/github/webhook`, signWebhook(watched.secret, body)],
      [`${TEST_PUBLIC_URL}/github/webhook/${alter(door, 5 + (i % 40))}`, signWebhook(watched.secret, body)],
      [`${TEST_PUBLIC_URL}/github/webhook/${"x".repeat(60 + i)}`, signWebhook(watched.secret, body)],
    ];
    for (const [url, signature] of cases) statuses.push(await post(counting, url, { headers: headers(signature, i), body }));
  }
  expect(counting.counted.calls).toEqual([]);
  expect(new Set(statuses)).toEqual(new Set([401]));

  // The same count for one right delivery: the object its URL names, once, and never the directory.
  const ok = await post(counting, watched.url, { headers: headers(signWebhook(watched.secret, body), FLOOD), body });
  expect(ok).toBe(202);
  expect(counting.counted.calls).toEqual(["PHONE_AGENT.idFromName", "PHONE_AGENT.get", "PHONE_AGENT.receiveWatchedGithubEvent()"]);
});

it("triggers: no token, a wrong one, a forged or pre-door URL: every one 401, no object asked", async () => {
  const counting = countingEnv();
  const statuses: number[] = [];
  for (let i = 0; i < FLOOD; i++) {
    const cases: [string, string | null][] = [
      [trigger.url, null],
      [trigger.url, "x".repeat(43)],
      [`${TEST_PUBLIC_URL}/triggers/${"0123456789abcdef".repeat(2)}`, trigger.token],
      [`${TEST_PUBLIC_URL}/triggers/${alter(trigger.door, 5 + (i % 40))}`, trigger.token],
      [`${TEST_PUBLIC_URL}/triggers/${"y".repeat(60 + i)}`, trigger.token],
    ];
    for (const [url, token] of cases) statuses.push(await post(counting, url, { headers: token ? { authorization: `Bearer ${token}` } : {} }));
  }
  expect(counting.counted.calls).toEqual([]);
  expect(new Set(statuses)).toEqual(new Set([401]));

  expect(await post(counting, trigger.url, { headers: { authorization: `Bearer ${trigger.token}` } })).toBe(202);
  expect(counting.counted.calls).toEqual(["PHONE_AGENT.idFromName", "PHONE_AGENT.get", "PHONE_AGENT.fireTrigger()"]);
});
