import { expect, it } from "vitest";
import { ask, query } from "./helpers";

const phone = "+15550000138";

it("the agent's schedule_create tool call creates a task through the same validation", async () => {
  const reply = await ask(phone, 'remind me [[vm:tool schedule_create {"kind":"every","every":"2h","prompt":"check the build"}]]');
  expect(reply).toMatch(/^tool said: ok: Task #1 scheduled: every 2h, in a fresh session\./);
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

it("lists, pauses and sets the time zone through tools", async () => {
  expect(await ask(phone, "[[vm:tool schedule_pause {\"id\":1}]]")).toBe("tool said: ok: Task #1 paused.");
  expect(await ask(phone, "[[vm:tool set_time_zone {\"timeZone\":\"Europe/London\"}]]")).toMatch(/^tool said: ok: Time zone set to Europe\/London\./);
  expect(await ask(phone, "[[vm:tool schedule_list {}]]")).toMatch(/^tool said: ok: Your tasks \(Europe\/London\):\n#1 every 2h: paused/);
});
