// A review sent from the private page more than 24 hours after the user's last WhatsApp message:
// the page is not WhatsApp, so it opens no window. Its line and the agent's answer go as any result
// outside the window: the approved template once, the rest held until the user writes, then sent;
// never a free-form send WhatsApp would refuse (63016). Through the Worker's page routes, the
// PhoneAgent, the Twilio emulator and the VM stand-in.
import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { reviewSentLine } from "../../src/protocol/review-comments";
import type { ReviewDraft } from "../../src/changes/review-draft";
import { ask, eventually, query, rewriteStorage, sendInbound, sentTo, vmRequests } from "../worker/helpers";
import { TEST_PUBLIC_URL, TEST_TEMPLATE_SID } from "../worker/test-env";

const phone = "+15550000253";
const FROM_PAGE = { origin: TEST_PUBLIC_URL, "sec-fetch-site": "same-origin", "content-type": "application/json" };
const call = (path: string, body: unknown) => exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}`, { method: "POST", headers: FROM_PAGE, body: JSON.stringify(body) }));

it("a review sent from the page outside the 24-hour window goes as the template, its line and answer held until the user writes", async () => {
  await sendInbound(phone, "add it [[vm:change src/add.js +3 -1]]");
  const change = await eventually(async () => (await query<{ vmRunId: string; k: string | null }>(phone, "SELECT vm_run_id AS vmRunId, diff_html_key AS k FROM run_changes")).find((r) => r.k));
  await eventually(async () => (await sentTo(phone)).some((m) => /^1 file changed/.test(m.body ?? "")));
  const link = await ask(phone, "/web");
  const page = /(\/web\/[A-Za-z0-9_-]{22})/.exec(link)?.[1];
  expect(page, link).toBeDefined();
  const added = await call(`${page!}/review/comments`, { changeId: change.vmRunId, file: "src/add.js", side: "new", line: 2, lineText: "new line 2", body: "keep the old name" });
  const { draft } = (await added.json()) as { draft: ReviewDraft };
  // A day and more since the user last wrote on WhatsApp.
  await rewriteStorage(phone, (storage) => storage.sql.exec("UPDATE messages SET received_at = ? WHERE kind = 'user'", Date.now() - 30 * 3600_000));
  const before = (await sentTo(phone)).length;

  expect((await call(`${page!}/review/send`, { draftId: draft.id })).status).toBe(200);
  // The agent gets the review (a run takes it), and its answer waits with the line.
  await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "start" && r.messages?.some((m) => m.id === `review-${draft.id}`)));
  await eventually(async () => (await query(phone, "SELECT id FROM outbox WHERE held = 1")).length === 2);
  const sent = (await sentTo(phone)).slice(before);
  expect(sent.map((m) => m.contentSid)).toEqual([TEST_TEMPLATE_SID]);
  expect(sent[0]!.contentVariables).toEqual({ "1": "a result from your agent" });
  expect(await query(phone, "SELECT id FROM outbox WHERE error_code = '63016'")).toEqual([]);

  // The user writes: what waited goes, in order, then the answer to what they wrote.
  await sendInbound(phone, "show me");
  const comments = draft.comments.map(({ id: _, changeId: __, ...c }) => c);
  await eventually(async () => (await sentTo(phone)).some((m) => m.body === "echo: show me"));
  const after = (await sentTo(phone)).slice(before).map((m) => (m.contentSid ? "[template]" : m.body));
  expect(after[0]).toBe("[template]");
  expect(after[1]).toBe(reviewSentLine(comments));
  expect(after.at(-1)).toBe("echo: show me");
});
