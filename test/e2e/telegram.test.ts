// Telegram end to end: the local stack with its Bot API stand-in (wrangler dev, the VM with the
// real Claude Code CLI on the offline model, the Twilio emulator), driven only as a Telegram user
// (the stand-in's /__telegram/ routes) or a WhatsApp user (the emulator's inbound) would: a reply
// in HTML, an approval by button, a file both ways, a voice note, /stop and a run cut off by a VM
// restart, and /link joining a WhatsApp number and a Telegram chat with each reply in its own app.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { useResources } from "../helpers/resources";
import { eventually, replyTo, sentTo } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";
import { REPO_ROOT } from "./helpers/fresh-clone";

/** The stand-in's allowed users (`LOCAL_TELEGRAM_USERS`): Alice alone, Bob to be linked to a phone. */
const ALICE_TG = 5550001;
const BOB_TG = 5550002;
const BOB_PHONE = PHONES[1];
let stack: E2eStack;
const resources = useResources();

beforeAll(async () => {
  stack = await startE2eStack("telegram", resources, { standIns: true });
});

const EntitySchema = z.object({ type: z.string(), offset: z.number(), length: z.number() });
const ChatSchema = z.object({
  typing: z.object({ action: z.string(), at: z.number() }).nullable(),
  messages: z.array(
    z.object({
      message_id: z.number(),
      direction: z.enum(["bot", "user"]),
      text: z.string().optional(),
      caption: z.string().optional(),
      entities: z.array(EntitySchema).optional(),
      reply_markup: z.object({ inline_keyboard: z.array(z.array(z.object({ text: z.string(), callback_data: z.string().optional() }))) }).optional(),
      document: z.object({ file_id: z.string(), mime_type: z.string() }).optional(),
      photo: z.array(z.object({ file_id: z.string() })).optional(),
    }),
  ),
  callbackAnswers: z.array(z.object({ id: z.string(), answered: z.object({ text: z.string().nullable() }).nullable() })),
});
type TgMessage = z.infer<typeof ChatSchema>["messages"][number];
const CallsSchema = z.object({ calls: z.array(z.object({ method: z.string(), params: z.record(z.string(), z.unknown()), at: z.number() })) });

const tg = (path: string, body?: unknown) =>
  fetch(`${stack.urls.telegram}/__telegram${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** A Telegram user writes; the Worker's webhook answered 200. */
async function tgSend(user: number, message: Record<string, unknown>): Promise<void> {
  const response = await tg(`/users/${user}/messages`, message);
  expect(response.status, JSON.stringify(await response.clone().json())).toBe(200);
}
const tgChat = async (user: number) => ChatSchema.parse(await (await tg(`/users/${user}/chat`)).json());
const botMessages = async (user: number) => (await tgChat(user)).messages.filter((m) => m.direction === "bot");
const calls = async () => CallsSchema.parse(await (await tg("/bot")).json()).calls;
const shown = (m: TgMessage) => m.text ?? m.caption ?? "";

/** The first bot message after the `seen` first ones that matches, failing with what came instead. */
async function nextFromBot(user: number, what: string, seen: number, match: (m: TgMessage) => boolean, timeoutMs = 120_000): Promise<{ message: TgMessage; index: number }> {
  try {
    return await eventually(what, async () => {
      const all = await botMessages(user);
      const index = all.findIndex((m, i) => i >= seen && match(m));
      return index >= 0 ? { message: all[index]!, index } : undefined;
    }, timeoutMs);
  } catch (error) {
    const since = (await botMessages(user)).slice(seen).map(shown);
    throw new Error(`${String(error)}; the bot sent since: ${JSON.stringify(since)}`);
  }
}
/** How many messages the bot sent `user`: none while the stand-in has no chat with them yet (its 404). */
const seenBy = async (user: number) => {
  const response = await tg(`/users/${user}/chat`);
  return response.status === 404 ? 0 : ChatSchema.parse(await response.json()).messages.filter((m) => m.direction === "bot").length;
};
const has = (text: string) => (m: TgMessage) => shown(m).includes(text);

/** A WhatsApp user writes, through the Twilio emulator's simulated inbound. */
async function waSend(phone: string, body: string): Promise<void> {
  const inbound = await fetch(`${stack.urls.twilio}/__emulator/inbound`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: phone, body }) });
  expect(await inbound.json()).toMatchObject({ status: 200 });
}
const waNext = (phone: string, what: string, seen: number, match: (body: string) => boolean) =>
  eventually(what, async () => (await sentTo(stack.urls.twilio, phone)).slice(seen).find((m) => match(m.body ?? "")));

/** Waits until the bot shows typing in the chat after `since`: the run is under way. */
const typingAfter = (user: number, since: number) => eventually("typing in the chat", async () => ((await tgChat(user)).typing?.at ?? 0) >= since || undefined);

it("answers a Telegram message in the Telegram chat, in HTML rather than WhatsApp's markup", async () => {
  await tgSend(ALICE_TG, { text: "please say **loud** and `quiet`" });
  const { message } = await nextFromBot(ALICE_TG, "the reply", 0, has("[offline model]"));
  // The agent's Markdown arrived as Telegram entities: no asterisks or backticks left, as WhatsApp's *bold* would leave.
  expect(shown(message)).toContain("please say loud and quiet");
  expect(shown(message)).not.toMatch(/[*`]/);
  expect(message.entities?.map((e) => e.type)).toEqual(expect.arrayContaining(["bold", "code"]));
  const sent = (await calls()).filter((c) => c.method.toLowerCase() === "sendmessage" && String(c.params.text).includes("[offline model]"));
  expect(sent.map((c) => c.params.parse_mode)).toEqual(["HTML"]);
  expect(String(sent[0]!.params.text)).toContain("<b>loud</b>");
  // Nothing went to WhatsApp for it.
  expect((await fetch(`${stack.urls.twilio}/__emulator/messages`).then((r) => r.json()) as { messages: unknown[] }).messages).toEqual([]);
});

it("asks an approval with buttons, runs the command on a tap and acknowledges the tap", async () => {
  let seen = await seenBy(ALICE_TG);
  await tgSend(ALICE_TG, { text: "/approvals on" });
  seen = (await nextFromBot(ALICE_TG, "the /approvals answer", seen, (m) => /approv/i.test(shown(m)))).index + 1;
  const command = "echo tapped-yes | tee tapped.txt";
  await tgSend(ALICE_TG, { text: `[[tool Bash ${JSON.stringify({ command })}]] write it` });
  const prompt = await nextFromBot(ALICE_TG, "the approval prompt", seen, (m) => shown(m).includes(command) && (m.reply_markup?.inline_keyboard.flat().length ?? 0) > 0);
  const yes = prompt.message.reply_markup!.inline_keyboard.flat().find((b) => /:yes$/.test(b.callback_data ?? ""));
  expect(yes, JSON.stringify(prompt.message.reply_markup)).toBeDefined();
  const press = await tg(`/users/${ALICE_TG}/press`, { messageId: prompt.message.message_id, data: yes!.callback_data });
  expect(press.status).toBe(200);
  await nextFromBot(ALICE_TG, "the tool's answer", prompt.index + 1, (m) => has("The Bash tool answered")(m) && has("tapped-yes")(m));
  const chat = await tgChat(ALICE_TG);
  expect(chat.callbackAnswers).toHaveLength(1);
  expect(chat.callbackAnswers[0]!.answered?.text).not.toMatch(/expired|unknown/i);
  expect((await calls()).filter((c) => c.method.toLowerCase() === "answercallbackquery")).toHaveLength(1);
  seen = await seenBy(ALICE_TG);
  await tgSend(ALICE_TG, { text: "/approvals off" });
  await nextFromBot(ALICE_TG, "the /approvals off answer", seen, (m) => /approv/i.test(shown(m)));
});

/** Two by two pixels, red: what a phone's "send as photo" would carry, small. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR42mP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==", "base64");

it("takes a photo and a document in through getFile into the agent's inbox, and sends the agent's send_file back into the chat", async () => {
  let seen = await seenBy(ALICE_TG);
  const before = (await calls()).length;
  await tgSend(ALICE_TG, { photo: { base64: PNG.toString("base64") }, caption: "what is this? [[read-attachments]]" });
  // The agent read the saved file from its inbox: the offline model describes the image it was given.
  const read = await nextFromBot(ALICE_TG, "the agent's reading of the photo", seen, has("The Read tool answered"));
  expect(shown(read.message)).toContain(`[image image/png, ${PNG.byteLength} bytes]`);
  seen = read.index + 1;

  // Separate messages: the CLI cancels a parallel call's sibling when one fails, which would hide what went wrong.
  await tgSend(ALICE_TG, { document: { base64: PNG.toString("base64"), contentType: "image/png", filename: "diagram.png" }, caption: "[[send-attachments]] send it back" });
  const answer = await nextFromBot(ALICE_TG, "send_file's answer", seen, has("send_file tool"));
  expect(shown(answer.message)).toMatch(/The \S*send_file tool answered/);
  const file = await nextFromBot(ALICE_TG, "the file sent back", seen, (m) => Boolean(m.photo ?? m.document));
  expect(file.message.caption).toBe("here it is back");
  const made = (await calls()).slice(before).map((c) => c.method.toLowerCase());
  expect(made.filter((m) => m === "getfile")).toHaveLength(2);
  expect(made.filter((m) => m === "sendphoto" || m === "senddocument")).toHaveLength(1);
  const fileId = file.message.photo?.at(-1)?.file_id ?? file.message.document!.file_id;
  expect(Buffer.from(await (await tg(`/files/${fileId}`)).arrayBuffer()).equals(PNG)).toBe(true);
});

it("hears a voice note (OGG/Opus) through the transcriber and answers what was said", async () => {
  const seen = await seenBy(ALICE_TG);
  const ogg = readFileSync(join(REPO_ROOT, "test/fixtures/voice-note.ogg"));
  await tgSend(ALICE_TG, { voice: { base64: ogg.toString("base64"), duration: 3 } });
  const echo = await nextFromBot(ALICE_TG, "the transcript's echo", seen, has("🎙️ Heard"));
  expect(shown(echo.message)).toContain("fix the flaky test in the api");
  const answer = await nextFromBot(ALICE_TG, "the answer", seen, (m) => has("[offline model]")(m) && has("fix the flaky test in the api")(m));
  expect(shown(answer.message)).toContain("(voice note, 0:03)");
});

it("stops a run on /stop, and answers a run cut off by a VM restart", async () => {
  let seen = await seenBy(ALICE_TG);
  let since = Date.now();
  await tgSend(ALICE_TG, { text: "[[slow 30000]] take your time" });
  await typingAfter(ALICE_TG, since);
  await tgSend(ALICE_TG, { text: "/stop" });
  const stopped = await nextFromBot(ALICE_TG, "the /stop answer", seen, has("Stopped"));
  expect(shown(stopped.message)).toMatch(/^Stopped the run on /);
  seen = stopped.index + 1;

  since = Date.now();
  const first = "[[slow 8000]] keep this safe across a restart";
  await tgSend(ALICE_TG, { text: first });
  await typingAfter(ALICE_TG, since);
  await stack.stack.restart("vm");
  const quoted = replyTo(first).slice(0, -1);
  const reply = await nextFromBot(ALICE_TG, "the interrupted run's reply", seen, has(quoted));
  expect(shown(reply.message)).toContain("[relay] You already had this message in a turn that was interrupted");
  // The conversation kept its session through /stop and the restart: the voice note's run had seen 5 user messages.
  expect(Number(/This conversation has (\d+) user messages/.exec(shown(reply.message))?.[1])).toBeGreaterThan(5);
  expect((await botMessages(ALICE_TG)).filter(has(quoted))).toHaveLength(1);
  // The stopped run never answered.
  expect((await botMessages(ALICE_TG)).filter(has(replyTo("[[slow 30000]] take your time")))).toEqual([]);
});

it("links a WhatsApp number and a Telegram chat with /link, and answers each app in its own chat", async () => {
  await waSend(BOB_PHONE, "/link");
  const issued = await waNext(BOB_PHONE, "the /link code", 0, (b) => /\b[A-Z0-9]{3}-[A-Z0-9]{3}\b/.test(b));
  const code = /\b([A-Z0-9]{3}-[A-Z0-9]{3})\b/.exec(issued.body ?? "")![1]!;
  const tgBefore = await seenBy(BOB_TG);
  await tgSend(BOB_TG, { text: `/link ${code}` });
  // Both chats are asked, each naming the other, before anything is joined.
  const asked = await nextFromBot(BOB_TG, "the link request", tgBefore, (m) => shown(m).startsWith("🔗 Link request:"));
  expect(shown(asked.message)).toContain("this chat would reach the agent of WhatsApp");
  await waNext(BOB_PHONE, "the link request on WhatsApp", 0, (b) => b.startsWith(`🔗 Link request: Telegram (${BOB_TG}) would reach this agent`));
  const waBefore = (await sentTo(stack.urls.twilio, BOB_PHONE)).length;
  await waSend(BOB_PHONE, "/link yes");
  await waNext(BOB_PHONE, "the phone's yes answered", waBefore, (b) => b.startsWith("Confirmed here"));
  await tgSend(BOB_TG, { text: "/link yes" });
  const joined = await nextFromBot(BOB_TG, "the link's answer", asked.index + 1, (m) => shown(m).startsWith("Linked: "));
  expect(shown(joined.message)).toMatch(/^Linked: /);

  const waSeen = (await sentTo(stack.urls.twilio, BOB_PHONE)).length;
  const tgSeen = await seenBy(BOB_TG);
  await tgSend(BOB_TG, { text: "[[count]] from telegram" });
  await nextFromBot(BOB_TG, "the Telegram message's answer", tgSeen, has("[offline model] count"));
  await waSend(BOB_PHONE, "[[count]] from whatsapp");
  const waAnswer = await waNext(BOB_PHONE, "the WhatsApp message's answer", waSeen, (b) => b.includes("[offline model] count"));
  // One agent: the WhatsApp message's run counts the Telegram one before it.
  expect(waAnswer.body).toContain("count: this conversation has seen 2 user messages");
  // Each answer only in its own app: the WhatsApp one never reached Telegram, nor the Telegram one WhatsApp.
  expect((await botMessages(BOB_TG)).filter(has("[offline model]")).map(shown)).toEqual([expect.stringContaining("seen 1 user message.")]);
  expect((await sentTo(stack.urls.twilio, BOB_PHONE)).filter((m) => m.body?.includes("[offline model]")).map((m) => m.body)).toEqual([expect.stringContaining("seen 2 user messages")]);
});
