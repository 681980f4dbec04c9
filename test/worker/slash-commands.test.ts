import { expect, it } from "vitest";
import { ask, bodies, eventually, releaseVm, sendInbound, sentTo, vmRequests } from "./helpers";

const phone = "+15550000164";

it("Claude Code's own /commands go to the agent as the whole first input of a run of their own, never into a live turn", async () => {
  expect(await ask(phone, "/compact")).toBe("echo: /compact");
  // //word sends a word the relay owns.
  expect(await ask(phone, "//status")).toBe("echo: /status");

  await sendInbound(phone, "long task [[vm:hold]]");
  await eventually(async () => (await vmRequests(phone)).filter((r) => r.kind === "start").length === 3);
  await sendInbound(phone, "/review");
  await sendInbound(phone, "and then this");
  await releaseVm(phone);
  await eventually(async () => bodies(await sentTo(phone)).includes("echo: and then this"));
  const requests = await vmRequests(phone);
  // Nothing was injected into the live run: /review would have stopped being a command there.
  expect(requests.filter((r) => r.kind === "input")).toEqual([]);
  const starts = requests.filter((r) => r.kind === "start").map((r) => r.messages!.map((m) => m.text));
  expect(starts).toEqual([["/compact"], ["/status"], ["long task [[vm:hold]]"], ["/review"], ["and then this"]]);
});
