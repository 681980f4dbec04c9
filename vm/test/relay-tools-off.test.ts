// Without `scheduleTools` the CLI gets no MCP server and no relay tools: a model that calls one
// anyway gets the CLI's "no such tool" error back, and the run ends normally with no tool_call.
import { readdirSync } from "node:fs";
import { expect, it } from "vitest";
import { userPathsOf } from "../src/users/user-paths";
import { resultsOf, useHarness } from "./helpers/harness";

const h = useHarness();

it("offers no relay tools when the run does not ask for them", async () => {
  const userId = "+15550000601";
  const reader = await h.startRun({ userId, text: '[[tool schedule_create {"kind":"every","every":"2h","prompt":"check the build"}]]', options: { permissionMode: "bypassPermissions" } });
  const events = await reader.end();
  expect(events.map((e) => e.type)).toEqual(["session", "progress", "result", "done"]);
  expect(resultsOf(events)[0]?.text).toBe(
    "[offline model] The schedule_create tool failed: <tool_use_error>Error: No such tool available: schedule_create</tool_use_error>",
  );
  // The model was never offered a relay tool, deferred or not.
  const requests = h.api.requests.filter((r) => r.path === "/v1/messages");
  expect(requests.length).toBeGreaterThan(0);
  for (const request of requests) expect(JSON.stringify(request.body)).not.toContain("mcp__relay__");
  expect(readdirSync(userPathsOf(h.dataDir, userId).tmp).filter((name) => name.startsWith("relay-mcp-"))).toEqual([]);
});
