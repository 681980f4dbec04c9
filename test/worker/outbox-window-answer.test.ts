// A 63016 (outside WhatsApp's 24-hour window) in Twilio's immediate answer to a send is held for
// the user's next message, like one reported by status callback; it is never a lost reply.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { decideOnSendFailure, type SendFailure, type SendFailureDecision } from "../../src/channels/whatsapp/send-policy";
import { bodies, eventually, newSid, sentTo, stubFor } from "./helpers";
import { TEST_PUBLIC_URL } from "./test-env";

const now = 1_700_000_000_000;
const windowClosed: SendFailure = { retryable: false, errorCode: "63016" };

describe("decideOnSendFailure and the window", () => {
  it.each<[string, SendFailure, boolean, SendFailureDecision]>([
    ["63016 in the answer to free-form text: held", windowClosed, false, { action: "hold" }],
    ["63016 to a template: final (no later message helps), the user not told", windowClosed, true, { action: "fail", tellUser: false }],
    ["any other permanent error still fails", { retryable: false, errorCode: "21617" }, false, { action: "fail", tellUser: true }],
  ])("%s", (_name, failure, template, expected) => {
    expect(decideOnSendFailure(failure, 1, now, { template, random: () => 0.5 })).toEqual(expected);
  });
});

// Outside the allow-list's numbers: the object is driven directly, as the Worker would after its checks.
const phone = "+15550002201";
const say = (body: string) =>
  stubFor(phone).enqueue({ messageId: newSid(), body, media: [], buttonPayload: null, receivedAt: Date.now(), publicOrigin: TEST_PUBLIC_URL });
const outboxOf = () =>
  runInDurableObject(stubFor(phone), (_a, state) => state.storage.sql.exec<{ body: string; status: string; held: number }>("SELECT body, status, held FROM outbox ORDER BY id").toArray());

it("a reply Twilio refuses at once with 63016 is held, and goes out after the user's next message", async () => {
  const fault = await fetch(`${env.TWILIO_API_BASE}/__emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ to: phone, code: 63016, count: 1 }),
  });
  expect(fault.status).toBe(200);
  await say("first");
  await eventually(async () => (await outboxOf()).some((row) => row.held === 1));
  expect(await outboxOf()).toEqual([{ body: "echo: first", status: "pending", held: 1 }]);
  expect(await sentTo(phone)).toEqual([]);

  await say("second");
  const sent = await eventually(async () => {
    const all = await sentTo(phone);
    return all.length === 2 && all;
  });
  expect(bodies(sent)).toEqual(["echo: first", "echo: second"]);
  expect(await outboxOf()).toEqual([
    { body: "echo: first", status: "sent", held: 0 },
    { body: "echo: second", status: "sent", held: 0 },
  ]);
});
