// No typing indicator while a run waits for the user's answer to an approval prompt, and typing
// again once they answered: through the Worker, the Durable Object, the Twilio emulator and the VM
// stand-in. Here progress updates are paced in seconds (PROGRESS_EVERY_MS=2000), and none comes while
// the run waits (the prompt's reminders say it waits); the test waits past when the first typing
// indicator would have gone (1.5 s after the VM answered the start) and finds none.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { eventually, query, releaseVm, sendInbound, sentTo, vmRequests } from "../worker/helpers";

const phone = "+15550000245";

/** The typing requests Twilio's (emulated) Messaging API received on the message `sid`. */
async function typingOn(sid: string): Promise<{ messageId: string; channel: string }[]> {
  const res = await fetch(`${env.TWILIO_MESSAGING_API_BASE}/__emulator/typing?messageId=${sid}`);
  return ((await res.json()) as { requests: { messageId: string; channel: string }[] }).requests;
}

const sentMatching = (pattern: RegExp) => eventually(async () => (await sentTo(phone)).find((m) => pattern.test(m.body ?? "")), 20_000);

it("no typing indicator goes out while a prompt waits for the user; it comes back once they answered", async () => {
  const asked = await sendInbound(phone, "run the tests [[vm:approval Bash npm test]]");
  await sentMatching(/🔐 Approval/);
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  expect(await typingOn(asked.sid)).toEqual([]);
  // Nor a progress update, though they are paced in seconds here: the run waits, it does not work.
  expect((await sentTo(phone)).filter((m) => /^Still working|Waiting for your answer/.test(m.body ?? ""))).toEqual([]);

  // A further message joins the live run as its next turn (which holds), so the run works on after the answer.
  const more = await sendInbound(phone, "then lint [[vm:hold]]");
  await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "input"));
  expect(await typingOn(more.sid)).toEqual([]);

  const yes = await sendInbound(phone, "yes");
  await sentMatching(/^approved: Bash npm test$/);
  const typing = await eventually(async () => {
    const requests = await typingOn(yes.sid);
    return requests.length > 0 && requests;
  });
  expect(typing[0]).toMatchObject({ messageId: yes.sid, channel: "whatsapp" });
  // Still the one run: typing resumed in it, not in a new one.
  expect(await query(phone, "SELECT id FROM runs")).toHaveLength(1);
  expect(await typingOn(asked.sid)).toEqual([]);
  expect(await typingOn(more.sid)).toEqual([]);

  await releaseVm(phone);
  await sentMatching(/^echo: then lint \[\[vm:hold\]\]$/);
});
