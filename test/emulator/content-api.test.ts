// The Content API on the emulator's port: Twilio's resource shape, paging, deletion, approval, auth and error bodies.
import twilio from "twilio";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { ACCOUNT_SID, AUTH_TOKEN, basicAuth, createContent, QUICK_REPLY, startEmulator } from "./helpers";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function contentApi(path: string, init: { method?: string; body?: unknown; authorization?: string } = {}): Promise<Response> {
  return fetch(`${emulator.url}${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: init.authorization ?? basicAuth(), "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

it("creates a quick-reply template and answers Twilio's Content resource", async () => {
  const response = await contentApi("/v1/Content", { method: "POST", body: QUICK_REPLY });
  expect(response.status).toBe(201);
  const content = (await response.json()) as Record<string, unknown>;
  const sid = String(content.sid);
  expect(sid).toMatch(/^HX[0-9a-f]{32}$/);
  expect(content).toEqual({
    account_sid: ACCOUNT_SID,
    date_created: expect.stringMatching(ISO_8601),
    date_updated: expect.stringMatching(ISO_8601),
    friendly_name: "approval_prompt",
    language: "en",
    links: {
      approval_create: `${emulator.url}/v1/Content/${sid}/ApprovalRequests/whatsapp`,
      approval_fetch: `${emulator.url}/v1/Content/${sid}/ApprovalRequests`,
    },
    sid,
    types: QUICK_REPLY.types,
    url: `${emulator.url}/v1/Content/${sid}`,
    variables: QUICK_REPLY.variables,
  });
  const fetched = await contentApi(`/v1/Content/${sid}`);
  expect(await fetched.json()).toEqual(content);
});

it("pages the list the way Twilio's clients follow it", async () => {
  const created = [await createContent(emulator), await createContent(emulator), await createContent(emulator)];
  const first = (await (await contentApi("/v1/Content?PageSize=2")).json()) as { contents: { sid: string }[]; meta: Record<string, unknown> };
  expect(first.meta).toMatchObject({ page: 0, page_size: 2, key: "contents", previous_page_url: null, first_page_url: expect.stringContaining("PageSize=2&Page=0") });
  expect(first.contents).toHaveLength(2);
  const all: string[] = first.contents.map((c) => c.sid);
  let next = first.meta.next_page_url as string | null;
  while (next) {
    const page = (await (await fetch(next, { headers: { authorization: basicAuth() } })).json()) as typeof first;
    all.push(...page.contents.map((c) => c.sid));
    next = page.meta.next_page_url as string | null;
  }
  expect(all).toEqual(expect.arrayContaining(created));
  expect(new Set(all).size).toBe(all.length);
});

it("deletes a template: 204, then 404 with Twilio's error body", async () => {
  const sid = await createContent(emulator);
  expect((await contentApi(`/v1/Content/${sid}`, { method: "DELETE" })).status).toBe(204);
  const gone = await contentApi(`/v1/Content/${sid}`);
  expect(gone.status).toBe(404);
  expect(await gone.json()).toMatchObject({ code: 20404, status: 404, more_info: "https://www.twilio.com/docs/errors/20404" });
  expect((await contentApi(`/v1/Content/${sid}`, { method: "DELETE" })).status).toBe(404);
});

it("records a WhatsApp approval request: received, then approved", async () => {
  const sid = await createContent(emulator);
  const before = (await (await contentApi(`/v1/Content/${sid}/ApprovalRequests`)).json()) as { whatsapp: { status: string } };
  expect(before.whatsapp.status).toBe("unsubmitted");
  const request = await contentApi(`/v1/Content/${sid}/ApprovalRequests/whatsapp`, { method: "POST", body: { name: "approval_prompt", category: "UTILITY" } });
  expect(request.status).toBe(201);
  expect(await request.json()).toMatchObject({ name: "approval_prompt", category: "UTILITY", status: "received", content_type: "twilio/quick-reply" });
  const after = (await (await contentApi(`/v1/Content/${sid}/ApprovalRequests`)).json()) as Record<string, unknown>;
  expect(after).toMatchObject({ sid, account_sid: ACCOUNT_SID, whatsapp: { status: "approved", name: "approval_prompt" } });
});

it.each([
  ["no credentials", { method: "POST", body: QUICK_REPLY, authorization: "" }],
  ["a wrong auth token", { method: "POST", body: QUICK_REPLY, authorization: basicAuth(ACCOUNT_SID, "wrong") }],
  ["a list without credentials", { authorization: "" }],
])("answers 401 with Twilio's 20003 for %s", async (_name, init) => {
  const response = await contentApi("/v1/Content", init);
  expect(response.status).toBe(401);
  expect(await response.json()).toMatchObject({ code: 20003, status: 401 });
});

it.each([
  ["a title over 20 characters", { ...QUICK_REPLY, types: { "twilio/quick-reply": { body: "x", actions: [{ title: "A very long button title", id: "a" }] } } }],
  ["no types", { language: "en" }],
  ["a body that is not JSON", "not json"],
])("answers 400 with Twilio's error body for %s, and stores nothing", async (_name, body) => {
  const before = (await (await contentApi("/v1/Content?PageSize=1000")).json()) as { contents: unknown[] };
  const response = await fetch(`${emulator.url}/v1/Content`, {
    method: "POST",
    headers: { authorization: basicAuth(), "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual({ code: 20001, message: expect.any(String), more_info: "https://www.twilio.com/docs/errors/20001", status: 400 });
  const after = (await (await contentApi("/v1/Content?PageSize=1000")).json()) as { contents: unknown[] };
  expect(after.contents).toHaveLength(before.contents.length);
});

it("serves Twilio's own Node client: create, fetch, list and remove", async () => {
  const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
  client.content.baseUrl = emulator.url;
  // The client sends its argument as the JSON body, so it takes the wire names.
  const created = await client.content.v1.contents.create({
    friendly_name: "from_the_sdk",
    language: "en",
    variables: { 1: "x" },
    types: { "twilio/text": { body: "Hello {{1}}" } },
  } as never);
  expect(created.sid).toMatch(/^HX/);
  const fetched = await client.content.v1.contents(created.sid).fetch();
  expect(fetched.friendlyName).toBe("from_the_sdk");
  expect(fetched.dateCreated).toBeInstanceOf(Date);
  const listed = await client.content.v1.contents.list({ pageSize: 2 });
  expect(listed.map((c) => c.sid)).toContain(created.sid);
  expect(await client.content.v1.contents(created.sid).remove()).toBe(true);
});
