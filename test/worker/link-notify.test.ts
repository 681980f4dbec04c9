// /notify, and where a scheduled task's result goes once a Telegram chat is linked.
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ask, makeTasksDue, query, stubFor } from "./helpers";
import { fromTelegram, linkPhoneAndTelegram, setting } from "./link-helpers";

describe("/notify and where a scheduled task's result goes", () => {
  it("a task created from Telegram answers there; /notify whatsapp sends every result to WhatsApp; an unlink falls back", async () => {
    const phone = "+15550000287";
    const user = "900287";
    expect(await ask(phone, "/notify telegram")).toBe("No Telegram chat reaches this agent: send /link here, then the code from Telegram. Nothing changed.");
    expect(await ask(phone, "/notify slack")).toBe("/notify takes whatsapp, telegram or default, not “slack”.");
    expect(await setting(phone, "notify_channel")).toBeNull();
    expect(await linkPhoneAndTelegram(phone, user)).toMatch(/^Linked:/);

    await fromTelegram(user, "/schedule every 1h check the build");
    await ask(phone, "/schedule every 1h water the plants");
    expect(await query(phone, "SELECT prompt, channel, chat FROM schedules ORDER BY id")).toEqual([
      { prompt: "check the build", channel: "telegram", chat: user },
      // Written on WhatsApp, the home's own door: stored as no chat in particular, like tasks made before.
      { prompt: "water the plants", channel: null, chat: null },
    ]);
    /** Makes both tasks due and fires the alarm (as schedule-runs.test.ts does): where their messages say the results go. */
    const claimedSources = async () => {
      const dueAt = await makeTasksDue(phone);
      await runDurableObjectAlarm(stubFor(phone));
      const rows = await query<{ channel: string; chat: string | null }>(phone, "SELECT channel, chat FROM messages WHERE id LIKE ? ORDER BY schedule_id", `task-%-${dueAt}`);
      return rows.map(({ channel, chat }) => ({ channel, chat }));
    };
    expect(await claimedSources()).toEqual([{ channel: "telegram", chat: user }, { channel: "whatsapp", chat: null }]);

    expect((await fromTelegram(user, "/notify whatsapp")).reply).toBe("Scheduled tasks' results go to WhatsApp. /notify default sends each to the chat that created it.");
    expect(await claimedSources()).toEqual([{ channel: "whatsapp", chat: null }, { channel: "whatsapp", chat: null }]);

    expect(await ask(phone, "/notify telegram")).toBe("Scheduled tasks' results go to Telegram. /notify default sends each to the chat that created it.");
    expect(await setting(phone, "notify_channel")).toBe("telegram");
    await ask(phone, "/unlink");
    // The Telegram door is gone: the choice falls back to each task's own chat, and that falls back to WhatsApp (link-doors.test.ts).
    expect(await setting(phone, "notify_channel")).toBeNull();
    expect(await ask(phone, "/notify")).toBe("Scheduled tasks' results go to the chat that created each task. /link adds a chat of the other app.");
    // Making tasks due evicts the object, which waits for its alarm's work: about 15 s a round here.
  }, 90_000);
});
