import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { bodies, eventually, inboundForm, postSigned, releaseVm, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";

const phone = "+15550000106";

it("keeps one phone's concurrent webhooks in one order, each processed once", async () => {
  await sendInbound(phone, "hold on [[vm:hold]]");
  await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "start"));

  const forms = Array.from({ length: 8 }, (_, i) => inboundForm(phone, `message ${i}`));
  const answers = await Promise.all(forms.map((form) => postSigned("/twilio/inbound", form)));
  expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));

  await releaseVm(phone);
  // Messages injected together form one turn, answered as "echo: a | b".
  const echoedOf = (all: { body: string | null }[]) =>
    all.filter((m) => m.body?.startsWith("echo: message")).flatMap((m) => m.body!.slice("echo: ".length).split(" | "));
  const sent = await eventually(async () => {
    const all = await sentTo(phone);
    return echoedOf(all).length === 8 && all;
  });

  const stored = await runInDurableObject(stubFor(phone), (_a, state) =>
    state.storage.sql.exec<{ id: string; status: string }>("SELECT id, status FROM messages ORDER BY seq").toArray(),
  );
  const storedOrder = stored.map((m) => m.id).slice(1);
  expect(new Set(storedOrder)).toEqual(new Set(forms.map((f) => f.MessageSid)));
  expect(stored.every((m) => m.status === "answered")).toBe(true);

  // The VM received them in the stored (arrival) order, each exactly once.
  const requests = await vmRequests(phone);
  const dispatched = requests.flatMap((r) => (r.kind === "start" || (r.kind === "input" && r.accepted) ? (r.messages ?? []).map((m) => m.id) : []));
  expect(dispatched.slice(1)).toEqual(storedOrder);

  // Replies went out in the same order.
  const expected = storedOrder.map((id) => forms.find((f) => f.MessageSid === id)!.Body);
  expect(echoedOf(sent)).toEqual(expected);
});

it("claims the message's run before its webhook is answered, so the dispatch leaves with the answer, and the run starts by itself", async () => {
  const phone = "+15550000200";
  const message = { messageId: `SM${"a0".repeat(16)}`, body: "start after the answer", media: [], receivedAt: Date.now(), publicOrigin: "http://relay.test" };
  const atAnswer = await runInDurableObject(stubFor(phone), async (agent, state) => {
    expect(await agent.enqueue(message)).toEqual({ stored: true });
    // The pump starts in the same turn: the run's claim commits with the message, not a timer later.
    return state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM runs").one().n;
  });
  expect(atAnswer).toBe(1);
  const start = await eventually(async () => (await vmRequests(phone)).find((r) => r.kind === "start"));
  expect(start.messages![0]!.text).toBe("start after the answer");
  const sent = await eventually(async () => {
    const all = await sentTo(phone);
    return all.length === 1 && all;
  });
  expect(bodies(sent)).toEqual(["echo: start after the answer"]);
});
