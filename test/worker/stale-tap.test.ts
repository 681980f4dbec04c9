// On WhatsApp a quick reply arrives as a message: a tap on the button of a question that is closed
// (answered, or replaced) answers "that question is closed", naming it, and reaches no agent. Through
// the Worker, the PhoneAgent, the Twilio emulator and the VM stand-in.
import { expect, it } from "vitest";
import { eventually, query, sendInbound, sentTo, vmRequests } from "./helpers";

const nextMatching = (phone: string, pattern: RegExp, after: number) => eventually(async () => (await sentTo(phone)).slice(after).find((m) => pattern.test(m.body ?? "")));
const agentTexts = async (phone: string) => (await vmRequests(phone)).filter((r) => r.kind === "start" || r.kind === "input").flatMap((r) => (r.messages ?? []).map((m) => m.text));
const runIdle = (phone: string) => eventually(async () => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM runs WHERE phase != 'finished'"))[0]?.n === 0);

/** A run with a change, to its change line and its diff kept. */
async function change(phone: string, text: string): Promise<void> {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, text);
  await nextMatching(phone, /changed, \+/, before);
  await eventually(async () => (await query<{ diff_key: string | null }>(phone, "SELECT diff_key FROM run_changes ORDER BY created_at DESC LIMIT 1"))[0]?.diff_key != null);
  await runIdle(phone);
}

it("a second tap on the “which file?” question's button: closed, named, nothing to the agent", async () => {
  const phone = "+15550000277";
  await change(phone, "edit [[vm:change src/add.js +3 -1]] [[vm:change lib/sum.js +2 -0 added]]");
  let before = (await sentTo(phone)).length;
  await sendInbound(phone, "line 2: rename it");
  const question = await nextMatching(phone, /^Line 2 is in 2 files/, before);
  await sendInbound(phone, "2", { ButtonText: "2", ButtonPayload: question.buttons[1]!.id });
  await nextMatching(phone, /^📝 Review sent/, before);
  await runIdle(phone);
  const handed = (await agentTexts(phone)).length;

  before = (await sentTo(phone)).length;
  await sendInbound(phone, "1", { ButtonText: "1", ButtonPayload: question.buttons[0]!.id });
  const reply = await nextMatching(phone, /question is closed/, before);
  expect(reply.body).toBe("That question is closed: “which file?” about your comment. Your tap changed nothing and went to no agent; send the comment again with its file (src/app.ts:12 …).");
  expect((await agentTexts(phone)).slice(handed)).toEqual([]);
  expect(await query(phone, "SELECT count(*) AS n FROM runs WHERE phase != 'finished'")).toEqual([{ n: 0 }]);
});

it("a tap on /undo's Yes after it was answered No: closed, nothing undone, nothing to the agent", async () => {
  const phone = "+15550000278";
  await change(phone, "fix it [[vm:change src/a.ts +2 -1]]");
  let before = (await sentTo(phone)).length;
  await sendInbound(phone, "/undo");
  const question = await nextMatching(phone, /^Undo /, before);
  await sendInbound(phone, "No", { ButtonText: "No", ButtonPayload: question.buttons.find((b) => b.title === "No")!.id });
  await nextMatching(phone, /^Not undone/, before);
  const handed = (await agentTexts(phone)).length;

  before = (await sentTo(phone)).length;
  await sendInbound(phone, "Yes", { ButtonText: "Yes", ButtonPayload: question.buttons.find((b) => b.title === "Yes")!.id });
  const reply = await nextMatching(phone, /question is closed/, before);
  expect(reply.body).toBe("That question is closed: /undo's “take the last change back?”. Your tap changed nothing and went to no agent; send /undo to be asked again.");
  expect((await vmRequests(phone)).filter((r) => r.kind === "undo")).toEqual([]);
  expect((await agentTexts(phone)).slice(handed)).toEqual([]);
});
