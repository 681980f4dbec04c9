// The archive's faults: R2 refusing a part, the object cut off mid-archive, the Machines API
// failing the destroy, a restore cut off. Nothing is deleted before its archive is checked; each
// chore is tried again at its backoff (moved to now here, as its time coming would); the last
// error shows in /vm; the waiting message is answered once. Retries back off from ARCHIVE_AFTER_DAYS
// here (2.6 s), so each fault lasts a few attempts and then passes.
import { env, exports } from "cloudflare:workers";
import { abortAllDurableObjects, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ARCHIVE_RESTORING } from "../../src/archive/archive-replies";
import { ask, bodies, eventually, sendInbound, sentTo, stubFor } from "../worker/helpers";
import { TEST_ADMIN, TEST_PUBLIC_URL } from "../worker/test-env";
import { clearFlyFaults, flyFault, machinesOf, volumesOf } from "../worker-machines/fly-helpers";
import { archiveFault, archiveKeys, archiveRow, firstRunThen } from "./helpers";

describe("faults while archiving", () => {
  it("R2 refusing a part: nothing deleted, the error in /vm, archived at the retry", async () => {
    const phone = "+15550000381";
    // The VM serves other bytes than the sha256 it declared: R2 refuses the put.
    await firstRunThen(phone, () => archiveFault(phone, { corruptParts: 3 }));
    const failed = await eventually(async () => {
      const row = await archiveRow(phone);
      return row?.last_error?.includes("R2 refused part") && row;
    }, 20_000);
    expect(failed.status).toBe("archiving");
    expect(failed.retry_at).toBeGreaterThan(Date.now());
    expect(await machinesOf(phone)).toHaveLength(1);
    expect(await volumesOf(phone)).toHaveLength(1);
    expect((await archiveKeys(phone)).some((k) => k.endsWith("manifest.json"))).toBe(false);
    const vm = await ask(TEST_ADMIN, "/vm");
    expect(vm).toContain(`${phone} · Machine`);
    expect(vm).toMatch(/archive: being archived · last error: archive: R2 refused part user\.json/);
    // The operator's dashboard says the same in its Archive column.
    const link = new RegExp(`${TEST_PUBLIC_URL.replace(/[.]/g, "\\.")}(/web/[A-Za-z0-9_-]{22})(?:\\s|$)`).exec(await ask(TEST_ADMIN, "/dashboard"))?.[1];
    const dashboard = await (await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${link}`))).text();
    expect(dashboard).toContain("<th>Archive</th>");
    expect(dashboard).toMatch(/<td>archive: being archived · last error: archive: R2 refused part user\.json/);

    // The fourth attempt gets the part as declared.
    await eventually(async () => (await archiveRow(phone))?.status === "archived", 40_000);
    expect(await machinesOf(phone)).toEqual([]);
    expect(await volumesOf(phone)).toEqual([]);
    expect((await archiveRow(phone))!.last_error).toBeNull();
  });

  it("the object cut off mid-archive: nothing deleted, picked up at the retry it wrote first", async () => {
    const phone = "+15550000382";
    await firstRunThen(phone, () => archiveFault(phone, { holdPartMs: 4_000 }));
    await eventually(async () => (await archiveRow(phone))?.status === "archiving", 20_000);
    // A deploy or an eviction: the instance goes while the part is on its way to R2.
    await abortAllDurableObjects();
    const row = (await archiveRow(phone))!;
    expect(row.status).toBe("archiving");
    expect(row.retry_at).toBeGreaterThan(Date.now());
    expect(await machinesOf(phone)).toHaveLength(1);
    expect(await volumesOf(phone)).toHaveLength(1);

    // The next instance picks it up: the pump armed its safety alarm (a minute ahead) before the
    // attempt, and the attempt wrote its retry first. Run that alarm now rather than wait the minute.
    expect(await runDurableObjectAlarm(stubFor(phone))).toBe(true);
    await eventually(async () => (await archiveRow(phone))?.status === "archived", 40_000);
    expect(await machinesOf(phone)).toEqual([]);
    expect((await archiveKeys(phone)).filter((k) => k.endsWith("manifest.json"))).toHaveLength(1);
  });

  it("the Machines API failing the destroy: the archive kept, the Machine destroyed at the retry", async () => {
    const phone = "+15550000383";
    await firstRunThen(phone, async () => {
      const [machine] = await machinesOf(phone);
      await flyFault({ kind: "http", path: `/v1/apps/${env.FLY_APP}/machines/${machine!.id}`, method: "DELETE", status: 500, count: 2 });
    });
    try {
      const failed = await eventually(async () => {
        const r = await archiveRow(phone);
        return r?.last_error?.startsWith("discard:") && r;
      }, 20_000);
      expect(failed.status).toBe("checked");
      expect((await archiveKeys(phone)).some((k) => k.endsWith("manifest.json"))).toBe(true);
      expect(await machinesOf(phone)).toHaveLength(1);
      expect(await volumesOf(phone)).toHaveLength(1);
    } finally {
      await clearFlyFaults();
    }
    await eventually(async () => (await archiveRow(phone))?.status === "archived", 40_000);
    expect(await machinesOf(phone)).toEqual([]);
    expect(await volumesOf(phone)).toEqual([]);
    expect((await archiveKeys(phone)).some((k) => k.endsWith("manifest.json"))).toBe(true);
  });

  it("a restore cut off: said once, the archive kept, the message answered once after the retry", async () => {
    const phone = "+15550000384";
    // Carried in the archive: the next Machine cuts its first two restores off.
    await firstRunThen(phone, () => archiveFault(phone, { cutRestores: 2 }));
    await eventually(async () => (await archiveRow(phone))?.status === "archived", 20_000);
    const keys = await archiveKeys(phone);
    const before = (await sentTo(phone)).length;
    await sendInbound(phone, "are you back?");
    const failed = await eventually(async () => {
      const r = await archiveRow(phone);
      return r?.last_error?.startsWith("restore:") && r;
    }, 30_000);
    expect(failed.status).toBe("restoring");
    await eventually(async () => (await sentTo(phone)).length >= before + 2, 10_000);
    const told = bodies((await sentTo(phone)).slice(before));
    expect(told[0]).toBe(ARCHIVE_RESTORING);
    expect(told[1]).toMatch(/^I couldn't bring your projects back from the archive yet \(.*\)\. The archive is safe and I'm trying again; your message waits\.$/);
    expect(await archiveKeys(phone)).toEqual(keys);

    await eventually(async () => bodies(await sentTo(phone)).includes("echo: are you back?"), 30_000);
    // Once more through the pump: nothing is answered twice, and the restore notice was said once.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const all = bodies((await sentTo(phone)).slice(before));
    expect(all.filter((b) => b === "echo: are you back?")).toHaveLength(1);
    expect(all.filter((b) => b === ARCHIVE_RESTORING)).toHaveLength(1);
  });
});
