// Button taps from Telegram (callback_query): the payload is the same button id WhatsApp's quick
// replies bring back, every tap is acknowledged with answerCallbackQuery, and a tap on a question
// that is closed says so.
import { shipQuestionOf } from "../../src/github/ship";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { buttonPayload } from "../../src/approvals/approvals";
import { eventually, query, rewriteStorage } from "../worker/helpers";
import { botSendsButtons, chatOf, postUpdate, userTaps, userWrites } from "./helpers";

const answerOf = async (userId: string, queryId: string) =>
  eventually(async () => (await chatOf(userId)).callbackAnswers.find((a) => a.id === queryId && a.answered !== null)?.answered);

/** The bot shows a button carrying `data` (as the outbox would), the user taps it, the update is posted: the tap's update and its answer. */
async function tapButton(userId: string, data: string) {
  const messageId = await botSendsButtons(userId, "a question", [{ text: "Yes", callback_data: data }]);
  const tap = await userTaps(userId, messageId, data);
  expect((await postUpdate(tap)).status).toBe(200);
  return { tap, messageId, answer: await answerOf(userId, (tap.callback_query as { id: string }).id) };
}

/** The buttons under the bot's message as the user sees them (none: undefined). */
async function keyboardOf(userId: string, messageId: number): Promise<unknown> {
  const res = await fetch(`${env.TELEGRAM_API_BASE!}/__telegram/users/${userId}/chat`);
  const { messages } = (await res.json()) as { messages: { message_id: number; direction: string; reply_markup?: unknown }[] };
  return messages.find((m) => m.direction === "bot" && m.message_id === messageId)?.reply_markup;
}

it("a tap on an approval's Yes answers it and is acknowledged as taken", async () => {
  const user = "700130";
  const name = `tg-${user}`;
  expect((await postUpdate(await userWrites(user, { text: "run the tests [[vm:approval Bash npm test]]" }))).status).toBe(200);
  const [approval] = await eventually(async () => {
    const rows = await query<{ id: number; status: string }>(name, "SELECT id, status FROM approvals");
    return rows.length > 0 && rows;
  });
  expect(approval!.status).toBe("pending");
  // The prompt's button as the outbox would put it under a message, its id the relay's own.
  const { tap, messageId, answer } = await tapButton(user, buttonPayload(approval!.id, "yes"));
  expect(answer).toEqual({ text: "Yes ✓", showAlert: false });
  expect((await query<{ status: string; answer: string }>(name, "SELECT status, answer FROM approvals"))[0]).toMatchObject({ answer: "yes" });
  // The same tap again (Telegram's redelivery) changes nothing and says nothing more.
  expect((await postUpdate(tap)).status).toBe(200);
  expect(await query(name, "SELECT id FROM messages WHERE id = ?", `tg-${tap.update_id}`)).toHaveLength(1);
  // The keyboard is gone from the message: its button cannot be tapped a second time.
  await eventually(async () => (await keyboardOf(user, messageId)) === undefined);
  await expect(userTaps(user, messageId, buttonPayload(approval!.id, "yes"))).rejects.toThrow(/404/);
});

it("a tap on a question that is closed is acknowledged as expired, and never reaches the agent as text", async () => {
  const user = "700131";
  const name = `tg-${user}`;
  expect((await postUpdate(await userWrites(user, { text: "/status" }))).status).toBe(200);
  const { tap, messageId, answer } = await tapButton(user, "undo:yes");
  expect(answer?.text).toBe("This question has expired.");
  await eventually(async () => (await keyboardOf(user, messageId)) === undefined);
  const rows = await query<{ id: string; status: string }>(name, "SELECT id, status FROM messages WHERE id = ?", `tg-${tap.update_id}`);
  expect(rows).toEqual([{ id: `tg-${tap.update_id}`, status: "answered" }]);
  expect(await query(name, "SELECT id FROM runs")).toEqual([]);
});

it("a tap on /ship's open question is taken: acknowledged, answered, and its keyboard removed", async () => {
  const user = "700135";
  // The chat exists (the user wrote; not passed on), and /ship's question is open in their agent.
  await userWrites(user, { text: "hi" });
  await rewriteStorage(`tg-${user}`, (storage) => {
    const q = shipQuestionOf(1, Date.now());
    storage.sql.exec("INSERT INTO questions (kind, ref, conversation_id, words, buttons, next_message_only, until_run, asked_at) VALUES (?, ?, 1, ?, ?, 1, 1, ?)", q.kind, q.ref, JSON.stringify(q.words), JSON.stringify(q.buttons), q.askedAt);
  });
  const { messageId, answer } = await tapButton(user, "ship:no");
  expect(answer?.text).toBe("Cancelled ✓");
  await eventually(async () => (await keyboardOf(user, messageId)) === undefined);
  expect(await query(`tg-${user}`, "SELECT id FROM questions WHERE kind = 'ship' AND closed_at IS NULL")).toEqual([]);
});

it("a tap on /ship's question once it is closed says it has expired, not that the button is not the relay's", async () => {
  const user = "700134";
  expect((await postUpdate(await userWrites(user, { text: "/status" }))).status).toBe(200);
  const { messageId, answer } = await tapButton(user, "ship:yes");
  expect(answer?.text).toBe("This question has expired.");
  await eventually(async () => (await keyboardOf(user, messageId)) === undefined);
  expect(await query(`tg-${user}`, "SELECT id FROM runs")).toEqual([]);
});

it("a tap whose payload is no button of the relay's is answered so, nothing runs, and its keyboard stays", async () => {
  const user = "700133";
  expect((await postUpdate(await userWrites(user, { text: "/status" }))).status).toBe(200);
  const { messageId, answer } = await tapButton(user, "something-else");
  expect(answer?.text).toBe("This button is not one of mine.");
  expect(await query(`tg-${user}`, "SELECT id FROM runs")).toEqual([]);
  expect(await keyboardOf(user, messageId)).toEqual({ inline_keyboard: [[{ text: "Yes", callback_data: "something-else" }]] });
});

it("a tap on an approval that was already answered says it has expired", async () => {
  const user = "700132";
  const name = `tg-${user}`;
  expect((await postUpdate(await userWrites(user, { text: "deploy [[vm:approval Bash npm run deploy]]" }))).status).toBe(200);
  const [approval] = await eventually(async () => {
    const rows = await query<{ id: number }>(name, "SELECT id FROM approvals");
    return rows.length > 0 && rows;
  });
  expect((await postUpdate(await userWrites(user, { text: "no" }))).status).toBe(200);
  expect((await tapButton(user, buttonPayload(approval!.id, "yes"))).answer?.text).toBe("This approval has expired.");
});

it("a stranger's tap is answered on the button, and nothing is stored", async () => {
  const stranger = "800010";
  // The chat exists once the stranger wrote (the bot cannot write first); their message is refused.
  expect((await postUpdate(await userWrites(stranger, { text: "hi" }))).status).toBe(200);
  expect((await tapButton(stranger, "undo:yes")).answer?.text).toMatch(/^This bot answers only the people its operator allowed/);
  expect(await query(`tg-${stranger}`, "SELECT id FROM messages")).toEqual([]);
});
