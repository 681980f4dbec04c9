// One record of each question: answering closes the question's row in the answer's transaction,
// for each kind and each way of answering, so the message after an answer is never told the
// question went unanswered (it was: /ship, then yes, then anything got "Not shipped: /ship's
// question closed with your message…"). And a bare yes goes to the question just asked in the
// conversation it is written in, never to another conversation's older approval.
import { beforeAll, expect, it } from "vitest";
import { ask, eventually, query, releaseVm, sendInbound, sentTo } from "./helpers";
import { TEST_ADMIN } from "./test-env";

const PHONES = Array.from({ length: 9 }, (_, i) => `+1555000162${i}`);
beforeAll(async () => {
  for (const phone of PHONES) {
    await sendInbound(TEST_ADMIN, `/allow ${phone}`);
    await eventually(async () => (await sentTo(TEST_ADMIN)).some((m) => (m.body ?? "").startsWith(`Allowed ${phone}`) || (m.body ?? "").startsWith(`${phone} is already`)));
  }
});

const nextMatching = (phone: string, pattern: RegExp, after: number) => eventually(async () => (await sentTo(phone)).slice(after).find((m) => pattern.test(m.body ?? "")));
const runIdle = (phone: string) => eventually(async () => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM runs WHERE phase != 'finished'"))[0]?.n === 0);
const openQuestions = (phone: string) => query<{ kind: string }>(phone, "SELECT kind FROM questions WHERE closed_at IS NULL");

async function runWithChange(phone: string, text: string): Promise<void> {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, text);
  await nextMatching(phone, /changed, \+/, before);
  await runIdle(phone);
}

type Asked = { buttons: { title: string; id: string }[] };
/** Each kind: how it is asked (resolves to the question's message), its typed answer and the reply that answer gets. */
const KINDS = {
  undo: {
    ask: async (phone: string): Promise<Asked> => {
      await runWithChange(phone, "write it [[vm:change a.txt +1 -0 added]]");
      const before = (await sentTo(phone)).length;
      await sendInbound(phone, "/undo");
      return nextMatching(phone, /^Undo /, before);
    },
    typed: "yes",
    answered: /^Undone: /,
  },
  ship: {
    ask: async (phone: string): Promise<Asked> => {
      let before = (await sentTo(phone)).length;
      // A repository of its own: the GitHub stand-in numbers pull requests per repository, across files.
      await sendInbound(phone, `/new api https://github.com/acme/answered-${phone.slice(-2)}.git`);
      await nextMatching(phone, /^Cloned /, before);
      await runWithChange(phone, "add it [[vm:change src/a.ts +3 -0 added]]");
      before = (await sentTo(phone)).length;
      await sendInbound(phone, "/ship");
      return nextMatching(phone, /^Push /, before);
    },
    typed: "yes",
    answered: /^🚀 Opened pull request #\d+/,
  },
  approval: {
    ask: async (phone: string): Promise<Asked> => {
      const before = (await sentTo(phone)).length;
      await sendInbound(phone, "check it [[vm:approval Bash npm test]]");
      return nextMatching(phone, /npm test/, before);
    },
    typed: "yes",
    answered: /^✅ Allowed/,
  },
} as const;

const CASES = (["undo", "ship", "approval"] as const).flatMap((kind) => (["typed", "tapped"] as const).map((way) => ({ kind, way })));

it.each(CASES.map((c, i) => ({ ...c, phone: PHONES[i]! })))("$kind answered $way: closed at once, and the next message is told nothing about it", async ({ kind, way, phone }) => {
  const k = KINDS[kind];
  const question = await k.ask(phone);
  expect((await openQuestions(phone)).map((q) => q.kind)).toEqual([kind]);
  const before = (await sentTo(phone)).length;
  const yes = question.buttons[0]!;
  if (way === "typed") await sendInbound(phone, k.typed);
  else await sendInbound(phone, yes.title, { ButtonText: yes.title, ButtonPayload: yes.id });
  await nextMatching(phone, k.answered, before);
  expect(await openQuestions(phone)).toEqual([]);
  if (kind === "approval") await releaseVm(phone);
  await runIdle(phone);

  // The message after the answer: its own reply, and no word of the question answered before it.
  const after = (await sentTo(phone)).length;
  expect(await ask(phone, "/status")).not.toMatch(/^Not (undone|shipped)/);
  const told = (await sentTo(phone)).slice(after).map((m) => m.body ?? "");
  expect(told.filter((b) => /^Not (undone|shipped)|question closed with your message/.test(b))).toEqual([]);
});

it("a bare yes after /undo answers /undo's question, not an older approval of another conversation, which needs its number", async () => {
  const phone = PHONES[6]!;
  await runWithChange(phone, "append [[vm:change notes.txt +1 -0]]");
  // Another conversation's run waits on an approval.
  await ask(phone, "/new side");
  let before = (await sentTo(phone)).length;
  await sendInbound(phone, "write it [[vm:approval Write side.txt]]");
  await nextMatching(phone, /side\.txt/, before);
  await ask(phone, "/switch main");
  before = (await sentTo(phone)).length;
  await sendInbound(phone, "/undo");
  await nextMatching(phone, /^Undo /, before);

  before = (await sentTo(phone)).length;
  await sendInbound(phone, "yes");
  await eventually(async () => (await query<{ undone: number }>(phone, "SELECT undone FROM run_changes"))[0]?.undone === 1);
  expect(await query(phone, "SELECT status FROM approvals")).toEqual([{ status: "pending" }]);
  expect((await sentTo(phone)).slice(before).map((m) => m.body ?? "").join("\n")).not.toMatch(/Allowed/);

  // Now only the approval of "side" is open: a bare yes in main answers nothing and says its number.
  const said = await ask(phone, "yes");
  expect(said).toMatch(/^Nothing answered: a bare yes answers only a question of “main”, the conversation you are in\. #\d+ \(“side”: .*side\.txt.*\) is another conversation's approval: answer it by its number \(yes \d+\) or its button\.$/);
  expect(await query(phone, "SELECT status FROM approvals")).toEqual([{ status: "pending" }]);
  const number = /yes (\d+)/.exec(said)![1];
  expect(await ask(phone, `yes ${number}`)).toMatch(/Allowed|approved/);
  await releaseVm(phone);
  await runIdle(phone);
});
