// The offline model's "serve this folder": the agent's preview_start keeps a static server for the
// conversation after the run ends, and the preview proxy shows the folder's page through it.
import { expect, it } from "vitest";
import { PREVIEW_USER_HEADER, PreviewStateSchema, previewProxyPath } from "../../src/protocol/vm/preview";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { resultsOf, TOKEN, useHarness } from "./helpers/harness";

const h = useHarness();
const userId = "+15550008221";

it("keeps the server the agent started for the conversation after its run", async () => {
  const wrote = resultsOf(await (await h.startRun({ userId, workspace: "site", text: "change index.html to say hello from the phone" })).end());
  expect(wrote[0]?.text).toContain("I wrote index.html");
  const served = resultsOf(await (await h.startRun({ userId, workspace: "site", text: "serve this folder", options: { scheduleTools: true } })).end());
  expect(served[0]?.text).toMatch(/I started a small web server for this folder.*listens on port \d+/);

  // The run is over; its server is not.
  const state = PreviewStateSchema.parse(await (await h.call("GET", VM_ROUTES.workspacePreview("site", userId))).json());
  expect(state.kept?.command).toContain("node -e");
  const port = state.kept?.port ?? 0;
  expect(state.ports).toEqual([port]);
  const page = await fetch(`${h.vm.url}${previewProxyPath("site", port, "/")}`, { headers: { authorization: `Bearer ${TOKEN}`, [PREVIEW_USER_HEADER]: userId } });
  expect([page.status, page.headers.get("content-type"), await page.text()]).toEqual([200, "text/html; charset=utf-8", "hello from the phone\n"]);

  await h.call("DELETE", VM_ROUTES.workspacePreview("site", userId));
});
