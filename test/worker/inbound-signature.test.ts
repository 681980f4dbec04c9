import { env } from "cloudflare:workers";
import { listDurableObjectIds } from "cloudflare:test";
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";
import { describe, expect, it } from "vitest";
import { inboundForm, postSigned } from "./helpers";
import { TEST_ACCOUNT_SID, TEST_PUBLIC_URL } from "./test-env";

const phone = "+15550000102";

async function objectExists(name: string): Promise<boolean> {
  const wanted = env.PHONE_AGENT.idFromName(name);
  return (await listDurableObjectIds(env.PHONE_AGENT)).some((id) => id.equals(wanted));
}

describe("X-Twilio-Signature on /twilio/inbound", () => {
  it("accepts a signature made by Twilio's library", async () => {
    const res = await postSigned("/twilio/inbound", inboundForm(phone, "hello"));
    expect(res.status).toBe(200);
    expect(await objectExists(phone)).toBe(true);
  });

  it.each([
    ["missing", null],
    ["wrong", "bm90IGEgc2lnbmF0dXJl"],
    ["made with another token", getExpectedTwilioSignature("other-token", `${TEST_PUBLIC_URL}/twilio/inbound`, { a: "b" })],
  ])("refuses a %s signature with 403 and touches no Durable Object", async (_name, signature) => {
    const other = "+15550000103";
    const res = await postSigned("/twilio/inbound", inboundForm(other, "hello"), signature);
    expect(res.status).toBe(403);
    expect(await objectExists(other)).toBe(false);
  });

  it("refuses a valid signature over different parameters", async () => {
    const form = inboundForm("+15550000103", "hello");
    const signature = getExpectedTwilioSignature("test-auth-token-0123456789", `${TEST_PUBLIC_URL}/twilio/inbound`, { ...form, Body: "other" });
    const res = await postSigned("/twilio/inbound", form, signature);
    expect(res.status).toBe(403);
  });

  it("checks status callbacks the same way", async () => {
    const form = { MessageSid: `SM${"a".repeat(32)}`, AccountSid: TEST_ACCOUNT_SID, MessageStatus: "delivered", To: `whatsapp:${phone}` };
    expect((await postSigned("/twilio/status", form, null)).status).toBe(403);
    expect((await postSigned("/twilio/status", form, "AAAA")).status).toBe(403);
    expect((await postSigned("/twilio/status", form)).status).toBe(204);
  });
});
