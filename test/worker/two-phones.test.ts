import { expect, it } from "vitest";
import { bodies, eventually, releaseVm, sendInbound, sentTo, vmRequests } from "./helpers";

it("keeps two phones independent: one busy phone does not hold up another", async () => {
  const busy = "+15550000114";
  const free = "+15550000115";
  await sendInbound(busy, "long task [[vm:hold]]");
  await eventually(async () => (await vmRequests(busy)).some((r) => r.kind === "start"));

  await sendInbound(free, "quick question");
  await eventually(async () => (await sentTo(free)).length === 1);
  expect(bodies(await sentTo(free))).toEqual(["echo: quick question"]);
  expect(await sentTo(busy)).toEqual([]);
  // No acknowledgement for the free phone: its queue was empty.
  const freeStarts = (await vmRequests(free)).filter((r) => r.kind === "start");
  expect(freeStarts[0]!.sessionId).toBeNull();

  await releaseVm(busy);
  await eventually(async () => (await sentTo(busy)).length === 1);
  expect(bodies(await sentTo(busy))).toEqual(["echo: long task [[vm:hold]]"]);
  const sessions = [...(await vmRequests(busy)), ...(await vmRequests(free))].map((r) => r.userId);
  expect(new Set(sessions)).toEqual(new Set([busy, free]));
});
