// A chat reply naming a line of a change the relay showed (a /diff picture it quotes, or the
// conversation's last change line) reaches the agent as one anchored review comment, as a typed
// message would; one naming a line the change does not have is a plain message; one that fits
// two files asks which, with buttons, and the answer (or anything else) decides what goes.
// The VM stand-in's `[[vm:change PATH +A -D]]` diff: `-old line N` then `+new line N` from line 1.
import { beforeAll, expect, it } from "vitest";
import { reviewMessageForAgent } from "../../src/protocol/review-comments";
import { eventually, query, sendInbound, sentTo, vmRequests } from "./helpers";
import { TEST_ADMIN } from "./test-env";

const PHONES = ["+15550000350", "+15550000351", "+15550000352", "+15550000353"];
beforeAll(async () => {
  for (const phone of PHONES) {
    await sendInbound(TEST_ADMIN, `/allow ${phone}`);
    await eventually(async () => (await sentTo(TEST_ADMIN)).some((m) => (m.body ?? "").startsWith(`Allowed ${phone}`) || (m.body ?? "").startsWith(`${phone} is already`)));
  }
});

const nextMatching = (phone: string, pattern: RegExp, after: number) => eventually(async () => (await sentTo(phone)).slice(after).find((m) => pattern.test(m.body ?? "")));
const runIdle = (phone: string) => eventually(async () => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM runs WHERE phase != 'finished'"))[0]?.n === 0);
const startedTexts = async (phone: string) => (await vmRequests(phone)).filter((r) => r.kind === "start" || r.kind === "input").flatMap((r) => (r.messages ?? []).map((m) => m.text));

/** Runs `text` to its change line, with its diff kept in R2; returns the change's label. */
async function runWithChange(phone: string, text: string): Promise<string> {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, text);
  await nextMatching(phone, /changed, \+/, before);
  const row = await eventually(async () => (await query<{ label: string; diff_key: string | null }>(phone, "SELECT label, diff_key FROM run_changes ORDER BY created_at DESC LIMIT 1"))[0] ?? undefined);
  await eventually(async () => (await query<{ diff_key: string | null }>(phone, "SELECT diff_key FROM run_changes ORDER BY created_at DESC LIMIT 1"))[0]?.diff_key != null);
  await runIdle(phone);
  return row.label;
}

/** Sends `text` and waits until the agent was handed the `expected` text; returns everything the agent got since. */
async function handedAfter(phone: string, send: () => Promise<unknown>, expected: string): Promise<string[]> {
  const before = (await startedTexts(phone)).length;
  await send();
  return eventually(async () => {
    const texts = (await startedTexts(phone)).slice(before);
    return texts.includes(expected) && texts;
  });
}

it("a reply quoting /diff's picture with `path:line text` reaches the agent as one anchored comment; a later `line N:` comments on the last change shown", async () => {
  const phone = PHONES[0]!;
  const first = await runWithChange(phone, "edit [[vm:change src/add.js +3 -1]]");
  let before = (await sentTo(phone)).length;
  await sendInbound(phone, "/diff");
  const picture = await nextMatching(phone, /^Last change/, before);

  before = (await sentTo(phone)).length;
  const comment = { file: "src/add.js", side: "new" as const, line: 2, lineText: "new line 2", body: "keep the old name", change: first };
  const texts = await handedAfter(phone, () => sendInbound(phone, "add.js:2 keep the old name", { OriginalRepliedMessageSid: picture.sid }), reviewMessageForAgent([comment]));
  // One message, the comment anchored (file, side, line, its text), and nothing else.
  expect(texts).toEqual([reviewMessageForAgent([comment])]);
  expect(texts[0]).toContain("src/add.js, new line 2:\n   > new line 2\n   keep the old name");
  expect((await nextMatching(phone, /^📝/, before)).body).toBe("📝 Review sent to the agent: 1 comment on 1 file.");
  await runIdle(phone);

  // A newer change's line is now the last shown: `line N:` without a quote is about it (a deleted line: its old side).
  const second = await runWithChange(phone, "trim [[vm:change docs/notes.md +0 -2]]");
  const onDeleted = { file: "docs/notes.md", side: "old" as const, line: 1, lineText: "old line 1", body: "why remove this?", change: second };
  expect(await handedAfter(phone, () => sendInbound(phone, "line 1: why remove this?"), reviewMessageForAgent([onDeleted]))).toEqual([reviewMessageForAgent([onDeleted])]);
  await runIdle(phone);

  // A reply quoting the older picture is about the change that picture showed, not the last one.
  const quoted = { ...comment, line: 3, lineText: "new line 3", body: "and this" };
  expect(await handedAfter(phone, () => sendInbound(phone, "src/add.js:3: and this", { OriginalRepliedMessageSid: picture.sid }), reviewMessageForAgent([quoted]))).toEqual([reviewMessageForAgent([quoted])]);
});

it("a reply naming a line the change does not have, or a file it did not change, goes to the agent as written", async () => {
  const phone = PHONES[1]!;
  await runWithChange(phone, "edit [[vm:change src/add.js +3 -1]]");
  for (const text of ["add.js:9 what about this one", "line 7: and here", "other.js:2 and this"]) {
    const before = (await sentTo(phone)).length;
    expect(await handedAfter(phone, () => sendInbound(phone, text), text)).toEqual([text]);
    await runIdle(phone);
    expect((await sentTo(phone)).slice(before).map((m) => m.body)).not.toContainEqual(expect.stringMatching(/^📝/));
  }
});

it("a line two files have: the relay asks which with buttons, and the tapped file gets the comment", async () => {
  const phone = PHONES[2]!;
  const label = await runWithChange(phone, "edit [[vm:change src/add.js +3 -1]] [[vm:change lib/sum.js +2 -0 added]]");
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, "line 2: rename it");
  const question = await nextMatching(phone, /^Line 2 is in 2 files/, before);
  expect(question.body).toContain("1. src/add.js (new line 2: new line 2)");
  expect(question.body).toContain("2. lib/sum.js (new line 2: new line 2)");
  expect(question.body).toContain("Nothing goes to the agent until you choose");
  expect(question.buttons.map((b) => b.title)).toEqual(["1", "2"]);
  // Nothing reached the agent while the question is open.
  await new Promise((r) => setTimeout(r, 300));
  expect(await startedTexts(phone)).not.toContain("line 2: rename it");

  const chosen = { file: "lib/sum.js", side: "new" as const, line: 2, lineText: "new line 2", body: "rename it", change: label };
  const texts = await handedAfter(phone, () => sendInbound(phone, "2", { ButtonText: "2", ButtonPayload: question.buttons[1]!.id }), reviewMessageForAgent([chosen]));
  expect(texts).toEqual([reviewMessageForAgent([chosen])]);
  expect((await nextMatching(phone, /^📝/, before)).body).toBe("📝 Review sent to the agent: 1 comment on 1 file.");
  // The question is answered: a second tap on its button is no answer any more.
  expect(await query(phone, "SELECT id FROM questions WHERE kind = 'review_file' AND closed_at IS NULL")).toEqual([]);
});

it("an unanswered question sends nothing; a message other than an answer sends the comment's text as written, then itself", async () => {
  const phone = PHONES[3]!;
  await runWithChange(phone, "edit [[vm:change src/add.js +3 -1]] [[vm:change lib/sum.js +2 -0 added]]");
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, "line 1: is this right?");
  await nextMatching(phone, /^Line 1 is in 2 files/, before);
  const texts = await handedAfter(phone, () => sendInbound(phone, "never mind, carry on"), "never mind, carry on");
  expect(texts).toEqual(["line 1: is this right?", "never mind, carry on"]);
});
