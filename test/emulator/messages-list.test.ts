// Twilio's Messages list as the emulator serves it: To/From/DateSent filters, newest first, pages
// chained by next_page_uri, date_sent null until a message leaves the queue; and a create that is
// taken while its answer is lost (the connection dropped, or held until the caller gives up).
import { afterEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { basicAuth, messagesUrl, postJson, SANDBOX_FROM, sendMessage, startEmulator } from "./helpers";

let emulator: RunningEmulator;
afterEach(() => emulator?.close());

const alice = "whatsapp:+15551230001";
const bob = "whatsapp:+15551230002";
type Listed = { sid: string; body: string; to: string; date_sent: string | null; date_created: string; status: string };
type Page = { messages: Listed[]; next_page_uri: string | null; page: number; page_size: number; uri: string };

async function list(query: Record<string, string>): Promise<Page> {
  const res = await fetch(`${messagesUrl(emulator)}?${new URLSearchParams(query)}`, { headers: { authorization: basicAuth() } });
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
}

it("lists a recipient's messages newest first, in pages chained by next_page_uri", async () => {
  emulator = await startEmulator({ statusCallbacks: false });
  for (const body of ["one", "two", "three"]) expect((await sendMessage(emulator, { To: alice, Body: body })).status).toBe(201);
  expect((await sendMessage(emulator, { To: bob, Body: "to bob" })).status).toBe(201);

  const first = await list({ To: alice, From: SANDBOX_FROM, PageSize: "2" });
  expect(first.messages.map((m) => m.body)).toEqual(["three", "two"]);
  expect(first.page_size).toBe(2);
  expect(first.next_page_uri).not.toBeNull();
  const next = (await (await fetch(`${emulator.url}${first.next_page_uri}`, { headers: { authorization: basicAuth() } })).json()) as Page;
  expect(next.messages.map((m) => m.body)).toEqual(["one"]);
  expect(next.page).toBe(1);
  expect(next.next_page_uri).toBeNull();
  expect((await list({ To: bob })).messages.map((m) => m.body)).toEqual(["to bob"]);
  expect((await list({ From: "whatsapp:+15550009999" })).messages).toEqual([]);
});

it("leaves date_sent null until the message is sent, and DateSent filters on it", async () => {
  emulator = await startEmulator({ statusCallbacks: false, statusDelayMs: 200 });
  expect((await sendMessage(emulator, { To: alice, Body: "queued" })).status).toBe(201);
  const today = new Date().toISOString().slice(0, 10);
  const [queued] = (await list({ To: alice })).messages;
  expect(queued).toMatchObject({ body: "queued", status: "queued", date_sent: null });
  expect((await list({ To: alice, "DateSent>": today })).messages).toEqual([]);

  await waitFor(async () => (await list({ To: alice })).messages[0]!.date_sent !== null);
  const [sent] = (await list({ To: alice, "DateSent>": today })).messages;
  expect(sent!.body).toBe("queued");
  expect(Date.parse(sent!.date_sent!)).toBeGreaterThanOrEqual(Date.parse(sent!.date_created));
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  expect((await list({ To: alice, "DateSent>": tomorrow })).messages).toEqual([]);
  expect((await list({ To: alice, "DateSent<": today })).messages.map((m) => m.body)).toEqual(["queued"]);
});

it("refuses a list filter Twilio cannot read", async () => {
  emulator = await startEmulator({ statusCallbacks: false });
  const res = await fetch(`${messagesUrl(emulator)}?${new URLSearchParams({ "DateSent>": "yesterday" })}`, { headers: { authorization: basicAuth() } });
  expect(res.status).toBe(400);
  const tooBig = await fetch(`${messagesUrl(emulator)}?PageSize=1001`, { headers: { authorization: basicAuth() } });
  expect(tooBig.status).toBe(400);
});

it("a create taken while its answer is lost is stored: dropped at once, or held until the caller gives up", async () => {
  emulator = await startEmulator({ statusCallbacks: false });
  await postJson(`${emulator.url}/__emulator/faults`, { to: "+15551230001", afterAccept: "drop", count: 1 });
  await expect(sendMessage(emulator, { To: alice, Body: "dropped" })).rejects.toThrow();

  await postJson(`${emulator.url}/__emulator/faults`, { to: "+15551230001", afterAccept: "hang", count: 1 });
  const gaveUp = new AbortController();
  const hanging = fetch(messagesUrl(emulator), {
    method: "POST",
    headers: { authorization: basicAuth(), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ From: SANDBOX_FROM, To: alice, Body: "held" }),
    signal: gaveUp.signal,
  });
  await waitFor(async () => (await list({ To: alice })).messages.length === 2);
  gaveUp.abort();
  await expect(hanging).rejects.toThrow();

  expect((await list({ To: alice })).messages.map((m) => m.body)).toEqual(["held", "dropped"]);
  expect((await sendMessage(emulator, { To: alice, Body: "answered" })).status).toBe(201);
});
