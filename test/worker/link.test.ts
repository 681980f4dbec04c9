// One agent, two doors: /link in one app, the code from the other, /unlink; refusals change nothing.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ask, bodies, eventually, query, sentTo } from "./helpers";
import { codeIn, directory, fromTelegram, homeOfTelegram, linkedChat, saidTo } from "./link-helpers";

describe("/link joins a Telegram chat to a phone's agent", () => {
  it("a code from WhatsApp, sent from Telegram: the Telegram user's updates reach the phone's object, its own history kept for /unlink", async () => {
    const phone = "+15550000281";
    const user = "900281";
    // The Telegram user had an agent of their own first, with a task.
    expect((await fromTelegram(user, "/status")).home).toBe(`tg-${user}`);
    await fromTelegram(user, "/schedule every 1h own task");

    const issued = await ask(phone, "/link");
    expect(issued).toMatch(/^Send \/link [A-Z0-9]{3}-[A-Z0-9]{3} from Telegram within 10 minutes/);
    // The code joins nothing yet: both chats are asked, each naming the other.
    const asked = await fromTelegram(user, `/link ${codeIn(issued)!.toLowerCase()}`);
    expect(asked.reply).toBe(
      "🔗 Link request: this chat would reach the agent of WhatsApp (+1555***0281) instead of its own (yours stays, unused, until /unlink). /link yes to confirm, /link no to refuse, within 10 minutes; nothing is joined until both chats say yes.",
    );
    await saidTo(phone, (b) => b.startsWith("🔗 Link request: Telegram (900281) would reach this agent, its conversations, files and budget, as you."));
    expect(await homeOfTelegram(user)).toBe(`tg-${user}`);
    expect(await ask(phone, "/link yes")).toBe("Confirmed here; waiting for Telegram (900281) to send /link yes.");
    expect(await homeOfTelegram(user)).toBe(`tg-${user}`);
    const linked = await fromTelegram(user, "/link yes");
    expect(linked.home).toBe(`tg-${user}`);
    expect(linked.reply).toContain("Linked: this agent now answers on WhatsApp (+1555***0281) and on Telegram (900281)");
    expect(linked.reply).toContain("comes back on /unlink. Its 1 scheduled task is paused");
    expect(await query(`tg-${user}`, "SELECT prompt, status FROM schedules")).toEqual([{ prompt: "own task", status: "paused" }]);
    // The phone's own chat hears of it: the link was made from the other one.
    await eventually(async () => bodies(await sentTo(phone)).includes("🔗 Telegram (900281) now reaches this agent too. /unlink separates them."));

    expect(await homeOfTelegram(user)).toBe(phone);
    expect(await linkedChat(phone)).toEqual({ channel: "telegram", chat: user });
    // The next update lands in the phone's object, in its conversation, remembered as Telegram's.
    const next = await fromTelegram(user, "/sessions");
    expect(next.home).toBe(phone);
    expect(await query(phone, "SELECT channel, chat, conversation_id FROM messages WHERE body = '/sessions'")).toEqual([{ channel: "telegram", chat: user, conversation_id: 1 }]);
    // The code was used up.
    expect((await fromTelegram("900282", `/link ${codeIn(issued)}`)).reply).toMatch(/^No such code/);

    // Either side may /unlink; here Telegram does. The Telegram object and its rows were never touched.
    const unlinked = await fromTelegram(user, "/unlink");
    expect(unlinked.home).toBe(phone);
    expect(unlinked.reply).toMatch(/^Unlinked: WhatsApp \(\+1555\*\*\*0281\) keeps this agent; Telegram \(900281\) goes back/);
    expect(await homeOfTelegram(user)).toBe(`tg-${user}`);
    expect(await linkedChat(phone)).toBeNull();
    expect(await query(`tg-${user}`, "SELECT body FROM messages ORDER BY seq")).toEqual([{ body: "/status" }, { body: "/schedule every 1h own task" }, { body: expect.stringMatching(/^\/link /) }, { body: "/link yes" }]);
    expect(await ask(phone, "/unlink")).toBe("Nothing to unlink: this chat is not joined to another app's chat.");
  });

  it("a code from Telegram, sent from WhatsApp: the phone stays the home; a second /link says it is linked already", async () => {
    const phone = "+15550000283";
    const user = "900283";
    await fromTelegram(user, "/schedule every 1d own task");
    const issued = await fromTelegram(user, "/link");
    expect(issued.reply).toMatch(/from WhatsApp within 10 minutes/);
    // The phone that sends a Telegram user's code is told whose chat would reach its agent.
    expect(await ask(phone, `/link ${codeIn(issued.reply)}`)).toMatch(/^🔗 Link request: Telegram \(900283\) would reach this agent, its conversations, files and budget, as you\./);
    const telegramAsked = await eventually(async () => (await query<{ body: string }>(`tg-${user}`, "SELECT body FROM outbox WHERE body LIKE '🔗 Link request:%'"))[0]?.body);
    expect(telegramAsked).toMatch(/^🔗 Link request: this chat would reach the agent of WhatsApp \(\+1555\*\*\*0283\) instead of its own/);
    expect((await fromTelegram(user, "/link yes")).reply).toBe("Confirmed here; waiting for WhatsApp (+1555***0283) to send /link yes.");
    expect(await ask(phone, "/link yes")).toContain("Linked: this agent now answers on WhatsApp (+1555***0283) and on Telegram (900283)");
    // The Telegram chat hears of it in its own object, where it was asked.
    await eventually(async () => (await query(`tg-${user}`, "SELECT body FROM outbox WHERE body = ?", "🔗 Linked: this chat now reaches the agent of WhatsApp (+1555***0283). /unlink separates them.")).length === 1);
    expect(await query(`tg-${user}`, "SELECT status FROM schedules")).toEqual([{ status: "paused" }]);
    expect(await homeOfTelegram(user)).toBe(phone);
    expect(await ask(phone, "/link")).toMatch(/^This agent already has a WhatsApp and a Telegram door/);
    expect((await fromTelegram(user, "/link")).reply).toMatch(/^This agent already has a WhatsApp and a Telegram door/);
    // Another phone's code cannot take a Telegram user that is linked already.
    const other = await ask("+15550000284", "/link");
    expect((await fromTelegram(user, `/link ${codeIn(other)}`)).reply).toMatch(/already reaches an agent together with another chat.*Nothing changed/);
    expect(await homeOfTelegram(user)).toBe(phone);
    expect(await ask(phone, "/unlink")).toMatch(/^Unlinked:/);
  });

  it("refuses an unknown code, an expired one, one from the same app and one that is not a code, changing nothing", async () => {
    const phone = "+15550000285";
    const user = "900285";
    expect((await fromTelegram(user, "/link ABC-DEF")).reply).toMatch(/^No such code/);
    expect((await fromTelegram(user, "/link hello")).reply).toBe("“hello” is not a link code: 6 letters and digits like K7M-Q2P, from /link in the other app.");
    const issued = codeIn(await ask(phone, "/link"))!;
    expect(await ask("+15550000286", `/link ${issued}`)).toBe("That code is for the other app: send it from there.");
    await runInDurableObject(directory(), (_d, state) => state.storage.sql.exec("UPDATE link_codes SET expires_at = ? WHERE code = ?", Date.now() - 1, issued.replace("-", "")));
    expect((await fromTelegram(user, `/link ${issued}`)).reply).toBe("That code has expired. Send /link in the other app for a new one.");
    expect(await homeOfTelegram(user)).toBe(`tg-${user}`);
    expect(await linkedChat(phone)).toBeNull();
  });
});

describe("a /link code asks both chats before it joins them", () => {
  it("a Telegram user's code sent from a phone: a no from either side, or no answer in time, joins nothing", async () => {
    const phone = "+15550000291";
    const user = "900291";
    // The victim's phone is talked into sending a stranger's code, and sees whose it is: it says no.
    const theirs = await fromTelegram(user, "/link");
    expect(await ask(phone, `/link ${codeIn(theirs.reply)}`)).toMatch(/^🔗 Link request: Telegram \(900291\) would reach this agent/);
    expect((await fromTelegram(user, "/link yes")).reply).toBe("Confirmed here; waiting for WhatsApp (+1555***0291) to send /link yes.");
    expect(await ask(phone, "/link no")).toBe("Not linked: nothing was joined.");
    expect(await homeOfTelegram(user)).toBe(`tg-${user}`);
    expect(await linkedChat(phone)).toBeNull();
    await eventually(async () => (await query(`tg-${user}`, "SELECT body FROM outbox WHERE body = ?", "WhatsApp (+1555***0291) said no: nothing was joined.")).length === 1);
    // The request is gone: a later yes joins nothing either.
    expect((await fromTelegram(user, "/link yes")).reply).toBe("No link request is waiting for this chat. /link gives a code to send from the other app.");
    expect(await homeOfTelegram(user)).toBe(`tg-${user}`);

    // Asked again, and the time runs out before the phone's yes.
    const again = await fromTelegram(user, "/link");
    expect(await ask(phone, `/link ${codeIn(again.reply)}`)).toMatch(/^🔗 Link request:/);
    expect((await fromTelegram(user, "/link yes")).reply).toMatch(/^Confirmed here/);
    await runInDurableObject(directory(), (_d, state) => state.storage.sql.exec("UPDATE link_requests SET expires_at = ?", Date.now() - 1));
    expect(await ask(phone, "/link yes")).toBe("That link request has expired (10 minutes): nothing was joined. /link in one app gives a new code.");
    expect(await homeOfTelegram(user)).toBe(`tg-${user}`);
    expect(await linkedChat(phone)).toBeNull();
  });

  it("/link yes or no with no request waiting changes nothing", async () => {
    expect(await ask("+15550000292", "/link yes")).toBe("No link request is waiting for this chat. /link gives a code to send from the other app.");
    expect((await fromTelegram("900292", "/link no")).reply).toBe("No link request is waiting for this chat. /link gives a code to send from the other app.");
  });
});
