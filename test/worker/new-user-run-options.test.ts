// A VM that has served nobody starts a spare with NEW_USER_RUN_OPTIONS (vm/src/runs/run-manager.ts),
// so a new user's first message takes a CLI already up only if the relay starts that run with
// exactly those options. This holds the two together under the relay's default settings (this
// project sets no APPROVALS_DEFAULT nor APPROVAL_TIMEOUT_MS).
import { expect, it } from "vitest";
import { NEW_USER_RUN_OPTIONS } from "../../src/protocol/vm/agent-instructions";
import { eventually, sendInbound, sentTo, vmRequests } from "./helpers";

const phone = "+15550000234";

it("a new user's first message starts its run with the options a VM that has served nobody starts its spare with", async () => {
  await sendInbound(phone, "hello there");
  await eventually(async () => (await sentTo(phone)).length === 1);
  const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
  expect(starts).toHaveLength(1);
  expect(starts[0]!.sessionId).toBeNull();
  expect(starts[0]!.options).toEqual(NEW_USER_RUN_OPTIONS);
});
