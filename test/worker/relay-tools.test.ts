import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { ask, eventually, query, releaseVm, sendInbound, stubFor, vmRequests } from "./helpers";

const phone = "+15550000138";

it("the agent's schedule_create tool call creates a task through the same validation", async () => {
  const reply = await ask(phone, 'remind me [[vm:tool schedule_create {"kind":"every","every":"2h","prompt":"check the build"}]]');
  expect(reply).toMatch(/^tool said: ok: Task #1 scheduled: every 2h, in a fresh session in main's project\./);
  const rows = await query<{ prompt: string; context: string }>(phone, "SELECT prompt, context FROM schedules");
  expect(rows).toEqual([{ prompt: "check the build", context: "fresh" }]);
});

it("refuses bad tool arguments with the same one-line reasons, storing nothing", async () => {
  const reply = await ask(phone, 'again [[vm:tool schedule_create {"kind":"every","every":"0m","prompt":"x"}]]');
  expect(reply).toBe("tool said: refused: The interval must be more than zero.");
  const unknown = await ask(phone, "and [[vm:tool rm_rf {}]]");
  expect(unknown).toBe("tool said: refused: Unknown tool rm_rf.");
  expect(await query(phone, "SELECT id FROM schedules")).toHaveLength(1);
});

it("refuses a schedule_create identical to a task the user has, with its number", async () => {
  const reply = await ask(phone, 'once more [[vm:tool schedule_create {"kind":"every","every":"2h","prompt":"check the build"}]]');
  expect(reply).toBe("tool said: refused: Task #1 already does this (every 2h: “check the build”). Nothing changed.");
  expect(await query(phone, "SELECT id FROM schedules")).toHaveLength(1);
});

it("lists, pauses and sets the time zone through tools", async () => {
  expect(await ask(phone, "[[vm:tool schedule_pause {\"id\":1}]]")).toBe("tool said: ok: Task #1 paused.");
  expect(await ask(phone, "[[vm:tool set_time_zone {\"timeZone\":\"Europe/London\"}]]")).toMatch(/^tool said: ok: Time zone set to Europe\/London\./);
  expect(await ask(phone, "[[vm:tool schedule_list {}]]")).toMatch(/^tool said: ok: Your tasks \(Europe\/London\):\n#1 \[main\] every 2h: paused/);
});

it("delivers a stored tool answer after a reset, without applying the call again", async () => {
  const other = "+15550000139";
  await sendInbound(other, "long job [[vm:hold]]");
  const [run] = await eventually(async () => {
    const rows = await query<{ vm_run_id: string; phase: string }>(other, "SELECT vm_run_id, phase FROM runs");
    return rows[0]?.phase === "streaming" && rows;
  });
  // As if the object applied a call and died before answering it.
  await runInDurableObject(stubFor(other), (_a, state) => {
    state.storage.sql.exec(
      `INSERT INTO vm_answers (vm_run_id, kind, ask_id, body, created_at) VALUES (?, 'tool', 'call-9', '{"callId":"call-9","ok":true,"text":"Task #9 scheduled"}', ?)`,
      run!.vm_run_id,
      Date.now(),
    );
  });
  await abortAllDurableObjects();
  await releaseVm(other);
  await runDurableObjectAlarm(stubFor(other));
  const answers = (await vmRequests(other)).filter((r) => r.kind === "tool-result");
  expect(answers.map((r) => r.callId)).toEqual(["call-9"]);
  const [row] = await query<{ delivery: string }>(other, "SELECT delivery FROM vm_answers WHERE ask_id = 'call-9'");
  expect(row!.delivery).toBe("done");
});
