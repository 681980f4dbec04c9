// The project's CLAUDE.md reaches the model although the CLI reads no settings file the agent can
// write (docs/vm.md, approvals): instructions, not permissions. Real CLI, offline model.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { resultsOf, useHarness } from "./helpers/harness";

const h = useHarness();
const userId = "+15550001013";

it("reads the workspace's CLAUDE.md into the model's context", async () => {
  expect((await h.call("POST", "/v1/workspaces", { userId, workspace: "docs" })).status).toBe(201);
  const dir = workspaceDirOf(userPathsOf(h.dataDir, userId), "docs");
  writeFileSync(join(dir, "CLAUDE.md"), "Project rule: the build command is `make papaya-marker-7731`.\n");
  const before = h.api.requests.length;
  const events = await (await h.startRun({ userId, workspace: "docs", text: "how do I build?" })).end();
  expect(resultsOf(events)[0]?.isError).toBe(false);
  const sent = JSON.stringify(h.api.requests.slice(before).filter((r) => r.path.startsWith("/v1/messages")).map((r) => r.body));
  expect(sent).toContain("papaya-marker-7731");
});
