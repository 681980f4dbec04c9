// A task of an archived user: when it comes due, the archive is brought back onto a new Machine
// first (the user told once), then the task runs and its result is sent.
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ARCHIVE_RESTORING } from "../../src/archive/archive-replies";
import { ask, bodies, eventually, sentTo, stubFor } from "../worker/helpers";
import { machinesOf } from "../worker-machines/fly-helpers";
import { archiveRow, machineRequests } from "./helpers";

/**
 * The user's tasks come due now, as days passing would (worker/helpers.ts's makeTasksDue, with
 * the instance ended at once: an eviction here waits on references the Machines' clients keep).
 */
async function tasksDueNow(phone: string): Promise<void> {
  const now = Date.now();
  await abortAllDurableObjects();
  await runInDurableObject(stubFor(phone), async (_a, state) => {
    state.storage.sql.exec("UPDATE schedules SET next_run_at = ? WHERE status = 'active'", now - 1);
    state.storage.sql.exec("UPDATE due_times SET due_at = ? WHERE unit = 'schedules'", now - 1);
    await state.storage.deleteAlarm();
  });
  // A fresh instance that knows of no alarm but this one (its alarm's time is the pump's floor).
  await abortAllDurableObjects();
  await runInDurableObject(stubFor(phone), (_a, state) => state.storage.setAlarm(now));
}

describe("a task of an archived user", () => {
  it("fires after the restore", async () => {
    const phone = "+15550000385";
    expect(await ask(phone, "hello")).toBe("echo: hello");
    // Three days out: not within a day of the archive's time, so it does not keep the user live.
    expect(await ask(phone, "/schedule every 3d check the build")).toMatch(/^Task #1 scheduled: every 3d/);
    await eventually(async () => (await archiveRow(phone))?.status === "archived", 30_000);
    expect(await machinesOf(phone)).toEqual([]);

    const before = (await sentTo(phone)).length;
    await tasksDueNow(phone);
    const sent = await eventually(async () => {
      const all = bodies((await sentTo(phone)).slice(before));
      return all.some((b) => b?.includes("check the build")) && all;
    }, 30_000);
    expect(sent[0]).toBe(ARCHIVE_RESTORING);
    expect(sent.filter((b) => b === ARCHIVE_RESTORING)).toHaveLength(1);
    expect((await machineRequests(phone)).filter((r) => r.kind === "archive-restore")).toHaveLength(1);
  });
});
