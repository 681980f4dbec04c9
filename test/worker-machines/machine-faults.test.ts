// The Machines API's faults, each injected at the Fly stand-in (docs/fly-machines.md, "Faults")
// while a phone writes: the relay waits as Fly says (Retry-After, a lease's expiry), moves to the
// next region when one has no room, and makes again what was deleted behind its back, telling the
// user only when their files went with it. Every message is still answered, once.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { MACHINE_FILES_LOST } from "../../src/machines/machine-replies";
import { directoryOf } from "../../src/directory/user-directory";
import { ask, bodies, eventually, query, sendInbound, sentTo, stubFor } from "../worker/helpers";
import { fromTelegram, linkPhoneAndTelegram } from "../worker/link-helpers";
import { clearFlyFaults, flyCall, flyFault, machinesOf, volumesOf } from "./fly-helpers";

const APP = `/v1/apps/${env.FLY_APP}`;

/** The admin's next reply, whole: /users and /vm run after the webhook and may come in parts. */
async function askLong(admin: string, text: string): Promise<string> {
  const before = (await sentTo(admin)).length;
  await sendInbound(admin, text);
  const sent = await eventually(async () => {
    const all = await sentTo(admin);
    return all.length > before && all;
  }, 30_000);
  // A long answer's parts are queued together: it is whole once the outbox has none left to send.
  await eventually(async () => (await query<{ n: number }>(admin, "SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')"))[0]?.n === 0, 30_000);
  return (await sentTo(admin)).slice(before).map((m) => m.body ?? "").join("\n");
}
const rowOf = (phone: string) =>
  runInDurableObject(stubFor(phone), (_agent, state) => state.storage.sql.exec<{ state: string; machine_id: string | null; volume_id: string | null; region: string | null }>("SELECT state, machine_id, volume_id, region FROM machine").toArray()[0] ?? null);

/** The users whose Machine names the directory records (what /vm sweep spares). */
const recordedOwners = () =>
  runInDurableObject(directoryOf(env), (_directory, state) => state.storage.sql.exec<{ user: string; machine_name: string }>("SELECT user, machine_name FROM machine_owners").toArray());

/**
 * Holds `name`'s object as a long migration would (its input gate shut): no call reaches it before
 * `ms` pass. Returns once the hold has begun, with the hold's end to await.
 */
async function holdBusy(name: string, ms: number): Promise<{ released: Promise<unknown> }> {
  let begun!: () => void;
  const holding = new Promise<void>((resolve) => (begun = resolve));
  // The call itself answers only once the hold is over; the callback runs in this isolate, so it says when the hold began.
  const released = runInDurableObject(stubFor(name), (_agent, state) => {
    void state.blockConcurrencyWhile(() => {
      begun();
      return new Promise((resolve) => setTimeout(resolve, ms));
    });
  });
  await holding;
  return { released };
}

async function suspendedMachine(phone: string, text: string) {
  expect(await ask(phone, text)).toBe(`echo: ${text}`);
  // MACHINE_IDLE_MS is 2 s in this project: the alarm suspends it.
  await eventually(async () => (await rowOf(phone))?.state === "suspended", 15_000);
  return (await machinesOf(phone))[0]!;
}

afterEach(clearFlyFaults);

describe("faults of the Machines API", () => {
  it("429 on a create: waits at least Retry-After, then makes the Machine once", async () => {
    const phone = "+15550000160";
    await flyFault({ kind: "http", path: `${APP}/machines`, method: "POST", status: 429, count: 1, retryAfterSeconds: 2 });
    const sentAt = Date.now();
    expect(await ask(phone, "through a 429")).toBe("echo: through a 429");
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(2_000);
    expect(await machinesOf(phone)).toHaveLength(1);
  });

  it("5xx on a start: tries again and answers", async () => {
    const phone = "+15550000161";
    const machine = await suspendedMachine(phone, "before the outage");
    await flyFault({ kind: "http", path: `${APP}/machines/${machine.id}/start`, method: "POST", status: 503, count: 2 });
    expect(await ask(phone, "during the outage")).toBe("echo: during the outage");
    expect((await machinesOf(phone)).map((m) => [m.id, m.state])).toEqual([[machine.id, "started"]]);
  });

  it("no capacity in the first region: the volume and the Machine go to the next one", async () => {
    const phone = "+15550000162";
    await flyFault({ kind: "capacity", region: "iad" });
    expect(await ask(phone, "somewhere with room")).toBe("echo: somewhere with room");
    expect((await volumesOf(phone)).map((v) => v.region)).toEqual(["ord"]);
    expect((await machinesOf(phone)).map((m) => m.region)).toEqual(["ord"]);
    expect((await rowOf(phone))?.region).toBe("ord");
  });

  it("a Machine deleted behind the relay's back is made again on the same volume, without a word", async () => {
    const phone = "+15550000163";
    expect(await ask(phone, "first")).toBe("echo: first");
    const [before] = await machinesOf(phone);
    const [volume] = await volumesOf(phone);
    await flyFault({ kind: "vanish", machineId: before!.id });
    expect(await ask(phone, "second")).toBe("echo: second");
    const after = await machinesOf(phone);
    expect(after).toHaveLength(1);
    expect(after[0]!.id).not.toBe(before!.id);
    expect((await volumesOf(phone)).map((v) => v.id)).toEqual([volume!.id]);
    expect(bodies(await sentTo(phone))).not.toContain(MACHINE_FILES_LOST);
  });

  it("a volume deleted behind the relay's back: a new one, and the user is told their files are gone", async () => {
    const phone = "+15550000164";
    expect(await ask(phone, "first")).toBe("echo: first");
    const [volume] = await volumesOf(phone);
    await flyFault({ kind: "vanish", volumeId: volume!.id });
    await ask(phone, "second");
    await eventually(async () => {
      const said = bodies(await sentTo(phone));
      return said.includes(MACHINE_FILES_LOST) && said.includes("echo: second");
    }, 20_000);
    const now = await volumesOf(phone);
    expect(now).toHaveLength(1);
    expect(now[0]!.id).not.toBe(volume!.id);
    expect(bodies(await sentTo(phone)).filter((b) => b === MACHINE_FILES_LOST)).toHaveLength(1);
  });

  it("a snapshot Fly dropped (a deploy, a host migration): the start is a cold boot, and the message is answered", async () => {
    const phone = "+15550000159";
    const machine = await suspendedMachine(phone, "before the migration");
    await flyFault({ kind: "drop_snapshot", machineId: machine.id });
    expect(await ask(phone, "after the migration")).toBe("echo: after the migration");
    expect((await machinesOf(phone)).map((m) => [m.id, m.state])).toEqual([[machine.id, "started"]]);
  });

  it("a lease someone else holds: waits until it expires, then starts the Machine under its own", async () => {
    const phone = "+15550000165";
    const machine = await suspendedMachine(phone, "before the lease");
    const expiresAt = Date.now() + 2_500;
    await flyFault({ kind: "lease", machineId: machine.id, owner: "deploy@tokens.fly.io", expiresAt });
    expect(await ask(phone, "after the lease")).toBe("echo: after the lease");
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
  });

  it("retired after MACHINE_RETIRE_DAYS unused: destroyed, the user told, the volume kept for a return", async () => {
    const phone = "+15550000166";
    expect(await ask(phone, "hello")).toBe("echo: hello");
    const [volume] = await volumesOf(phone);
    // 0.0001 days (8.6 s) here: suspended at 2 s, retired at 8.6 s.
    await eventually(async () => (await machinesOf(phone)).length === 0, 30_000);
    await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.startsWith("Your agent's machine was shut down after")), 10_000);
    expect((await volumesOf(phone)).map((v) => v.id)).toEqual([volume!.id]);
    // Writing before the volume goes: a new Machine on the old volume.
    expect(await ask(phone, "back again")).toBe("echo: back again");
    const [machine] = await machinesOf(phone);
    expect(machine!.state).toBe("started");
    expect((await volumesOf(phone)).map((v) => [v.id, v.attached_machine_id])).toEqual([[volume!.id, machine!.id]]);
  });

  it("/deny stops the user's Machine", async () => {
    const admin = "+15550000100";
    // Not in ALLOWED_SENDERS (an admin cannot /deny a configured number): allowed at run time.
    const phone = "+15550009167";
    await ask(admin, `/allow ${phone}`);
    expect(await ask(phone, "hello")).toBe("echo: hello");
    await ask(admin, `/deny ${phone}`);
    await eventually(async () => (await machinesOf(phone))[0]?.state === "stopped", 15_000);
    expect((await rowOf(phone))?.state).toBe("stopped");
  });

  it("/users and /vm show each user's Machine; /vm lists what no user owns and /vm sweep destroys only that", async () => {
    const admin = "+15550000100";
    const phone = "+15550000169";
    expect(await ask(phone, "mine")).toBe("echo: mine");
    const [machine] = await machinesOf(phone);
    // Left behind by someone else in the app: no user's object knows it.
    const stray = (await flyCall("/volumes", "POST", { name: "stray_volume", region: "iad", size_gb: 1 })) as { id: string };
    const users = await askLong(admin, "/users");
    expect(users).toContain(`${phone} (config)`);
    expect(users).toMatch(new RegExp(`${phone.replace("+", "\\+")} .*Machine ${machine!.id} (started|suspended) in iad`));
    const report = await askLong(admin, "/vm");
    expect(report).toContain(`Machine ${machine!.id}`);
    expect(report).toContain(`volume ${stray.id} "stray_volume" 1 GB in iad`);
    expect(report).toContain("/vm sweep destroys them");
    const swept = await askLong(admin, "/vm sweep");
    expect(swept).toMatch(/^Destroyed \d+ Machines and \d+ volumes no user owned\.$/);
    const volumes = (await flyCall("/volumes", "GET")) as { id: string; state: string }[];
    expect(volumes.find((v) => v.id === stray.id)?.state ?? "destroyed").toMatch(/destroy/);
    expect((await machinesOf(phone)).map((m) => m.id)).toEqual([machine!.id]);
  });

  it("/vm sweep spares the Machine of a Telegram user's own agent, linked to a phone or not", async () => {
    const admin = "+15550000100";
    const phone = "+15550000167";
    const user = "900167";
    const own = `tg-${user}`;
    const { stored } = await stubFor(own).enqueue({ messageId: "tg-167001", body: "mine on telegram", media: [], receivedAt: Date.now(), publicOrigin: "https://relay.example", source: { channel: "telegram", chat: user } });
    expect(stored).toBe(true);
    const [machine] = await eventually(async () => {
      const answered = await query<{ status: string }>(own, "SELECT status FROM messages WHERE id = 'tg-167001'");
      return answered[0]?.status === "answered" && machinesOf(own);
    }, 30_000);
    expect(await linkPhoneAndTelegram(phone, user)).toMatch(/^Linked:/);
    // Its object told the directory before it made the Machine: that record is what the sweep reads.
    expect((await recordedOwners()).filter((o) => o.user === own)).toEqual([{ user: own, machine_name: machine!.name }]);
    // Listed as a user's, not as owned by no one (the orphans are listed quoted: `Machine <id> "<name>"`).
    const report = await askLong(admin, "/vm");
    expect(report).toMatch(new RegExp(`^tg-${user} · Machine ${machine!.id} (started|suspended) in iad`, "m"));
    expect(report).not.toContain(`Machine ${machine!.id} "`);
    const swept = await askLong(admin, "/vm sweep");
    expect(swept).toMatch(/^(Destroyed \d+ Machines and \d+ volumes no user owned|Nothing to sweep)/);
    // Its volume (the Telegram chat's own conversations, kept for /unlink) is still there.
    expect(await volumesOf(own)).toHaveLength(1);
  });

  it("/vm sweep waits out Fly's 429 on the app's listing (Retry-After) instead of saying the API did not answer", async () => {
    const admin = "+15550000100";
    await flyFault({ kind: "http", path: `${APP}/machines`, method: "GET", status: 429, count: 1, retryAfterSeconds: 1 });
    await flyFault({ kind: "http", path: `${APP}/volumes`, method: "GET", status: 429, count: 1, retryAfterSeconds: 1 });
    const swept = await askLong(admin, "/vm sweep");
    expect(swept).toMatch(/^(Destroyed \d+ Machines and \d+ volumes no user owned|Nothing to sweep)/);
  });

  it("/vm sweep answers while a user's object is busy, and spares that user's Machine", async () => {
    const admin = "+15550000100";
    const phone = "+15550000170";
    expect(await ask(phone, "mine")).toBe("echo: mine");
    const [machine] = await machinesOf(phone);
    const stray = (await flyCall("/volumes", "POST", { name: "stray_while_busy", region: "iad", size_gb: 1 })) as { id: string };
    // Far longer than an admin's call to another object may take (10 s): the sweep must not need this object.
    const busyUntil = Date.now() + 25_000;
    const { released } = await holdBusy(phone, 25_000);
    const swept = await askLong(admin, "/vm sweep");
    expect(swept).toMatch(/^Destroyed \d+ Machines and [1-9]\d* volumes no user owned\.$/);
    expect(Date.now()).toBeLessThan(busyUntil);
    await released;
    const volumes = (await flyCall("/volumes", "GET")) as { id: string; state: string }[];
    expect(volumes.find((v) => v.id === stray.id)?.state ?? "destroyed").toMatch(/destroy/);
    expect((await machinesOf(phone)).map((m) => m.id)).toEqual([machine!.id]);
    expect(await volumesOf(phone)).toHaveLength(1);
  });

  it("an operator's stop behind the relay's back: the next message starts it again", async () => {
    const phone = "+15550000168";
    expect(await ask(phone, "first")).toBe("echo: first");
    const [machine] = await machinesOf(phone);
    await flyCall(`/machines/${machine!.id}/stop`, "POST", {});
    await eventually(async () => (await machinesOf(phone))[0]?.state === "stopped", 15_000);
    expect(await ask(phone, "second")).toBe("echo: second");
  });
});
