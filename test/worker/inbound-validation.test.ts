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
