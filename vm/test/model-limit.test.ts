// The real CLI past a subscription's usage limit, through the VM and its credential proxy: the
// offline model refuses as Anthropic does ([[limit S]]: 429 rate_limit_error with the unified
// rate-limit headers), the CLI reports the limit (rate_limit_event, rejected) and fails the turn at
// once, and the VM ends the run with model_limit carrying the reset and the limit's name instead of
// answering the turn with the CLI's error text. After the reset the same message is answered.
import { expect, it } from "vitest";
import { resultsOf, useHarness } from "./helpers/harness";

// As a user on a plan runs it: the model's credential is an OAuth token (the proxy hands the CLI its own in that variable).
const h = useHarness({ cliEnv: { ANTHROPIC_API_KEY: "", CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-offline-test" } });

it("ends the run with model_limit, its reset and name, at the first refusal; after the reset the message is answered", async () => {
  const text = "draft the release notes [[limit 6]]";
  const before = Date.now();
  const events = await (await h.startRun({ userId: "+15550000410", text })).end();
  expect(events.map((e) => e.type)).toEqual(["session", "error"]);
  const error = events.at(-1)!;
  expect(error).toMatchObject({ type: "error", code: "model_limit", limit: "five_hour" });
  const resetsAt = error.type === "error" ? error.resetsAt! : 0;
  // The stand-in's reset (whole seconds, as the header carries it), not a time the VM made up.
  expect(resetsAt).toBeGreaterThanOrEqual(before + 5_000);
  expect(resetsAt).toBeLessThanOrEqual(Date.now() + 7_000);
  expect(resultsOf(events)).toEqual([]);
  // Refused once: neither the CLI nor the VM asked again before the reset.
  expect(h.api.requests.filter((r) => r.path.endsWith("/v1/messages"))).toHaveLength(1);

  await new Promise((resolve) => setTimeout(resolve, Math.max(0, resetsAt - Date.now()) + 500));
  const again = await (await h.startRun({ userId: "+15550000410", text })).end();
  expect(again.at(-1)).toMatchObject({ type: "done" });
  expect(resultsOf(again)).toEqual([expect.objectContaining({ isError: false, text: expect.stringContaining("[offline model]") })]);
});
