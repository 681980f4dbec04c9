// The offline model's "serve this folder": the agent's preview_start keeps a static server for the
// conversation after the run ends, and the preview proxy shows the folder's page through it.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { PREVIEW_USER_HEADER, PreviewStateSchema, previewProxyPath } from "../../src/protocol/vm/preview";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
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

it("shows a folder without index.html as a list of its files through the proxy: names escaped, links relative", async () => {
  const user = "+15550008222";
  const wrote = resultsOf(await (await h.startRun({ userId: user, workspace: "files", text: "change notes.txt to say hello" })).end());
  expect(wrote[0]?.text).toContain("I wrote notes.txt");
  const dir = workspaceDirOf(userPathsOf(h.dataDir, user), "files");
  writeFileSync(join(dir, `<b>&".txt`), "odd\n");
  mkdirSync(join(dir, "sub dir"));
  writeFileSync(join(dir, "sub dir", "x.txt"), "x\n");
  resultsOf(await (await h.startRun({ userId: user, workspace: "files", text: "serve this folder", options: { scheduleTools: true } })).end());
  const state = PreviewStateSchema.parse(await (await h.call("GET", VM_ROUTES.workspacePreview("files", user))).json());
  const get = (path: string) => fetch(`${h.vm.url}${previewProxyPath("files", state.kept?.port ?? 0, path)}`, { headers: { authorization: `Bearer ${TOKEN}`, [PREVIEW_USER_HEADER]: user }, redirect: "manual" });
  try {
    const root = await get("/");
    const html = await root.text();
    expect([root.status, root.headers.get("content-type")]).toEqual([200, "text/html; charset=utf-8"]);
    expect(html).toContain('<p><a href="notes.txt">notes.txt</a>');
    expect(html).toContain('<p><a href="%3Cb%3E%26%22.txt">&#60;b&#62;&#38;&#34;.txt</a>');
    expect(html).toContain('<p><a href="sub%20dir">sub dir</a>');
    expect(html).not.toContain("<b>");
    // A folder asked without its slash is sent to it with one, relative, and lists its own files.
    const bare = await get("/sub%20dir");
    expect([bare.status, bare.headers.get("location")]).toEqual([301, "sub%20dir/"]);
    expect(await (await get("/sub%20dir/")).text()).toContain('<p><a href="x.txt">x.txt</a>');
  } finally {
    await h.call("DELETE", VM_ROUTES.workspacePreview("files", user));
  }
});
