// `POST /v1/shot`: a path that is a URL to elsewhere is refused, a conversation without a preview
// gets a clear one-line error, and the kept preview server's page comes back as a PNG at 390 px.
import { expect, it } from "vitest";
import { PreviewStateSchema } from "../../src/protocol/vm/preview";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { SHOT_ROUTE } from "../../src/protocol/vm/shot";
import { freePort } from "./helpers/free-port";
import { useHarness } from "./helpers/harness";

const h = useHarness({ shotIdleMs: 200 });
const alice = "+15550008251";

it("refuses a path that is a URL, says when there is no preview, and draws the kept server's page", { timeout: 90_000 }, async () => {
  expect((await h.call("POST", VM_ROUTES.workspaces, { userId: alice, workspace: "site" })).status).toBe(201);

  for (const path of ["http://example.com/", "//example.com/", "/\\example.com", "example.com", "/a b", "/\n"]) {
    const refused = await h.call("POST", SHOT_ROUTE, { userId: alice, workspace: "site", path });
    expect(refused.status, path).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "bad_request" });
  }

  const none = await h.call("POST", SHOT_ROUTE, { userId: alice, workspace: "site" });
  expect(none.status).toBe(404);
  expect(await none.json()).toEqual({ error: "no_preview", message: "no preview is running in this conversation: start one with /preview" });

  const port = await freePort();
  const command = `node -e 'require("http").createServer((q,r)=>{r.setHeader("content-type","text/html");r.end("<h1>"+q.url+"</h1>")}).listen(+process.env.PORT,"127.0.0.1")'`;
  const started = PreviewStateSchema.parse(await (await h.call("POST", VM_ROUTES.workspacePreview("site", alice), { command, port })).json());
  expect(started.kept?.port).toBe(port);
  try {
    const shot = await h.call("POST", SHOT_ROUTE, { userId: alice, workspace: "site", path: "/pricing?x=1" });
    expect(shot.status).toBe(200);
    expect(shot.headers.get("content-type")).toBe("image/png");
    const png = Buffer.from(await shot.arrayBuffer());
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(390);
  } finally {
    await h.call("DELETE", VM_ROUTES.workspacePreview("site", alice));
  }
});
