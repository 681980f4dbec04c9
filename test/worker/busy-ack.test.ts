import { expect, it } from "vitest";
import { bodies, eventually, releaseVm, sendInbound, sentTo, vmRequests } from "./helpers";

const phone = "+15550000105";

it("acknowledges a message sent during a run, then answers both in order", async () => {
  const first = await sendInbound(phone, "run the suite [[vm:hold]]");
  await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "start"));

  const second = await sendInbound(phone, "then bump the version");
  expect(second.res.status).toBe(200);
  await eventually(async () => bodies(await sentTo(phone)).includes("Got it, I'll process this next."));

  // The second message reached the live session as its own turn.
  const input = await eventually(async () => (await vmRequests(phone)).find((r) => r.kind === "input"));
  expect(input.messages?.map((m) => m.id)).toEqual([second.sid]);

  await releaseVm(phone);
  const sent = await eventually(async () => {
    const all = await sentTo(phone);
    return all.length === 3 && all;
  });
  expect(bodies(sent)).toEqual([
    "Got it, I'll process this next.",
    "echo: run the suite [[vm:hold]]",
    "echo: then bump the version",
  ]);
  expect(first.sid).not.toBe(second.sid);
});
