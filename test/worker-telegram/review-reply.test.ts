// A Telegram reply (reply_to_message) to a run's change line is a comment on that change, even
// after a newer change was shown: the agent gets it anchored, as from WhatsApp.
import { expect, it } from "vitest";
import { reviewMessageForAgent } from "../../src/protocol/review-comments";
import { eventually, query, vmRequests } from "../worker/helpers";
import { postUpdate, userWrites } from "./helpers";

const user = "700160";
const name = `tg-${user}`;

/** Runs `text` to its change line, sent and its diff kept; the line's Telegram message id and the change's label. */
async function runWithChange(text: string): Promise<{ messageId: string; label: string }> {
  expect((await postUpdate(await userWrites(user, { text }))).status).toBe(200);
  const row = await eventually(async () => {
    const rows = await query<{ vm_run_id: string; label: string; diff_key: string | null }>(name, "SELECT vm_run_id, label, diff_key FROM run_changes ORDER BY created_at DESC LIMIT 1");
    return rows[0]?.diff_key && rows[0].label.includes(text.slice(0, 4)) ? rows[0] : undefined;
  });
  const sent = await eventually(async () => (await query<{ sent_ref: string | null }>(name, "SELECT sent_ref FROM outbox WHERE dedupe_key = ?", `change:${row.vm_run_id}`))[0]?.sent_ref ?? undefined);
  await eventually(async () => (await query<{ n: number }>(name, "SELECT count(*) AS n FROM runs WHERE phase != 'finished'"))[0]?.n === 0);
  return { messageId: sent, label: row.label };
}

it("a reply to an older change line comments on that change, anchored", async () => {
  const first = await runWithChange("edit [[vm:change src/add.js +3 -1]]");
  await runWithChange("docs [[vm:change docs/notes.md +2 -0 added]]");
  const update = await userWrites(user, { text: "add.js:2 keep the old name" });
  const message = update.message as Record<string, unknown>;
  message.reply_to_message = { message_id: Number(first.messageId), chat: message.chat, date: message.date, text: "1 file changed, +3 −1 · /diff to see, /undo to take back" };
  expect((await postUpdate(update)).status).toBe(200);
  const expected = reviewMessageForAgent([{ file: "src/add.js", side: "new", line: 2, lineText: "new line 2", body: "keep the old name", change: first.label }]);
  const texts = await eventually(async () => {
    const all = (await vmRequests(name)).filter((r) => r.kind === "start" || r.kind === "input").flatMap((r) => (r.messages ?? []).map((m) => m.text));
    return all.includes(expected) && all;
  });
  expect(texts.at(-1)).toBe(expected);
  expect(await query(name, "SELECT body FROM outbox WHERE body LIKE '📝%'")).toEqual([{ body: "📝 Review sent to the agent: 1 comment on 1 file." }]);
});
