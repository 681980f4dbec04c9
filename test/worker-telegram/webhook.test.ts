// POST /telegram/webhook through the Worker and the user's PhoneAgent, the Bot API being the
// stand-in of emulator/telegram/: the secret, duplicates, strangers, groups and malformed updates
// (each answered without a 5xx and nothing stored; an oversized one not even read whole), and a text
// reaching the agent with its source.
import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { SECRET_HEADER } from "../../src/channels/telegram/webhook-secret";
import { TEST_PUBLIC_URL } from "../worker/test-env";
import { TEST_TELEGRAM_SECRET } from "./telegram-env";
import { NOT_ALLOWED, WELCOME } from "../../src/channels/telegram/webhook-route";
import { eventually, vmRequests } from "../worker/helpers";
import { chatOf, postUpdate, storedOf, userWrites } from "./helpers";

it("the secret: missing or wrong is 401 with nothing stored; right is 200 and stored", async () => {
  const user = "700101";
  const update = await userWrites(user, { text: "hello" });
  expect((await postUpdate(update, null)).status).toBe(401);
  expect((await postUpdate(update, "not-the-secret")).status).toBe(401);
  expect((await postUpdate(update, "")).status).toBe(401);
  expect(await storedOf(user)).toEqual([]);
  expect((await postUpdate(update)).status).toBe(200);
  expect((await storedOf(user)).map((m) => m.id)).toEqual([`tg-${update.update_id}`]);
});

it("a text reaches the user's own agent, stored once by update id with its chat", async () => {
  const user = "700102";
  const update = await userWrites(user, { text: "fix the login bug" });
  const res = await postUpdate(update);
  expect(res.status).toBe(200);
  expect(await storedOf(user)).toEqual([{ id: `tg-${update.update_id}`, body: "fix the login bug", channel: "telegram", chat: user, media_json: "[]" }]);
  const start = await eventually(async () => (await vmRequests(`tg-${user}`)).find((r) => r.kind === "start"));
  expect(start.messages!.map((m) => m.text)).toEqual(["fix the login bug"]);
});

it("the same update twice is one message: the repeat is answered 200 and changes nothing", async () => {
  const user = "700103";
  const update = await userWrites(user, { text: "/status" });
  expect((await postUpdate(update)).status).toBe(200);
  const after = await storedOf(user);
  expect((await postUpdate(update)).status).toBe(200);
  expect((await postUpdate(update)).status).toBe(200);
  expect(await storedOf(user)).toEqual(after);
  expect(after).toHaveLength(1);
});

it("a stranger gets one short refusal naming their id, however often they write, and nothing is stored", async () => {
  const stranger = "800001";
  for (const text of ["hi", "hello?", "/start"]) expect((await postUpdate(await userWrites(stranger, { text }))).status).toBe(200);
  const refusals = await eventually(async () => {
    const bot = (await chatOf(stranger)).messages.filter((m) => m.direction === "bot");
    return bot.length > 0 && bot;
  });
  expect(refusals.map((m) => m.text)).toEqual([`${NOT_ALLOWED} (${stranger}).`]);
  // Another stranger's refusal, sent after the repeats were answered: the first got no second one.
  const other = "800002";
  expect((await postUpdate(await userWrites(other, { text: "hi" }))).status).toBe(200);
  await eventually(async () => (await chatOf(other)).messages.some((m) => m.direction === "bot"));
  expect((await chatOf(stranger)).messages.filter((m) => m.direction === "bot")).toHaveLength(1);
  expect(await storedOf(stranger)).toEqual([]);
});

it("an allowed user's /start is welcomed, not passed to the agent", async () => {
  const user = "700104";
  expect((await postUpdate(await userWrites(user, { text: "/start" }))).status).toBe(200);
  const welcome = await eventually(async () => (await chatOf(user)).messages.find((m) => m.direction === "bot"));
  expect(welcome.text).toBe(WELCOME);
  expect(await storedOf(user)).toEqual([]);
});

it("a group's message is ignored: 200, nothing stored, nothing said", async () => {
  const user = "700105";
  const res = await postUpdate(await userWrites(user, { text: "@bot do this", groupChatId: -100123 }));
  expect(res.status).toBe(200);
  expect(await storedOf(user)).toEqual([]);
  expect((await chatOf(user)).messages.filter((m) => m.direction === "bot")).toEqual([]);
});

it("malformed updates, edits and what the relay does not take: 200 (never a 5xx), nothing stored", async () => {
  const user = "700106";
  const from = { id: Number(user), is_bot: false, first_name: "Ada" };
  const chat = { id: Number(user), type: "private" };
  const bodies: unknown[] = [
    "not json at all",
    "",
    "[1, 2, 3]",
    {},
    { update_id: "seven" },
    { update_id: -1, message: { message_id: 1, from, chat, date: 1, text: "negative id" } },
    { update_id: 9_000_001, message: { message_id: 1, chat, date: 1, text: "no from" } },
    { update_id: 9_000_002, message: { message_id: 1, from, chat: { id: 1, type: "secret" }, date: 1, text: "chat of no known type" } },
    { update_id: 9_000_003, edited_message: { message_id: 1, from, chat, date: 1, edit_date: 2, text: "an edit" } },
    { update_id: 9_000_004, message: { message_id: 1, from, chat, date: 1, sticker: { file_id: "x" } } },
    { update_id: 9_000_005, message: { message_id: 1, from: { ...from, is_bot: true }, chat, date: 1, text: "a bot" } },
    { update_id: 9_000_006, message: { message_id: 1, from, chat, date: 1, text: "two kinds" }, callback_query: { id: "1", from, chat_instance: "1", data: "x" } },
    { update_id: 9_000_007, poll: { id: "p" } },
  ];
  for (const body of bodies) {
    const res = await postUpdate(body);
    expect({ body, status: res.status }).toEqual({ body, status: 200 });
  }
  expect(await storedOf(user)).toEqual([]);
});

it("an update sent in chunks with no length stops being read past 256 KiB: ignored as malformed, nothing stored", async () => {
  const user = "700199";
  const update = await userWrites(user, { text: "hello" });
  // The update's JSON, then padding that makes it 8 MiB, 16 KiB at a time.
  const head = new TextEncoder().encode(JSON.stringify(update).replace(/}$/, ',"pad":"'));
  const pad = new TextEncoder().encode("x".repeat(16 * 1024));
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= 8 * 1024 * 1024) return controller.close();
      controller.enqueue(sent === 0 ? head : pad);
      sent += sent === 0 ? head.byteLength : pad.byteLength;
    },
  });
  const res = await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}/telegram/webhook`, { method: "POST", headers: { "content-type": "application/json", [SECRET_HEADER]: TEST_TELEGRAM_SECRET }, body, duplex: "half" } as RequestInit));
  expect(res.status).toBe(200);
  expect(await storedOf(user)).toEqual([]);
  // Read whole, all 8 MiB would have been taken; what passes is the bound and the pipe's buffers.
  expect(sent).toBeLessThan(2 * 1024 * 1024);
});
