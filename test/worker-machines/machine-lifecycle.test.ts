// VM_MODE=machines against the Fly stand-in: a phone's first message makes its volume and
// Machine exactly once (also for three messages at once, and when an eviction cut a create off), the
// Machine answers through the proxy, the alarm suspends it when idle and the next message wakes it.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { machineVmToken } from "../../src/machines/fly-identity";
import { describe, expect, it } from "vitest";
import { ask, eventually, sendInbound, sentTo, stubFor } from "../worker/helpers";
import { FLY_TEST_IMAGE } from "./machines-env";
import { machinesOf, precreate, volumesOf } from "./fly-helpers";

const machineRow = (phone: string) =>
  runInDurableObject(stubFor(phone), (_agent, state) => state.storage.sql.exec<{ state: string; machine_id: string | null; volume_id: string | null; cold_start_ms: number | null }>("SELECT state, machine_id, volume_id, cold_start_ms FROM machine").toArray()[0] ?? null);

describe("a phone's own Machine", () => {
  it("is made on the first message, with its volume, and answers through the proxy", async () => {
    const phone = "+15550000150";
    expect(await ask(phone, "hello machine")).toBe("echo: hello machine");
    const [machine, ...others] = await machinesOf(phone);
    expect(others).toEqual([]);
    expect(machine!.state).toBe("started");
    expect(machine!.config.image).toBe(FLY_TEST_IMAGE);
    // Its own token, not the relay's: one Machine's token opens no other.
    expect(machine!.config.env?.["VM_TOKEN"]).toMatch(/^[0-9a-f]{64}$/);
    expect(machine!.config.env?.["VM_TOKEN"]).not.toBe(env.VM_TOKEN);
    const volumes = await volumesOf(phone);
    expect(volumes).toHaveLength(1);
    expect(volumes[0]!.attached_machine_id).toBe(machine!.id);
    const row = await machineRow(phone);
    expect(row).toMatchObject({ state: "started", machine_id: machine!.id, volume_id: volumes[0]!.id });
    expect(row!.cold_start_ms).toBeGreaterThan(0);
  });

  it("is made once for three messages at once", async () => {
    const phone = "+15550000151";
    await Promise.all(["one", "two", "three"].map((text) => sendInbound(phone, text)));
    await eventually(async () => (await sentTo(phone)).some((m) => m.body?.includes("three")), 30_000);
    expect(await machinesOf(phone)).toHaveLength(1);
    expect(await volumesOf(phone)).toHaveLength(1);
  });

  it("adopts the volume and Machine Fly made for it when its object never recorded them (a create cut off by an eviction)", async () => {
    const phone = "+15550000152";
    // As if an earlier instance asked Fly for both and was evicted before it wrote either id.
    const made = await precreate(phone, { VM_TOKEN: await machineVmToken(env.VM_TOKEN!, phone), DATA_DIR: "/data", PORT: "8080" });
    expect(await ask(phone, "after")).toBe("echo: after");
    expect((await machinesOf(phone)).map((m) => m.id)).toEqual([made.machineId]);
    expect((await volumesOf(phone)).map((v) => v.id)).toEqual([made.volumeId]);
    expect(await machineRow(phone)).toMatchObject({ machine_id: made.machineId, volume_id: made.volumeId });
  });

  it("is suspended by the alarm when idle, and the next message wakes it", async () => {
    const phone = "+15550000153";
    expect(await ask(phone, "first")).toBe("echo: first");
    // MACHINE_IDLE_MS is 2 s here; the object's alarm acts, not the VM.
    await eventually(async () => (await machinesOf(phone))[0]?.state === "suspended", 15_000);
    expect((await machineRow(phone))!.state).toBe("suspended");
    expect(await ask(phone, "again")).toBe("echo: again");
    const [machine] = await machinesOf(phone);
    expect(machine!.state).toBe("started");
    expect(await machinesOf(phone)).toHaveLength(1);
  });
});
