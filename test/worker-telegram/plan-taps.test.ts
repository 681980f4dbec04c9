// The plan card on Telegram: the agent's plan arrives as one message with its three answers as an
// inline keyboard (each button's data the relay's own `plan:<id>:<choice>`), and a tap on each does
// what the card says: the run goes on asking before edits, or with edits accepted, or the agent is
// told to wait and the conversation's next message plans again. Each tap is acknowledged and takes
// the keyboard away.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { PLAN_CHANGE_MESSAGE } from "../../src/approvals/plan-card";
import { eventually, query, vmRequests } from "../worker/helpers";
import { chatOf, postUpdate, userTaps, userWrites } from "./helpers";

type BotMessage = { message_id: number; direction: string; text?: string; reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] } };

const botMessages = async (userId: string): Promise<BotMessage[]> => {
  const res = await fetch(`${env.TELEGRAM_API_BASE!}/__telegram/users/${userId}/chat`);
  return res.status === 404 ? [] : ((await res.json()) as { messages: BotMessage[] }).messages.filter((m) => m.direction === "bot");
};

/** `/plan` whose run presents a plan: the card as the user's chat shows it. */
async function planCard(user: string): Promise<BotMessage> {
  expect((await postUpdate(await userWrites(user, { text: "/plan tidy the notes [[vm:plan # Tidy the notes\n1. Read notes.txt\n2. Rewrite it]]" }))).status).toBe(200);
  return eventually(async () => (await botMessages(user)).find((m) => m.text?.includes("📋 The agent's plan in main")));
}

/** Taps the card's button `title`: the tap's acknowledgement, once answered. */
async function tap(user: string, card: BotMessage, title: string) {
  const button = card.reply_markup!.inline_keyboard.flat().find((b) => b.text === title)!;
  const update = await userTaps(user, card.message_id, button.callback_data);
  expect((await postUpdate(update)).status).toBe(200);
  const queryId = (update.callback_query as { id: string }).id;
  return eventually(async () => (await chatOf(user)).callbackAnswers.find((a) => a.id === queryId && a.answered !== null)?.answered);
}

const approvalAnswer = async (name: string) => eventually(async () => (await vmRequests(name)).find((r) => r.kind === "approval"));
const botSaid = async (user: string, text: string) => eventually(async () => (await botMessages(user)).some((m) => m.text === text));

it("arrives with its plan and three buttons; 'Go ahead, ask' goes on asking before each edit", async () => {
  const user = "700150";
  const card = await planCard(user);
  // The plan whole, its heading as Telegram shows one (its marks made formatting).
  expect(card.text).toContain("\nTidy the notes\n1. Read notes.txt\n2. Rewrite it\n");
  const [approval] = await query<{ id: number }>(`tg-${user}`, "SELECT id FROM approvals");
  expect(card.reply_markup).toEqual({
    inline_keyboard: [[
      { text: "Go ahead, ask", callback_data: `plan:${approval!.id}:ask` },
      { text: "Go, accept edits", callback_data: `plan:${approval!.id}:accept` },
      { text: "Change it", callback_data: `plan:${approval!.id}:change` },
    ]],
  });
  expect(await tap(user, card, "Go ahead, ask")).toEqual({ text: "Going ahead, asking before edits ✓", showAlert: false });
  expect(await approvalAnswer(`tg-${user}`)).toMatchObject({ decision: "allow", mode: "default", status: 202 });
  await botSaid(user, "plan approved, mode default");
  // The keyboard is gone: the plan cannot be answered twice.
  await eventually(async () => (await botMessages(user)).find((m) => m.message_id === card.message_id)?.reply_markup === undefined);
  expect(await query(`tg-${user}`, "SELECT plan_next FROM conversations")).toEqual([{ plan_next: 0 }]);
});

it("'Go, accept edits' goes on with edits accepted", async () => {
  const user = "700151";
  const card = await planCard(user);
  expect(await tap(user, card, "Go, accept edits")).toEqual({ text: "Going ahead, edits accepted ✓", showAlert: false });
  expect(await approvalAnswer(`tg-${user}`)).toMatchObject({ decision: "allow", mode: "acceptEdits", status: 202 });
  await botSaid(user, "plan approved, mode acceptEdits");
});

it("'Change it' tells the agent to wait, and the next message plans again", async () => {
  const user = "700152";
  const name = `tg-${user}`;
  const card = await planCard(user);
  expect(await tap(user, card, "Change it")).toEqual({ text: "Send your change ✓", showAlert: false });
  const answer = await approvalAnswer(name);
  expect(answer).toMatchObject({ decision: "deny", message: PLAN_CHANGE_MESSAGE, status: 202 });
  expect(answer.mode).toBeUndefined();
  await botSaid(user, `denied: ${PLAN_CHANGE_MESSAGE}`);
  await eventually(async () => (await query<{ n: number }>(name, "SELECT count(*) AS n FROM runs WHERE outcome IS NULL"))[0]!.n === 0);
  expect((await postUpdate(await userWrites(user, { text: "only the first section" }))).status).toBe(200);
  const starts = await eventually(async () => {
    const all = (await vmRequests(name)).filter((r) => r.kind === "start");
    return all.length === 2 && all;
  });
  expect(starts.map((s) => s.options?.permissionMode)).toEqual(["plan", "plan"]);
  await botSaid(user, "echo: only the first section");
});
