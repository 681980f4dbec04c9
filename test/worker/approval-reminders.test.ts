// A reminder of an unanswered approval prompt, through the Worker, the PhoneAgent's alarm, the
// Twilio emulator and the VM stand-in: it comes when due (3 min after the question), once, naming the
// edit as its prompt did, never its diff. Its pacing, the alarm run again and again, is
// test/units/approvals.test.ts's; here time is moved by dating the prompt back in its row.
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { eventually, query, sendInbound, sentTo, stubFor } from "./helpers";

const MIN = 60_000;
const phone = "+15550000252";

const reminders = async () => (await sentTo(phone)).filter((m) => (m.body ?? "").startsWith("⏳"));

it("the alarm brings one reminder of an unanswered edit, named as its prompt named it", async () => {
  await sendInbound(phone, "[[vm:approval-edit Edit src/add.js 2]]");
  await eventually(async () => (await sentTo(phone)).find((m) => (m.body ?? "").startsWith("🔐 Approval")));
  expect(await reminders()).toEqual([]);

  // As if 3¼ minutes had passed, then the alarm of a fresh instance (which reads the run's stream
  // again, until the run ends: so it is awaited at the end).
  await runInDurableObject(stubFor(phone), (_o, state) => {
    const shift = 3.25 * MIN;
    state.storage.sql.exec("UPDATE approvals SET created_at = created_at - ?, expires_at = expires_at - ?", shift, shift);
    state.storage.sql.exec("UPDATE due_times SET due_at = due_at - ? WHERE unit = 'approvals'", shift);
  });
  await abortAllDurableObjects();
  const alarm = runDurableObjectAlarm(stubFor(phone));
  const [reminder] = await eventually(async () => {
    const sent = await reminders();
    return sent.length > 0 && sent;
  });
  // The minutes count from the alarm's own time, which is when it was set for, not the moved clock of the rows.
  expect(reminder!.body).toMatch(/^⏳ Approval #1 in main still waits for your answer \(asked \d+ min ago\): Edit src\/add\.js: \+2 −1\. Reply yes 1 or no 1; denied in \d+ min if not answered\. The agent does nothing until then\.$/);
  expect(await query(phone, "SELECT reminders FROM approvals")).toEqual([{ reminders: 1 }]);

  await sendInbound(phone, "no");
  await eventually(async () => (await sentTo(phone)).find((m) => m.body === "🚫 Denied: Edit src/add.js: +2 −1. The agent is told it was not done."));
  await eventually(async () => (await query<{ phase: string }>(phone, "SELECT phase FROM runs"))[0]?.phase === "finished");
  await alarm;
  expect(await reminders()).toHaveLength(1);
});
