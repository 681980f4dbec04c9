import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bodies, eventually, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";

type RunRow = { vm_attempt: number; transport_failures: number; next_attempt_at: number; phase: string; outcome: string | null };

const runOf = (phone: string) =>
  runInDurableObject(stubFor(phone), (_a, state) => state.storage.sql.exec<RunRow>("SELECT * FROM runs").toArray()[0]);
const alarmOf = (phone: string) => runInDurableObject(stubFor(phone), (_a, state) => state.storage.getAlarm());

describe("dispatch retries, driven by the alarm", () => {
  it("retries a VM answering 5xx after 5 s, then 10 s, then delivers", async () => {
    const phone = "+15550000107";
    const before = Date.now();
    await sendInbound(phone, "deploy [[vm:http500 2]]");
    const first = await eventually(async () => {
      const run = await runOf(phone);
      return run?.transport_failures === 1 && run;
    });
    expect(first.next_attempt_at - before).toBeGreaterThanOrEqual(5000);
    expect(first.next_attempt_at - Date.now()).toBeLessThanOrEqual(5000);
    expect(await alarmOf(phone)).toBe(first.next_attempt_at);
    expect(await sentTo(phone)).toEqual([]);

    expect(await runDurableObjectAlarm(stubFor(phone))).toBe(true);
    const second = (await runOf(phone))!;
    expect(second.transport_failures).toBe(2);
    expect(second.next_attempt_at - first.next_attempt_at).toBe(10000);

    expect(await runDurableObjectAlarm(stubFor(phone))).toBe(true);
    expect(bodies(await sentTo(phone))).toEqual(["echo: deploy [[vm:http500 2]]"]);
    expect((await runOf(phone))!.phase).toBe("finished");
    // The same VM run id was offered three times: the VM never ran it twice.
    const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
    expect(new Set(starts.map((s) => s.runId)).size).toBe(1);
    expect(starts).toHaveLength(3);
    expect(await alarmOf(phone)).toBeNull();
  });

  it("tells the user after the last of 6 attempts when the agent keeps crashing", async () => {
    const phone = "+15550000108";
    await sendInbound(phone, "build it [[vm:crash]]");
    await eventually(async () => (await runOf(phone))?.vm_attempt === 2);
    const delays: number[] = [];
    for (let attempt = 2; attempt <= 6; attempt++) {
      const run = (await runOf(phone))!;
      expect(run.vm_attempt).toBe(attempt);
      delays.push(run.next_attempt_at);
      expect(await runDurableObjectAlarm(stubFor(phone))).toBe(true);
    }
    const gaps = delays.slice(1).map((at, i) => at - delays[i]!);
    expect(gaps).toEqual([10000, 20000, 40000, 80000]);
    const run = (await runOf(phone))!;
    expect(run.phase).toBe("finished");
    expect(run.outcome).toBe("failed_after_retries");
    const sent = await sentTo(phone);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toContain("couldn't reach your agent after 6 attempts");
    expect(sent[0]!.body).toContain("build it");
    expect((await vmRequests(phone)).filter((r) => r.kind === "start")).toHaveLength(6);
    expect(await alarmOf(phone)).toBeNull();
  });

  it("never replays a batch whose reply already reached the user", async () => {
    const phone = "+15550000109";
    await sendInbound(phone, "long job [[vm:crash-after-reply]]");
    const sent = await eventually(async () => {
      const all = await sentTo(phone);
      return all.length === 2 && all;
    });
    expect(sent[0]!.body).toBe("echo: long job [[vm:crash-after-reply]]");
    expect(sent[1]!.body).toContain("interrupted");
    expect((await runOf(phone))!.outcome).toBe("interrupted");
    expect((await vmRequests(phone)).filter((r) => r.kind === "start")).toHaveLength(1);
  });
});
