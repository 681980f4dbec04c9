// POST /vm/wake: the VM's signed "I am back". A good wake makes the user's run, waiting out its
// retry, start again at once; a bad, stale or other phone's signature gets a 403 and changes nothing.
import { exports } from "cloudflare:workers";
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { WAKE_PATH, WAKE_SIGNATURE_HEADER, type Wake, wakeSignature } from "../../src/protocol/vm/wake";
import { bodies, eventually, releaseVm, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";
import { TEST_VM_TOKEN } from "./test-env";

type RunRow = { vm_run_id: string; phase: string; transport_failures: number; next_attempt_at: number };
const runOf = (phone: string) => runInDurableObject(stubFor(phone), (_a, state) => state.storage.sql.exec<RunRow>("SELECT * FROM runs").toArray()[0]);
const starts = async (phone: string) => (await vmRequests(phone)).filter((r) => r.kind === "start").length;

const post = (wake: unknown, signature: string) =>
  exports.default.fetch(new Request(`https://relay.test${WAKE_PATH}`, { method: "POST", headers: { "content-type": "application/json", [WAKE_SIGNATURE_HEADER]: signature }, body: JSON.stringify(wake) }));

/** A run whose first start the VM refused (5xx): it waits out the backoff's 5 s. */
async function waitingRun(phone: string): Promise<RunRow> {
  await sendInbound(phone, "deploy [[vm:http500 1]]");
  return eventually(async () => {
    const run = await runOf(phone);
    return run?.transport_failures === 1 && run;
  });
}

describe("the VM's wake", () => {
  it("signed by the VM: the run waiting out its retry starts again at once, and a repeat changes nothing", async () => {
    const phone = "+15550000215";
    const run = await waitingRun(phone);
    expect(run.next_attempt_at).toBeGreaterThan(Date.now() + 3000);
    const wake: Wake = { phone, vmRunIds: [run.vm_run_id], reason: "restarted", at: Date.now() };
    const answer = await post(wake, await wakeSignature(TEST_VM_TOKEN, wake));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true, woken: 1 });
    // Started again by the pump the wake starts (it goes on after the answer, under waitUntil),
    // long before the backoff's 5 s were over.
    await eventually(async () => (await starts(phone)) === 2);
    expect(Date.now()).toBeLessThan(run.next_attempt_at);
    const again = await post(wake, await wakeSignature(TEST_VM_TOKEN, wake));
    expect(await again.json()).toEqual({ ok: true, woken: 0 });
    expect(await starts(phone)).toBe(2);
  });

  it("reader_gone after the object died mid-stream: the run is read again at the wake, not at the watchdog's alarm", async () => {
    const phone = "+15550000224";
    await sendInbound(phone, "refactor the parser [[vm:hold]]");
    // Streaming: the relay stored the run's first event, so the next read reconnects after it
    // (a run still "waiting" when its reader died is started again, which the VM takes as a re-attach).
    const run = await eventually(async () => {
      const row = await runOf(phone);
      return row?.phase === "streaming" && row;
    });
    // The instance that read the stream dies; its watchdog alarm is seconds away (2-10 s).
    await abortAllDurableObjects();
    const alarm = await runInDurableObject(stubFor(phone), (_a, state) => state.storage.getAlarm());
    expect(alarm! - Date.now()).toBeGreaterThan(1000);
    await releaseVm(phone);
    const wake: Wake = { phone, vmRunIds: [run.vm_run_id], reason: "reader_gone", at: Date.now() };
    const answer = await post(wake, await wakeSignature(TEST_VM_TOKEN, wake));
    expect(await answer.json()).toEqual({ ok: true, woken: 1 });
    // Read again by the wake's own pump, before the watchdog's alarm was due; the reply sent once.
    const sent = await eventually(async () => {
      const replies = bodies(await sentTo(phone));
      return replies.length > 0 && replies;
    });
    expect(Date.now()).toBeLessThan(alarm!);
    expect(sent).toEqual(["echo: refactor the parser [[vm:hold]]"]);
    expect((await vmRequests(phone)).filter((r) => r.kind === "events")).toHaveLength(1);
    expect(await runOf(phone)).toMatchObject({ phase: "finished", transport_failures: 0 });
  });

  it.each([
    ["a wrong key", "+15550000216", async (w: Wake) => wakeSignature("not-the-vm-token", w), (w: Wake) => w],
    ["no signature", "+15550000217", async () => "", (w: Wake) => w],
    ["a stale wake (over 5 minutes old)", "+15550000218", async (w: Wake) => wakeSignature(TEST_VM_TOKEN, w), (w: Wake) => ({ ...w, at: Date.now() - 6 * 60_000 })],
    ["a signature over other runs", "+15550000219", async (w: Wake) => wakeSignature(TEST_VM_TOKEN, { ...w, vmRunIds: ["other"] }), (w: Wake) => w],
    ["another phone's wake sent for this one", "+15550000220", async (w: Wake) => wakeSignature(TEST_VM_TOKEN, { ...w, phone: "+15550000221" }), (w: Wake) => w],
  ] as const)("%s: 403, and the run still waits", async (_name, phone, sign, shape) => {
    const run = await waitingRun(phone);
    const wake = shape({ phone, vmRunIds: [run.vm_run_id], reason: "restarted", at: Date.now() });
    const answer = await post(wake, await sign(wake));
    expect(answer.status).toBe(403);
    expect(await answer.json()).toEqual({ error: "forbidden: the wake is not signed by this user's VM, or is stale" });
    expect(await runOf(phone)).toMatchObject({ transport_failures: 1, next_attempt_at: run.next_attempt_at });
    expect(await starts(phone)).toBe(1);
  });

  it("a body that is not a wake: 400, nothing asked of any object", async () => {
    const answer = await post({ phone: "+15550000222", vmRunIds: "all" }, "00");
    expect(answer.status).toBe(400);
  });
});
