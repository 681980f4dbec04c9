import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bodies, eventually, releaseVm, rewriteStorage, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";

const sessionOf = (phone: string) =>
  runInDurableObject(stubFor(phone), (_a, state) =>
    state.storage.sql.exec<{ value: string | null }>("SELECT session_id AS value FROM conversations WHERE id = 1").toArray()[0]?.value ?? undefined,
  );

describe("a run survives losing the Durable Object instance or the connection", () => {
  it("reset mid-stream (a deploy): the new instance reconnects after the last event", async () => {
    const phone = "+15550000110";
    await sendInbound(phone, "refactor the parser [[vm:hold]]");
    // The session id is stored as soon as the VM reports it, before any result.
    expect(await eventually(() => sessionOf(phone))).toMatch(/^session-/);
    const watchdog = await runInDurableObject(stubFor(phone), (_a, state) => state.storage.getAlarm());
    // If this instance dies, the next one picks the run up within 10 s (a reply is not held a minute).
    expect(watchdog).toBeGreaterThan(Date.now());
    expect(watchdog! - Date.now()).toBeLessThanOrEqual(10_000);

    await abortAllDurableObjects();
    await releaseVm(phone);
    await runDurableObjectAlarm(stubFor(phone));
    // The forced alarm runs at the watchdog's time, a minute after the run started: by the
    // object's clock a "Still working (1 min)" update may be due as well. The reply comes once.
    const replies = async () => bodies(await sentTo(phone)).filter((b) => !b?.startsWith("Still working"));
    const sent = await eventually(async () => {
      const all = await replies();
      return all.length >= 1 && all;
    });
    expect(sent).toEqual(["echo: refactor the parser [[vm:hold]]"]);

    const requests = await vmRequests(phone);
    expect(requests.filter((r) => r.kind === "start")).toHaveLength(1);
    // After the session event (seq 1); the progress line (seq 2) changes nothing, so it is not recorded.
    expect(requests.find((r) => r.kind === "events")?.after).toBe(1);
    // Running the alarm again changes nothing.
    await runDurableObjectAlarm(stubFor(phone));
    expect(await replies()).toEqual(["echo: refactor the parser [[vm:hold]]"]);
  });

  it("evicted while a dropped stream waits to reconnect: resumed from the last seq, sent once", async () => {
    const phone = "+15550000111";
    await sendInbound(phone, "check the build [[vm:drop]] [[vm:hold]]");
    // The stream is cut after the session event; the relay will retry the same run in 5 s.
    const stored = await eventually(async () =>
      runInDurableObject(stubFor(phone), (_a, state) => {
        const run = state.storage.sql.exec<{ n: number; seq: number }>("SELECT transport_failures AS n, last_seq AS seq FROM runs").one();
        return run.n === 1 && run.seq;
      }),
    );
    expect(stored).toBeGreaterThanOrEqual(1);
    await evictDurableObject(stubFor(phone));
    await releaseVm(phone);
    await runDurableObjectAlarm(stubFor(phone));
    const sent = await eventually(async () => {
      const all = await sentTo(phone);
      return all.length >= 1 && all;
    });
    expect(bodies(sent)).toEqual(["echo: check the build [[vm:drop]] [[vm:hold]]"]);
    const requests = await vmRequests(phone);
    expect(requests.filter((r) => r.kind === "start")).toHaveLength(1);
    expect(requests.find((r) => r.kind === "events")?.after).toBe(stored);
  });
  it("an alarm that fires while the VM is still starting leaves a safety alarm: a reset then loses nothing", async () => {
    const phone = "+15550000140";
    const text = "deploy the site [[vm:slow-start 2000]]";
    await sendInbound(phone, text);
    await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "start"));
    // The platform runs the armed alarm while the first request to the VM still waits.
    await runDurableObjectAlarm(stubFor(phone));
    const alarm = await runInDurableObject(stubFor(phone), (_a, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThan(Date.now());
    expect(alarm! - Date.now()).toBeLessThanOrEqual(60_000);

    // The instance dies before the stream opens: that alarm brings the run back, answered once.
    await abortAllDurableObjects();
    expect(await runDurableObjectAlarm(stubFor(phone))).toBe(true);
    const sent = await eventually(async () => {
      const all = await sentTo(phone);
      return all.length >= 1 && all;
    });
    expect(bodies(sent)).toEqual([`echo: ${text}`]);
    await runDurableObjectAlarm(stubFor(phone));
    expect(bodies(await sentTo(phone))).toEqual([`echo: ${text}`]);
  });

  it("the VM took a further turn, and the instance died before it recorded the hand-off: the VM's result for it is taken as the record, each reply once", async () => {
    const phone = "+15550000225";
    await sendInbound(phone, "refactor the parser [[vm:hold]]");
    await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "start"));
    const { sid } = await sendInbound(phone, "and the lexer too");
    await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "input" && r.accepted === true));
    // What the row would say had the instance died between the VM's 202 and the transaction: still queued.
    await abortAllDurableObjects();
    await rewriteStorage(phone, (storage) => storage.sql.exec("UPDATE messages SET status = 'queued', run_id = NULL, handed_how = NULL WHERE id = ?", sid));
    await releaseVm(phone);
    await runDurableObjectAlarm(stubFor(phone));
    // The answers (the second message's "Got it" went while the run held it, and a "Still working" may go too).
    const replies = async () => bodies(await sentTo(phone)).filter((b) => b?.startsWith("echo:"));
    const sent = await eventually(async () => {
      const all = await replies();
      return all.length >= 2 && all;
    });
    expect(sent).toEqual(["echo: refactor the parser [[vm:hold]]", "echo: and the lexer too"]);
    const rows = await runInDurableObject(stubFor(phone), (_a, state) => ({
      messages: state.storage.sql.exec<{ status: string }>("SELECT status FROM messages ORDER BY seq").toArray().map((m) => m.status),
      runs: state.storage.sql.exec<{ outcome: string | null }>("SELECT outcome FROM runs").toArray().map((r) => r.outcome),
    }));
    expect(rows).toEqual({ messages: ["answered", "answered"], runs: ["done"] });
    // Nothing more comes of it: the VM was not asked to start a run again.
    expect((await vmRequests(phone)).filter((r) => r.kind === "start")).toHaveLength(1);
    await runDurableObjectAlarm(stubFor(phone));
    expect(await replies()).toEqual(sent);
  });
});
