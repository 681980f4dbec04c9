import { expect, it } from "vitest";
import { bodies, eventually, query, sendInbound, sentTo, vmRequests } from "./helpers";

it("a VM that cannot run its CLI: one attempt, no retries, and the user hears it is misconfigured", async () => {
  const phone = "+15550000151";
  await sendInbound(phone, "fix the flaky test [[vm:misconfigured]]");
  const sent = await eventually(async () => {
    const all = await sentTo(phone);
    return all.length >= 1 && all;
  });
  expect(bodies(sent)).toEqual([
    "⚠️ Your agent is misconfigured, so your message “fix the flaky test” was not processed. The operator has been told; send it again once it is fixed.",
  ]);
  expect((await vmRequests(phone)).filter((r) => r.kind === "start")).toHaveLength(1);
  const [run] = await query<{ phase: string; outcome: string; vm_attempt: number }>(phone, "SELECT phase, outcome, vm_attempt FROM runs");
  expect(run).toEqual({ phase: "finished", outcome: "misconfigured", vm_attempt: 1 });
  const [message] = await query<{ status: string }>(phone, "SELECT status FROM messages");
  expect(message!.status).toBe("failed");
});
