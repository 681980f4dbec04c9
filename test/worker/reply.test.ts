import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { bodies, eventually, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";

const phone = "+15550000101";

it("answers 200 with empty TwiML, runs the agent, and sends its reply back", async () => {
  const { res, text, sid } = await sendInbound(phone, "fix the flaky test");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/xml");
  expect(text).toContain("<Response/>");

  const sent = await eventually(async () => (await sentTo(phone)).length === 1 && sentTo(phone));
  expect(bodies(sent)).toEqual(["echo: fix the flaky test"]);

  const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
  expect(starts).toHaveLength(1);
  expect(starts[0]!.sessionId).toBeNull();
  expect(starts[0]!.messages).toEqual([{ id: sid, text: "fix the flaky test" }]);
  expect(starts[0]!.options).toMatchObject({ scheduleTools: true, permissionMode: "bypassPermissions" });
  expect(starts[0]!.options!.appendSystemPrompt).toContain("WhatsApp");

  await runInDurableObject(stubFor(phone), async (_agent, state) => {
    const session = state.storage.sql.exec<{ value: string }>("SELECT session_id AS value FROM conversations WHERE id = 1").one();
    expect(session.value).toMatch(/^session-/);
    const message = state.storage.sql.exec<{ status: string }>("SELECT status FROM messages WHERE id = ?", sid).one();
    expect(message.status).toBe("answered");
  });
});

it("resumes the stored session on the next message", async () => {
  await sendInbound(phone, "and now bump the version");
  await eventually(async () => (await sentTo(phone)).length === 2);
  const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
  expect(starts).toHaveLength(2);
  expect(starts[1]!.sessionId).toMatch(/^session-/);
});

it("a turn the agent reported as an error reaches the user marked as such, naming the message it answers", async () => {
  const errorPhone = "+15550000199";
  await sendInbound(errorPhone, "deploy the api [[vm:api-error]]");
  const sent = await eventually(async () => (await sentTo(errorPhone)).length === 1 && sentTo(errorPhone));
  expect(bodies(sent)).toEqual([
    "⚠️ Your agent hit an error on “deploy the api”: API Error: 400 prompt is too long: 212000 tokens > 200000 maximum.",
  ]);
});
