// An outage window: every Messages.json create fails with Twilio's error for that status until it ends, nothing stored.
import { afterEach, beforeEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { postJson, sendMessage, startEmulator } from "./helpers";

const T0 = Date.UTC(2026, 5, 1, 9, 0, 0);
let clock = T0;
let emulator: RunningEmulator;
beforeEach(async () => {
  clock = T0;
  emulator = await startEmulator({ statusCallbacks: false, now: () => clock });
});
afterEach(() => emulator.close());

const alice = "whatsapp:+15551230001";
const bob = "whatsapp:+15551230002";

const outage = (body: Record<string, unknown>) => postJson(`${emulator.url}/__emulator/faults`, { outage: body });

async function listedBodies(): Promise<string[]> {
  const listed = (await (await fetch(`${emulator.url}/__emulator/messages`)).json()) as { messages: { body: string }[] };
  return listed.messages.map((m) => m.body);
}

it.each([
  [503, { code: 20500, message: "Internal Server Error", status: 503 }],
  [500, { code: 20500, message: "Internal Server Error", status: 500 }],
  [429, { code: 20429, message: "Too Many Requests", status: 429 }],
] as const)("answers %i to every create inside the window, and 201 once it has ended", async (status, body) => {
  const answer = await outage({ status, forMs: 15_000 });
  expect(answer.status).toBe(200);
  expect(await answer.json()).toEqual({ faults: [], outages: [{ status, startedAt: T0, endsAt: T0 + 15_000 }] });
  for (const at of [T0, T0 + 1, T0 + 7_000, T0 + 14_999]) {
    clock = at;
    const response = await sendMessage(emulator, { To: alice, Body: `at ${at - T0}` });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ ...body, more_info: `https://www.twilio.com/docs/errors/${body.code}` });
  }
  clock = T0 + 15_000;
  expect((await sendMessage(emulator, { To: alice, Body: "after" })).status).toBe(201);
  expect(await listedBodies()).toEqual(["after"]);
});

it("tells a client refused with 429 how many seconds are left, rounded up", async () => {
  await outage({ status: 429, forMs: 15_000 });
  const retryAfter = async (at: number) => {
    clock = at;
    return (await sendMessage(emulator, { To: alice, Body: "hi" })).headers.get("retry-after");
  };
  expect(await retryAfter(T0)).toBe("15");
  expect(await retryAfter(T0 + 10_500)).toBe("5");
  expect(await retryAfter(T0 + 14_999)).toBe("1");
});

it("sends no Retry-After with a 5xx outage", async () => {
  await outage({ status: 503, forMs: 5_000 });
  expect((await sendMessage(emulator, { To: alice, Body: "hi" })).headers.get("retry-after")).toBeNull();
});

it("limits an outage to one recipient when `to` is given", async () => {
  await outage({ to: "+15551230002", status: 503, forMs: 5_000 });
  expect((await sendMessage(emulator, { To: alice, Body: "to alice" })).status).toBe(201);
  expect((await sendMessage(emulator, { To: bob, Body: "to bob" })).status).toBe(503);
  clock = T0 + 5_000;
  expect((await sendMessage(emulator, { To: bob, Body: "to bob later" })).status).toBe(201);
  expect(await listedBodies()).toEqual(["to alice", "to bob later"]);
});

it("leaves counted faults pending during an outage: they apply after it", async () => {
  await postJson(`${emulator.url}/__emulator/faults`, { status: 500, count: 1 });
  await outage({ status: 429, forMs: 2_000 });
  expect((await sendMessage(emulator, { To: alice, Body: "during" })).status).toBe(429);
  clock = T0 + 2_000;
  expect((await sendMessage(emulator, { To: alice, Body: "first after" })).status).toBe(500);
  expect((await sendMessage(emulator, { To: alice, Body: "second after" })).status).toBe(201);
});

it("forgets outages on reset and lists only those not yet ended", async () => {
  await outage({ status: 503, forMs: 1_000 });
  clock = T0 + 1_000;
  const answer = (await (await outage({ status: 429, forMs: 3_000 })).json()) as { outages: unknown[] };
  expect(answer.outages).toEqual([{ status: 429, startedAt: T0 + 1_000, endsAt: T0 + 4_000 }]);
  await postJson(`${emulator.url}/__emulator/reset`, {});
  expect((await sendMessage(emulator, { To: alice, Body: "after reset" })).status).toBe(201);
});

it.each([
  ["a status Twilio's API does not fail with", { status: 404, forMs: 1_000 }],
  ["no duration", { status: 503 }],
  ["a zero duration", { status: 503, forMs: 0 }],
  ["a duration over an hour", { status: 503, forMs: 3_600_001 }],
  ["a malformed recipient", { to: "alice", status: 503, forMs: 1_000 }],
])("refuses an outage with %s, and nothing fails", async (_, body) => {
  expect((await outage(body)).status).toBe(400);
  expect((await sendMessage(emulator, { To: alice, Body: "fine" })).status).toBe(201);
});
