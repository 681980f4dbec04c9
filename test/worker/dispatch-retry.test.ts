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

    // The alarm's present starts at its due time and moves on in real time, so the second wait is
    // 10 s after the attempt: at least 10 s after the first due time, plus what the alarm took.
    const alarmStarted = Date.now();
    expect(await runDurableObjectAlarm(stubFor(phone))).toBe(true);
    const alarmTook = Date.now() - alarmStarted;
    const second = (await runOf(phone))!;
    expect(second.transport_failures).toBe(2);
    expect(second.next_attempt_at - first.next_attempt_at).toBeGreaterThanOrEqual(10000);
    expect(second.next_attempt_at - first.next_attempt_at).toBeLessThanOrEqual(10000 + alarmTook);

    expect(await runDurableObjectAlarm(stubFor(phone))).toBe(true);
    expect(bodies(await sentTo(phone))).toEqual(["echo: deploy [[vm:http500 2]]"]);
    expect((await runOf(phone))!.phase).toBe("finished");
    // The same VM run id was offered three times: the VM never ran it twice.
    const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
    expect(new Set(starts.map((s) => s.runId)).size).toBe(1);
    expect(starts).toHaveLength(3);
    // Nothing is due but the archive, ARCHIVE_AFTER_DAYS (3 by default) after the last use.
    expect(await alarmOf(phone)).toBeGreaterThan(Date.now() + 2 * 86_400_000);
  });

  it("a crash cuts the run: its message goes into the next run once, told so; a second crash fails it, named", async () => {
    const phone = "+15550000108";
    await sendInbound(phone, "build it [[vm:crash]]");
    const sent = await eventually(async () => {
      const all = await sentTo(phone);
      return all.length === 1 && all;
    });
    expect(sent[0]!.body).toBe(
      "⚠️ Your agent was interrupted twice while working on your message “build it”, so I stopped retrying. What it sent above is all it produced; send it again to retry.",
    );
    // Two runs, each a VM run of its own: the CLI had the message twice, never a third time.
    const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
    expect(starts).toHaveLength(2);
    expect(new Set(starts.map((s) => s.runId)).size).toBe(2);
    expect(starts[0]!.messages![0]!.text).toBe("build it [[vm:crash]]");
    expect(starts[1]!.messages![0]!.text).toMatch(/^build it \[\[vm:crash\]\]\n\n\[relay\] You already had this message in a turn that was interrupted/);
    const outcomes = await runInDurableObject(stubFor(phone), (_a, state) => state.storage.sql.exec<{ outcome: string }>("SELECT outcome FROM runs ORDER BY created_at").toArray());
    expect(outcomes.map((r) => r.outcome)).toEqual(["interrupted", "interrupted"]);
    // Nothing is due but the archive, ARCHIVE_AFTER_DAYS (3 by default) after the last use.
    expect(await alarmOf(phone)).toBeGreaterThan(Date.now() + 2 * 86_400_000);
  });

  it("a run cut after it answered one turn carries the injected turn into the next run, and the user hears nothing extra", async () => {
    const phone = "+15550000193";
    await sendInbound(phone, "first [[vm:restart-at-input]]");
    await eventually(async () => bodies(await sentTo(phone)).includes("echo: first [[vm:restart-at-input]]"));
    const second = await sendInbound(phone, "and then this");
    await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "input" && r.accepted));
    const sent = await eventually(async () => {
      const all = bodies(await sentTo(phone));
      return all.some((b) => b?.includes("and then this") && b.startsWith("echo:")) && all;
    });
    expect(sent).toEqual(["echo: first [[vm:restart-at-input]]", "Got it, I'll process this next.", expect.stringMatching(/^echo: and then this\n\n\[relay\] You already had this message in a turn that was interrupted/)]);
    const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
    expect(starts.map((s) => s.messages!.map((m) => m.id))).toEqual([[expect.any(String)], [second.sid]]);
    // The next run resumed the session the cut one had.
    expect(starts[1]!.sessionId).not.toBeNull();
  });

  it("never replays a batch whose reply already reached the user", async () => {
    const phone = "+15550000109";
    await sendInbound(phone, "long job [[vm:crash-after-reply]]");
    const sent = await eventually(async () => {
      const all = await sentTo(phone);
      return all.length === 1 && all;
    });
    expect(sent[0]!.body).toBe("echo: long job [[vm:crash-after-reply]]");
    // The crash came after every turn was answered: nothing is carried, and nothing more is said.
    await eventually(async () => (await runOf(phone))?.outcome === "interrupted");
    expect(await sentTo(phone)).toHaveLength(1);
    expect((await vmRequests(phone)).filter((r) => r.kind === "start")).toHaveLength(1);
  });
});
