import { describe, expect, it } from "vitest";
import { ask, bodies, eventually, query, releaseVm, sendInbound, sentTo, vmRequests } from "./helpers";

describe("/commands are answered by the relay, without the agent", () => {
  const phone = "+15550000122";

  it.each([
    ["/help", "More: /help runs, chats"],
    ["/HELP schedules", "/schedule cron"],
    ["/status", "The agent is idle."],
    ["/approvals", "Approvals in main: edits"],
    ["/progress", "Progress updates are on"],
    ["/tz", "Your time zone is UTC"],
    ["/schedules", "No scheduled tasks."],
  ])("%s", async (command, expected) => {
    expect(await ask(phone, command)).toContain(expected);
    expect(await vmRequests(phone)).toEqual([]);
  });

  it("stores a command as answered by the relay, never queued for the agent", async () => {
    const rows = await query<{ status: string }>(phone, "SELECT status FROM messages");
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === "answered")).toBe(true);
  });
});

describe("/new and /cancel", () => {
  it("/new makes the next message start a fresh session", async () => {
    const phone = "+15550000123";
    await ask(phone, "hello");
    expect(await ask(phone, "/new")).toContain("fresh agent session");
    await ask(phone, "who are you");
    const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
    expect(starts.map((s) => s.sessionId)).toEqual([null, null]);
  });

  it("/new during a run: the run's session does not come back, the next message starts fresh", async () => {
    const phone = "+15550000128";
    await sendInbound(phone, "long job [[vm:hold]]");
    await eventually(async () => (await query<{ session_id: string | null }>(phone, "SELECT session_id FROM conversations WHERE id = 1"))[0]?.session_id != null);
    expect(await ask(phone, "/new")).toContain("fresh agent session");
    await releaseVm(phone);
    await eventually(async () => bodies(await sentTo(phone)).includes("echo: long job [[vm:hold]]"));
    expect(await query(phone, "SELECT session_id FROM conversations WHERE id = 1")).toEqual([{ session_id: null }]);
    await ask(phone, "hello again");
    const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
    expect(starts.map((s) => s.sessionId)).toEqual([null, null]);
  });

  it("/cancel ends the live run at once, tells the VM, and says so once", async () => {
    const phone = "+15550000124";
    await sendInbound(phone, "a long refactor [[vm:hold]]");
    await eventually(async () => (await query<{ phase: string }>(phone, "SELECT phase FROM runs"))[0]?.phase === "streaming");
    expect(await ask(phone, "/cancel")).toBe("Stopped the run on “a long refactor”.");
    await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "cancel"));
    // One reply: the run is over at once, and nothing of it is said later.
    expect(bodies(await sentTo(phone))).toEqual(["Stopped the run on “a long refactor”."]);
    const [run] = await query<{ outcome: string }>(phone, "SELECT outcome FROM runs");
    expect(run!.outcome).toBe("cancelled");
    await releaseVm(phone);
  });

  it("/cancel with nothing running says so", async () => {
    expect(await ask("+15550000125", "/cancel")).toBe("Nothing is running.");
  });
});

describe("/vm, for admins", () => {
  it("tells an admin whether the agent VM answers", async () => {
    // +15550000100 is ADMIN_SENDERS in the tests.
    expect(await ask("+15550000100", "/vm")).toMatch(/^The agent VM answered in \d+ ms\.$/);
  });

  it("refuses anyone else", async () => {
    expect(await ask("+15550000122", "/vm")).toBe("/vm is for admins only.");
  });
});
