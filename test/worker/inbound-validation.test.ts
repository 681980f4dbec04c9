import { env, exports } from "cloudflare:workers";
import { listDurableObjectIds } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { inboundForm, postSigned } from "./helpers";
import { TEST_PUBLIC_URL } from "./test-env";

async function objectCount(): Promise<number> {
  return (await listDurableObjectIds(env.PHONE_AGENT)).length;
}

describe("inbound form validation", () => {
  it("answers 400 with the reason for a malformed form, storing nothing", async () => {
    const form = inboundForm("+15550000104", "hi");
    delete form.MessageSid;
    const before = await objectCount();
    const res = await postSigned("/twilio/inbound", form);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain("MessageSid");
    expect(await objectCount()).toBe(before);
  });

  it("answers 400 when NumMedia promises media that is not there", async () => {
    const res = await postSigned("/twilio/inbound", inboundForm("+15550000104", "", { NumMedia: "1" }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain("MediaUrl0");
  });

  it("answers 413 for a body over 64 KiB", async () => {
    const res = await postSigned("/twilio/inbound", inboundForm("+15550000104", "x".repeat(70 * 1024)));
    expect(res.status).toBe(413);
  });

  it("answers 415 for a body that is not a form", async () => {
    const res = await exports.default.fetch(
      new Request(`${TEST_PUBLIC_URL}/twilio/inbound`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
    );
    expect(res.status).toBe(415);
  });
});

describe("senders", () => {
  it.each([
    ["a number not on the allowlist", "whatsapp:+15559999999"],
    ["a WhatsApp identity without a phone number", "whatsapp:user.abc123"],
  ])("ignores %s with 200 and empty TwiML, touching no Durable Object", async (_name, from) => {
    const before = await objectCount();
    const res = await postSigned("/twilio/inbound", inboundForm("+15550000104", "hi", { From: from }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<Response/>");
    expect(await objectCount()).toBe(before);
  });

  it("serves /health", async () => {
    const res = await exports.default.fetch(`${TEST_PUBLIC_URL}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});

/** A body sent in chunks with no Content-Length, `total` bytes of `byte`, and how much of it the reader took. */
function chunked(total: number, byte = "x"): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  const chunk = new TextEncoder().encode(byte.repeat(16 * 1024));
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
  return { body, pulled: () => sent };
}

const post = (path: string, contentType: string, body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}`, { method: "POST", headers: { "content-type": contentType, ...headers }, body, duplex: "half" } as RequestInit));

describe("bodies sent in chunks, with no length declared", () => {
  it("the Twilio webhook stops reading past 64 KiB: 413, no object touched, the rest never taken", async () => {
    const before = await objectCount();
    const stream = chunked(8 * 1024 * 1024);
    const res = await post("/twilio/inbound", "application/x-www-form-urlencoded", stream.body);
    expect(res.status).toBe(413);
    expect(await objectCount()).toBe(before);
    // Read whole, all 8 MiB would have been taken; what passes is the bound and the pipe's buffers.
    expect(stream.pulled()).toBeLessThan(2 * 1024 * 1024);
  });

  it("the GitHub webhook stops reading past 1 MiB: 413 before any door is tried, the rest never taken", async () => {
    const stream = chunked(16 * 1024 * 1024);
    const res = await post(`/github/webhook/${"A".repeat(60)}`, "application/json", stream.body, { "x-github-event": "ping" });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: "too_large" });
    expect(stream.pulled()).toBeLessThan(4 * 1024 * 1024);
  });

  it("the GitHub webhook refuses a body whose Content-Length is over 1 MiB the same way", async () => {
    const res = await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}/github/webhook/${"A".repeat(60)}`, { method: "POST", headers: { "content-type": "application/json", "x-github-event": "ping" }, body: "x".repeat(1024 * 1024 + 1) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: "too_large" });
  });

  it("a chunked form under the bound is read whole and checked as usual (its signature here)", async () => {
    const stream = chunked(40 * 1024, "a");
    const res = await post("/twilio/inbound", "application/x-www-form-urlencoded", stream.body);
    expect(res.status).toBe(403);
    expect(stream.pulled()).toBeGreaterThanOrEqual(40 * 1024);
  });
});
