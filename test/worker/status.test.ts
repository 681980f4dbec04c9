import { evictDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { ask, eventually, releaseVm, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";

const phone = "+15550000170";

it("/status: busy for how long and where, the agent's last step, what waits, the VM as last seen, the next task, spend today", async () => {
  const idle = (await ask(phone, "/status")).split("\n");
  expect(idle).toEqual([
    "The agent is idle.",
    "Nothing is queued.",
    "Current conversation: main (no session yet; 0 turns, $0.00). /sessions lists them all.",
    "VM: no run has reached it yet (/status vm asks it now).",
    "Spent today: $0.00 of $20.00 (daily budget).",
  ]);
  await ask(phone, "/schedule every 1h check the build");
  await sendInbound(phone, "long job [[vm:hold]]");
  await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "start"));
  await sendInbound(phone, "/compact");
  // The run's progress line comes after its session event.
  const busy = await eventually(async () => {
    const lines = (await ask(phone, "/status")).split("\n");
    return lines[0]!.endsWith(": Thinking.") && lines;
  });
  expect(busy[0]).toBe("The agent is busy in main for under a minute: Thinking.");
  expect(busy[1]).toBe("Waiting: main 1.");
  expect(busy[3]).toBe("VM: last answered just now.");
  expect(busy[4]).toMatch(/^Next task: #1 at .+ \(\/schedules\)\.$/);
  expect(busy[5]).toBe("Spent today: $0.00 of $20.00 (daily budget).");
  await releaseVm(phone);
  await eventually(async () => (await ask(phone, "/status")).startsWith("The agent is idle."));
  // The answer is kept: an instance that never reached the VM itself still tells when it last answered.
  await evictDurableObject(stubFor(phone));
  expect((await ask(phone, "/status")).split("\n")).toContain("VM: last answered just now.");

  // /status vm asks the VM now (a user hears whether it answers, not the operator's details).
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, "/status vm");
  const answer = await eventually(async () => (await sentTo(phone)).slice(before).find((m) => m.body?.startsWith("The agent VM")));
  expect(answer.body).toMatch(/^The agent VM answered in \d+ ms\.$/);
});
