// Injected faults make the next Messages.json requests fail like Twilio under load, without storing them.
import { afterEach, beforeEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { postJson, sendMessage, startEmulator } from "./helpers";

let emulator: RunningEmulator;
beforeEach(async () => {
  emulator = await startEmulator({ statusCallbacks: false });
});
afterEach(() => emulator.close());

const alice = "whatsapp:+15551230001";
const bob = "whatsapp:+15551230002";

async function listedBodies(): Promise<string[]> {
  const listed = (await (await fetch(`${emulator.url}/__emulator/messages`)).json()) as { messages: { body: string }[] };
  return listed.messages.map((m) => m.body);
}

it.each([
  [429, { code: 20429, message: "Too Many Requests", status: 429 }],
  [500, { code: 20500, message: "Internal Server Error", status: 500 }],
  [503, { code: 20500, message: "Internal Server Error", status: 503 }],
] as const)("answers %i with Twilio's error for the next count requests", async (status, body) => {
  expect((await postJson(`${emulator.url}/__emulator/faults`, { status, count: 2 })).status).toBe(200);
  for (const attempt of ["one", "two"]) {
    const response = await sendMessage(emulator, { To: alice, Body: attempt });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ ...body, more_info: `https://www.twilio.com/docs/errors/${body.code}` });
  }
  expect((await sendMessage(emulator, { To: alice, Body: "three" })).status).toBe(201);
  expect(await listedBodies()).toEqual(["three"]);
});

it("limits a fault to one recipient when `to` is given", async () => {
  await postJson(`${emulator.url}/__emulator/faults`, { to: "+15551230002", status: 429, count: 1 });
  expect((await sendMessage(emulator, { To: alice, Body: "to alice" })).status).toBe(201);
  expect((await sendMessage(emulator, { To: bob, Body: "to bob" })).status).toBe(429);
  expect((await sendMessage(emulator, { To: bob, Body: "to bob again" })).status).toBe(201);
  expect(await listedBodies()).toEqual(["to alice", "to bob again"]);
});

it("refuses a malformed fault", async () => {
  const response = await postJson(`${emulator.url}/__emulator/faults`, { status: 404, count: 1 });
  expect(response.status).toBe(400);
  expect((await sendMessage(emulator, { To: alice, Body: "fine" })).status).toBe(201);
});

it("tells a client refused with a counted 429 to retry after a second; a 5xx carries no Retry-After", async () => {
  await postJson(`${emulator.url}/__emulator/faults`, { status: 429, count: 1 });
  await postJson(`${emulator.url}/__emulator/faults`, { status: 503, count: 1 });
  expect((await sendMessage(emulator, { To: alice, Body: "one" })).headers.get("retry-after")).toBe("1");
  expect((await sendMessage(emulator, { To: alice, Body: "two" })).headers.get("retry-after")).toBeNull();
});
