// A session outlives the model server that answered it: `npm start` keeps the VM's sessions on
// disk and starts a new offline model each time. The Messages API never gives two messages or
// two tool calls the same id, and the CLI relies on it: when it builds a request, a tool_use
// whose id an earlier turn already used is dropped ("[Tool use interrupted]") with its result.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { resultsOf, useHarness } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 0 });
let second: AnthropicStandIn;
beforeAll(async () => {
  second = await startAnthropicStandIn();
});
afterAll(() => second.close());

const bash = (command: string) => `[[tool Bash {"command":"${command}","description":"echo"}]]`;

it("a tool used after the model server restarted reaches the model with its result", async () => {
  const options = { permissionMode: "bypassPermissions" as const };
  const first = await (await h.startRun({ text: bash("echo first-call"), options })).end();
  const sessionId = resultsOf(first)[0]?.sessionId ?? null;
  expect(resultsOf(first)[0]?.text).toBe("[offline model] The Bash tool answered: first-call");

  // A new model server, as the next `npm start` runs one, for the same session on disk.
  await h.restart({ cliEnv: { ANTHROPIC_BASE_URL: second.url } });
  const later = await (await h.startRun({ sessionId, text: bash("echo second-call"), options })).end();
  expect(resultsOf(later)[0]).toMatchObject({ sessionId, text: "[offline model] The Bash tool answered: second-call" });
  // What the CLI sent: the second call and its result, with nothing of it dropped.
  const sent = JSON.stringify(second.requests.map((r) => r.body));
  expect(sent).not.toContain("[Tool use interrupted]");
});
