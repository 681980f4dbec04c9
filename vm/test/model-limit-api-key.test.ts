// The real CLI on an API key past a rate limit, through the VM and its credential proxy: the
// offline model refuses as Anthropic refuses an API key ([[limit S]]: 429 rate_limit_error with a
// long `retry-after` and the requests limit's headers). The CLI fails the turn at once and prints
// no reset (docs/notes/cli-observations.md); the proxy read it from the answer's headers, so the
// run still ends with model_limit carrying it and the limit's name, and the relay waits until then.
import { expect, it } from "vitest";
import { resultsOf, useHarness } from "./helpers/harness";

const h = useHarness();

it("ends the run with model_limit and the reset the proxy read from the 429's headers, with one request", async () => {
  const before = Date.now();
  const events = await (await h.startRun({ userId: "+15550000411", text: "update the changelog [[limit 900]]" })).end();
  const error = events.at(-1)!;
  expect(error).toMatchObject({ type: "error", code: "model_limit", limit: "requests" });
  const resetsAt = error.type === "error" ? error.resetsAt! : 0;
  // The stand-in's reset, 900 s after its first refusal (retry-after in whole seconds).
  expect(resetsAt).toBeGreaterThanOrEqual(before + 899_000);
  expect(resetsAt).toBeLessThanOrEqual(Date.now() + 901_000);
  expect(resultsOf(events)).toEqual([]);
  expect(h.api.requests.filter((r) => r.path.endsWith("/v1/messages"))).toHaveLength(1);
});
