// An admin's /allow and /deny of a numeric Telegram user id: the runtime allow-list lets the
// user's updates reach their own agent, and a /deny shuts the door again (told once, nothing stored).
import { expect, it } from "vitest";
import { NOT_ALLOWED } from "../../src/channels/telegram/webhook-route";
import { ask, eventually, query } from "../worker/helpers";
import { TEST_ADMIN } from "../worker/test-env";
import { chatOf, postUpdate, queuedFor, storedOf, userWrites } from "./helpers";
import { TEST_TELEGRAM_ADMIN, TEST_TELEGRAM_ALLOWED } from "./telegram-env";

const refusals = async (userId: string) => (await chatOf(userId)).messages.filter((m) => m.direction === "bot" && m.text?.startsWith(NOT_ALLOWED));

it("/allow <telegram id> lets the user in; /deny shuts them out again, told once by their agent, their updates refused", async () => {
  const user = "800050";
  expect((await postUpdate(await userWrites(user, { text: "let me in" }))).status).toBe(200);
  await eventually(async () => (await refusals(user)).length === 1);
  expect(await storedOf(user)).toEqual([]);

  expect(await ask(TEST_ADMIN, `/allow ${user}`)).toBe(`Allowed tg-${user}: they can write to the agent now.`);
  const update = await userWrites(user, { text: "hello agent" });
  expect((await postUpdate(update)).status).toBe(200);
  expect((await storedOf(user)).map((m) => [m.id, m.body])).toEqual([[`tg-${update.update_id}`, "hello agent"]]);

  expect(await ask(TEST_ADMIN, `/deny ${user}`)).toMatch(new RegExp(`^Denied tg-${user}: `));
  expect(await query(`tg-${user}`, "SELECT key FROM settings WHERE key = 'access_revoked'")).toHaveLength(1);
  // Their agent tells them (its outbox, for the chat they wrote from); the webhook's refusal was said already.
  expect((await query<{ body: string }>(`tg-${user}`, "SELECT body FROM outbox")).map((r) => r.body)).toContainEqual(expect.stringMatching(/^🚫 An admin has removed your access/));
  expect((await postUpdate(await userWrites(user, { text: "still there?" }))).status).toBe(200);
  expect(await storedOf(user)).toHaveLength(1);
});

it("a configured Telegram user is not the runtime list's to change", async () => {
  const configured = TEST_TELEGRAM_ALLOWED[99]!;
  expect(await ask(TEST_ADMIN, `/deny ${configured}`)).toBe(`tg-${configured} is in ALLOWED_TELEGRAM_USERS, the operator's configuration: /deny can't remove it (only a change of that setting can). Nothing changed.`);
});

it("an admin on Telegram (ADMIN_TELEGRAM_USERS) runs admin commands from their own agent", async () => {
  const user = "800060";
  const update = await userWrites(TEST_TELEGRAM_ADMIN, { text: `/allow ${user}` });
  expect((await postUpdate(update)).status).toBe(200);
  const reply = await eventually(async () => (await queuedFor(TEST_TELEGRAM_ADMIN)).find((r) => r.body.startsWith("Allowed")));
  expect(reply.body).toBe(`Allowed tg-${user}: they can write to the agent now.`);
  expect((await postUpdate(await userWrites(user, { text: "hi" }))).status).toBe(200);
  expect((await storedOf(user)).map((m) => m.body)).toEqual(["hi"]);
});
