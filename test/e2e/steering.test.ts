// Steering the agent from the phone, end to end with the real Claude Code CLI on the offline model:
// /model sonnet names a Sonnet model in the next turn's request, in the first turn after /new and in
// a scheduled task of the conversation; /plan <task> changes nothing and sends the plan as a card,
// whose first answer goes on asking before each edit, whose second accepts edits, and whose "change
// it" has the agent plan again with the user's next message.
import { beforeAll, expect, it } from "vitest";
import { useResources } from "../helpers/resources";
import { nextMessage, sentTo } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";
import { postInbound } from "./helpers/signed-inbound";

let stack: E2eStack;
const resources = useResources();

beforeAll(async () => {
  stack = await startE2eStack("steering", resources, { recordModel: true });
});

const send = async (phone: string, text: string) => expect((await postInbound(stack, phone, text)).status).toBe(200);
const list = (phone: string) => () => sentTo(stack.urls.twilio, phone);

/** The model named by the Messages API requests whose text holds `words`. */
function modelsAsked(words: string): string[] {
  return (stack.model?.requests ?? []).filter((r) => r.path === "/v1/messages" && JSON.stringify(r.body).includes(words)).map((r) => String((r.body as { model?: unknown }).model));
}

it("keeps the conversation's model across /new and in its scheduled tasks", async () => {
  const phone = PHONES[0];
  const messages = list(phone);
  await send(phone, "/model sonnet");
  let seen = (await nextMessage("the /model answer", messages, 0, (b) => b.includes("uses sonnet"))).seen;
  await send(phone, "hello from sonnet");
  seen = (await nextMessage("the answer", messages, seen, (b) => b.includes("hello from sonnet"))).seen;
  expect(modelsAsked("hello from sonnet")).toEqual([expect.stringMatching(/^claude-sonnet-/)]);

  await send(phone, "/new");
  seen = (await nextMessage("the /new answer", messages, seen, (b) => /fresh|new session/i.test(b))).seen;
  await send(phone, "hello after new");
  seen = (await nextMessage("the answer after /new", messages, seen, (b) => b.includes("hello after new"))).seen;
  expect(modelsAsked("hello after new")).toEqual([expect.stringMatching(/^claude-sonnet-/)]);

  await send(phone, "/schedule every 1m scheduled hello");
  seen = (await nextMessage("the task made", messages, seen, (b) => /every/i.test(b))).seen;
  await nextMessage("the task's result", messages, seen, (b) => b.includes("scheduled hello"), 150_000);
  expect(modelsAsked("scheduled hello")[0]).toMatch(/^claude-sonnet-/);
  await send(phone, "/schedule delete 1");
}, 300_000);

it("plans first, then goes on as the plan card's answer says", async () => {
  const phone = PHONES[1];
  const messages = list(phone);
  await send(phone, "/plan write 'one' to one.txt");
  let seen = (await nextMessage("the plan card", messages, 0, (b) => b.includes("📋"))).seen;
  const card = (await messages())[seen - 1]!;
  expect(card.body).toContain("1. Write one.txt with “one”.");
  // Go ahead, ask before edits: the edit is asked.
  await send(phone, "1");
  seen = (await nextMessage("the edit's approval", messages, seen, (b) => b.includes("🔐"))).seen;
  await send(phone, "yes");
  seen = (await nextMessage("the answer", messages, seen, (b) => b.includes("I wrote one.txt"))).seen;

  // Go ahead, accept edits: no approval before the answer.
  await send(phone, "/plan write 'two' to two.txt");
  seen = (await nextMessage("the second plan", messages, seen, (b) => b.includes("📋"))).seen;
  await send(phone, "2");
  const before = seen;
  seen = (await nextMessage("the answer", messages, seen, (b) => b.includes("I wrote two.txt"))).seen;
  expect((await messages()).slice(before, seen).some((m) => (m.body ?? "").includes("🔐"))).toBe(false);

  // Change it: the next message is planned again.
  await send(phone, "/plan write 'three' to three.txt");
  seen = (await nextMessage("the third plan", messages, seen, (b) => b.includes("📋"))).seen;
  await send(phone, "3");
  seen = (await nextMessage("the ask for the change", messages, seen, (b) => b.includes("send your change"))).seen;
  await send(phone, "write 'four' to four.txt");
  const replanned = await nextMessage("the plan again", messages, seen, (b) => b.includes("📋"));
  expect(replanned.message.body).toContain("four.txt");
  await send(phone, "2");
  await nextMessage("the answer", messages, replanned.seen, (b) => b.includes("I wrote four.txt"));
}, 300_000);

it("tells once that the account cannot use the model, naming it, and answers with the default", async () => {
  const phone = PHONES[2];
  const messages = list(phone);
  await send(phone, "/model claude-unavailable-1");
  let seen = (await nextMessage("the /model answer", messages, 0, (b) => b.includes("uses claude-unavailable-1"))).seen;
  await send(phone, "hello despite the model");
  seen = (await nextMessage("the answer", messages, seen, (b) => b.includes("hello despite the model"))).seen;
  const told = (await messages()).map((m) => m.body ?? "").filter((b) => b.includes("claude-unavailable-1 is not available"));
  expect(told).toEqual(["[main] The model claude-unavailable-1 is not available to this account, so the agent uses the default model again. /model to choose another."]);
  const asked = modelsAsked("hello despite the model");
  expect(asked[0]).toBe("claude-unavailable-1");
  expect(asked.at(-1)).not.toBe("claude-unavailable-1");
  await send(phone, "/model");
  await nextMessage("the /model answer", messages, seen, (b) => b.includes("uses the default model"));
}, 300_000);
