// The outbox speaking of a chat on a channel: a Telegram message's answer goes to the Bot API
// stand-in in HTML, a WhatsApp one to Twilio; buttons as an inline keyboard, progress edited in
// place, 429's retry_after waited out, a blocked bot stopping the chat, long replies split.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { bodies, eventually, query, rewriteStorage, sendInbound, sentTo, stubFor } from "../worker/helpers";
import { TEST_ADMIN, TEST_PUBLIC_URL } from "../worker/test-env";

type BotMessage = { message_id: number; text?: string; caption?: string; entities?: { type: string; offset: number; length: number; language?: string }[]; reply_markup?: { inline_keyboard: { text: string; callback_data?: string }[][] }; edit_date?: number; direction: "bot" | "user" };
type Call = { method: string; params: Record<string, unknown>; at: number };

const api = () => env.TELEGRAM_API_BASE!;

/** The chat as its user sees it in the stand-in (made first: Telegram answers "chat not found" to a chat that never wrote). */
async function openChat(chat: string): Promise<void> {
  const res = await fetch(`${api()}/__telegram/users/${chat}/block`, { method: "POST", body: JSON.stringify({ blocked: false }) });
  expect(res.ok).toBe(true);
}

async function botMessages(chat: string): Promise<BotMessage[]> {
  const res = await fetch(`${api()}/__telegram/users/${chat}/chat`);
  return ((await res.json()) as { messages: BotMessage[] }).messages.filter((m) => m.direction === "bot");
}

async function callsTo(chat: string, method?: string): Promise<Call[]> {
  const res = await fetch(`${api()}/__telegram/bot`);
  const { calls } = (await res.json()) as { calls: Call[] };
  return calls.filter((c) => String(c.params.chat_id) === chat && (!method || c.method === method));
}

let n = 0;
/** A message the user wrote in Telegram chat `chat`, handed to `object` as the webhook will hand it. */
async function fromTelegram(object: string, chat: string, body: string): Promise<string> {
  const messageId = `tg-${Date.now()}${++n}`;
  const stored = await stubFor(object).enqueue({ messageId, body, media: [], receivedAt: Date.now(), publicOrigin: TEST_PUBLIC_URL, source: { channel: "telegram", chat } });
  expect(stored).toEqual({ stored: true });
  return messageId;
}

it("a reply to a Telegram message goes to Telegram in HTML, and a reply to a WhatsApp message to Twilio", async () => {
  const phone = "+15550000281";
  const chat = "7001";
  await openChat(chat);
  await sendInbound(phone, "from **WhatsApp**");
  expect(await eventually(async () => bodies(await sentTo(phone)).find((b) => b?.startsWith("echo:")))).toBe("echo: from *WhatsApp*");

  await fromTelegram(phone, chat, "from **Telegram** <b>not a tag</b> & more");
  const [reply] = await eventually(async () => {
    const got = await botMessages(chat);
    return got.length > 0 && got;
  });
  expect(reply!.text).toBe("echo: from Telegram <b>not a tag</b> & more");
  expect(reply!.entities).toEqual([{ type: "bold", offset: 11, length: 8 }]);
  const [call] = await callsTo(chat, "sendMessage");
  expect(call!.params).toMatchObject({ parse_mode: "HTML", text: "echo: from <b>Telegram</b> &lt;b&gt;not a tag&lt;/b&gt; &amp; more" });
  // Twilio got the WhatsApp answer only.
  expect(bodies(await sentTo(phone)).filter((b) => b?.startsWith("echo:"))).toEqual(["echo: from *WhatsApp*"]);
  expect(await query(phone, "SELECT channel, chat FROM outbox WHERE body LIKE 'echo:%' ORDER BY id")).toEqual([
    { channel: "whatsapp", chat: null },
    { channel: "telegram", chat },
  ]);
});

it("a command's answer goes back to the Telegram chat, and an approval's buttons become an inline keyboard", async () => {
  const object = "tg-7002";
  const chat = "7002";
  await openChat(chat);
  await fromTelegram(object, chat, "deploy [[vm:approval Bash ./deploy.sh]]");
  const prompt = await eventually(async () => (await botMessages(chat)).find((m) => m.reply_markup));
  expect(prompt.text).toContain("./deploy.sh");
  const keyboard = prompt.reply_markup!.inline_keyboard;
  expect(keyboard.flat().map((b) => b.text)).toEqual(["Yes", "No", "Always"]);
  expect(keyboard.flat().map((b) => b.callback_data)).toEqual([expect.stringMatching(/^approval:\d+:yes$/), expect.stringMatching(/^approval:\d+:no$/), expect.stringMatching(/^approval:\d+:always$/)]);

  await fromTelegram(object, chat, "no");
  const denied = await eventually(async () => (await botMessages(chat)).find((m) => m.text?.startsWith("echo:") || m.text?.startsWith("denied:")));
  expect(denied.text).toBe("denied: the user declined");
  await fromTelegram(object, chat, "/status");
  await eventually(async () => (await botMessages(chat)).some((m) => m.text?.includes("main")));
  // A Telegram-only user's object never asks Twilio for anything.
  expect(await sentTo(object)).toEqual([]);
});

it("progress edits one message in place, and typing goes through sendChatAction", async () => {
  const object = "tg-7003";
  const chat = "7003";
  await openChat(chat);
  await fromTelegram(object, chat, "[[vm:progress 5 800]] refactor the api");
  await eventually(async () => (await botMessages(chat)).some((m) => m.text?.startsWith("echo:")), 20_000);
  const messages = await botMessages(chat);
  const progress = messages.filter((m) => m.text?.startsWith("Still working"));
  expect(progress).toHaveLength(1);
  const edits = await callsTo(chat, "editMessageText");
  expect(edits.length).toBeGreaterThanOrEqual(1);
  expect(new Set(edits.map((e) => Number(e.params.message_id)))).toEqual(new Set([progress[0]!.message_id]));
  expect(progress[0]!.edit_date).toBeDefined();
  expect((await callsTo(chat, "sendChatAction")).map((c) => c.params.action)).toContain("typing");
});

it("a 429 with retry_after is waited out before the message goes again", async () => {
  const object = "tg-7004";
  const chat = "7004";
  await openChat(chat);
  await fetch(`${api()}/__telegram/faults`, { method: "POST", body: JSON.stringify({ method: "sendMessage", status: 429, retryAfter: 3, count: 1 }) });
  const before = Date.now();
  await fromTelegram(object, chat, "after the flood");
  const reply = await eventually(async () => (await callsTo(chat, "sendMessage")).find((c) => String(c.params.text).startsWith("echo:")), 15_000);
  // Backoff alone would have tried again after about a second.
  expect(reply.at - before).toBeGreaterThanOrEqual(3_000);
  expect(await query(object, "SELECT attempts, status, error_code FROM outbox WHERE body LIKE 'echo:%'")).toEqual([{ attempts: 2, status: "sent", error_code: null }]);
});

it("a long reply is split at 4,096 characters without breaking its code block", async () => {
  const object = "tg-7005";
  const chat = "7005";
  await openChat(chat);
  const code = Array.from({ length: 260 }, (_, i) => `const line${i} = "${"x".repeat(20)}" < ${i};`).join("\n");
  await fromTelegram(object, chat, `long one\n\`\`\`ts\n${code}\n\`\`\``);
  const parts = await eventually(async () => {
    const got = (await botMessages(chat)).filter((m) => m.text !== undefined);
    return got.length >= 3 && got.at(-1)!.text!.trimEnd().endsWith("< 259;") && got;
  }, 15_000);
  for (const part of parts) {
    expect(part.text!.length).toBeLessThanOrEqual(4096);
    // Every part that holds code shows it as a block of TypeScript: the block was closed and reopened.
    if (part.text!.includes("const line")) expect(part.entities).toContainEqual(expect.objectContaining({ type: "pre", language: "ts" }));
  }
  expect(parts.map((p) => p.text).join("\n")).toContain('const line130 = "xxxxxxxxxxxxxxxxxxxx" < 130;');
});

it("a blocked bot stops the chat: nothing more is tried there, the admin is told once and sees it in /users, and writing again reopens it", async () => {
  const phone = "+15550000286";
  const chat = "7006";
  await openChat(chat);
  // The admin wrote today: WhatsApp's window is open for what they are told.
  await sendInbound(TEST_ADMIN, "/status");
  await fetch(`${api()}/__telegram/users/${chat}/block`, { method: "POST", body: JSON.stringify({ blocked: true }) });
  // A reply of two parts: the first is refused, the second is not even tried.
  await fromTelegram(phone, chat, "[[vm:long 6000]]");
  const failed = await eventually(async () => {
    const rows = await query(phone, "SELECT error_code FROM outbox WHERE dedupe_key NOT LIKE 'event:%' AND status = 'failed' ORDER BY id");
    return rows.length === 2 && rows;
  });
  expect(failed).toEqual([{ error_code: "telegram:403" }, { error_code: "chat_stopped" }]);
  // Nor is anything queued later for that chat (here a run started by an event, and its answer).
  const event = { eventId: "stopped-chat-1", conversation: "main", prompt: "look again", origin: "a trigger", receivedAt: Date.now(), publicOrigin: TEST_PUBLIC_URL };
  expect(await stubFor(phone).startEventRun(event)).toEqual({ outcome: "queued" });
  await eventually(async () => (await query(phone, "SELECT status FROM outbox WHERE body LIKE '%echo: look again%'")).some((r) => r.status === "failed"));
  expect(await query(phone, "SELECT DISTINCT error_code FROM outbox WHERE id > 2")).toEqual([{ error_code: "chat_stopped" }]);
  expect(await callsTo(chat, "sendMessage")).toHaveLength(1);
  expect(await query(phone, "SELECT channel, chat, detail FROM stopped_chats")).toEqual([{ channel: "telegram", chat, detail: "Forbidden: bot was blocked by the user" }]);
  expect((await stubFor(phone).summary()).stoppedChats).toEqual([{ channel: "telegram", chat, detail: "Forbidden: bot was blocked by the user" }]);
  // No failure notice is queued for a chat that cannot take it.
  expect(await query(phone, "SELECT count(*) AS n FROM outbox WHERE dedupe_key LIKE 'undelivered:%'")).toEqual([{ n: 0 }]);
  // The admin (the first of ADMIN_SENDERS) is told once, in their own chat, by their own outbox.
  const notice = `📵 ${phone}'s Telegram chat no longer takes messages (Forbidden: bot was blocked by the user); nothing more is sent there until they write again.`;
  expect(await eventually(async () => bodies(await sentTo(TEST_ADMIN)).filter((b) => b === notice).length === 1)).toBe(true);
  const [stop] = await query<{ stopped_at: number }>(phone, "SELECT stopped_at FROM stopped_chats");
  expect(await query(TEST_ADMIN, "SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE ?", `admin:chat-stopped:${phone}:%`)).toEqual([{ dedupe_key: `admin:chat-stopped:${phone}:telegram:${chat}:${stop!.stopped_at}` }]);

  await fetch(`${api()}/__telegram/users/${chat}/block`, { method: "POST", body: JSON.stringify({ blocked: false }) });
  await fromTelegram(phone, chat, "back again");
  // (The user's own session hears first what the event's run did in its fork.)
  expect(await eventually(async () => (await botMessages(chat)).find((m) => m.text?.startsWith("echo:"))?.text)).toBe("echo: (Meanwhile a run started by a trigger did: echo: look again)\n\nback again");
  expect((await stubFor(phone).summary()).stoppedChats).toBeUndefined();
});

it("a file the agent sends goes to Telegram as a photo by our signed link", async () => {
  const object = "tg-7007";
  const chat = "7007";
  await openChat(chat);
  await fromTelegram(object, chat, "draw it [[vm:send-file chart.png]]");
  const call = await eventually(async () => (await callsTo(chat)).find((c) => c.method === "sendPhoto" || c.method === "sendDocument"), 15_000);
  expect(call.method).toBe("sendPhoto");
  expect(String(call.params.photo)).toMatch(new RegExp(`^${TEST_PUBLIC_URL.replace(/\./g, "\\.")}/`));
});

it("WhatsApp's 24-hour window counts from the user's last WhatsApp message: writing on Telegram neither opens it nor releases what it holds", async () => {
  const phone = "+15550000287";
  const chat = "7008";
  await openChat(chat);
  // The user last wrote on WhatsApp 25 hours ago, and a result waits for the window.
  const dayAgo = Date.now() - 25 * 3600_000;
  await rewriteStorage(phone, (storage) => {
    storage.sql.exec("INSERT INTO messages (id, body, received_at, status, updated_at, media_json, kind, conversation_id, channel) VALUES ('SMold', 'hello', ?, 'answered', ?, '[]', 'user', 1, 'whatsapp')", dayAgo, dayAgo);
    storage.sql.exec("INSERT INTO outbox (dedupe_key, body, status, next_attempt_at, held, created_at, updated_at) VALUES ('held-result', 'a result', 'pending', 0, 1, 0, 0)");
  });
  const before = (await sentTo(phone)).length;
  await fromTelegram(phone, chat, "from Telegram");
  expect(await eventually(async () => (await botMessages(chat)).find((m) => m.text?.startsWith("echo:"))?.text)).toBe("echo: from Telegram");
  expect(await query(phone, "SELECT status, held FROM outbox WHERE dedupe_key = 'held-result'")).toEqual([{ status: "pending", held: 1 }]);
  expect(await sentTo(phone)).toHaveLength(before);

  await sendInbound(phone, "back on WhatsApp");
  const delivered = await eventually(async () => {
    const got = bodies(await sentTo(phone)).slice(before).filter((b) => b === "a result" || b?.startsWith("echo:"));
    return got.length >= 2 && got;
  });
  expect(delivered).toEqual(["a result", "echo: back on WhatsApp"]);
});

it("an edit's approval on Telegram carries the diff as text in <pre>, under the line naming the file and what it does, with the buttons", async () => {
  const object = "tg-7010";
  const chat = "7010";
  await openChat(chat);
  await fromTelegram(object, chat, "fix it [[vm:approval-edit Edit src/add.js 2]]");
  const prompt = await eventually(async () => (await callsTo(chat, "sendMessage")).find((c) => c.params.reply_markup));
  expect(prompt.params.parse_mode).toBe("HTML");
  expect(prompt.params.text).toBe(
    "🔐 Approval #1 in main: the agent wants to edit src/add.js: +2 −1\n" +
      '<pre><code class="language-diff">@@ -1,2 +1,3 @@\n const a = 1;\n-old line\n+line 1\n+line 2</code></pre>\n' +
      "Reply yes 1, no 1 or always 1 (always: in main, from now on allow Edit(src/add.js)). Not answered in 10 min: denied.",
  );
  // No picture on Telegram: the text is the edit.
  expect(await callsTo(chat, "sendPhoto")).toEqual([]);
  await fromTelegram(object, chat, "no");
  await eventually(async () => (await botMessages(chat)).find((m) => m.text?.startsWith("denied:")));
});

it("a long edit on Telegram shows what fits, says how many lines are not shown and links to the run's page", async () => {
  const object = "tg-7011";
  const chat = "7011";
  await openChat(chat);
  await fromTelegram(object, chat, "write it [[vm:approval-edit Write big.txt 600]]");
  const prompt = await eventually(async () => (await callsTo(chat, "sendMessage")).find((c) => c.params.reply_markup));
  const text = String(prompt.params.text);
  expect(text.length).toBeLessThanOrEqual(4096);
  expect(text).toMatch(/^🔐 Approval #1 in main: the agent wants to write big\.txt: new file, \+600\n<pre><code class="language-diff">@@ -0,0 \+1,600 @@\n\+line 1\n/);
  const more = /<\/code><\/pre>\n… (\d+) more lines not shown: (\S+)\nReply yes 1/.exec(text);
  expect(more).not.toBeNull();
  const shown = (text.match(/^\+line \d+(?=$|<\/code>)/gm) ?? []).length;
  // Every line of the diff (its hunk header and 600 lines) is shown or counted as not shown.
  expect(1 + shown + Number(more![1])).toBe(601);
  expect(more![2]).toMatch(new RegExp(`^${TEST_PUBLIC_URL.replace(/\./g, "\\.")}/web/`));
  await fromTelegram(object, chat, "no");
  await eventually(async () => (await botMessages(chat)).find((m) => m.text?.startsWith("denied:")));
});
