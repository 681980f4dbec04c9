// A conversation's preview on the VM: its kept server runs as the user's uid in its workspace and
// outlives the request that started it; the proxy carries HTTP and WebSocket upgrades to it, and
// refuses a port of another user's conversation, of another conversation of the same user, the
// VM's own port, and a port no process of the conversation listens on.
import { request as httpRequest, createServer, type Server } from "node:http";
import { statSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { afterAll, expect, it } from "vitest";
import { PREVIEW_USER_HEADER, PreviewStateSchema, previewProxyPath } from "../../src/protocol/vm/preview";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { freePort } from "./helpers/free-port";
import { TOKEN, useHarness } from "./helpers/harness";

const h = useHarness();
const alice = "+15550008201";
const bob = "+15550008202";


/** A dev server in one line: answers with its folder's name, and echoes on an upgraded socket. */
const appCommand =
  `node -e 'const s=require("http").createServer((q,r)=>r.end("hello from "+process.cwd().split("/").pop()+" at "+q.url));` +
  `s.on("upgrade",(q,c)=>{c.write("HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n\\r\\n");c.on("data",d=>c.write(d))});` +
  `s.listen(+process.env.PORT,"127.0.0.1")'`;

const proxied = (user: string, workspace: string, port: number, path = "/") =>
  fetch(`${h.vm.url}${previewProxyPath(workspace, port, path)}`, { headers: { authorization: `Bearer ${TOKEN}`, [PREVIEW_USER_HEADER]: user } });

/** An upgrade through the proxy: the status line it answers, and what comes back of `say` once upgraded. */
function upgrade(user: string, workspace: string, port: number, say: string): Promise<{ status: number; echo: string }> {
  const url = new URL(`${h.vm.url}${previewProxyPath(workspace, port, "/hot")}`);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, headers: { connection: "Upgrade", upgrade: "websocket", authorization: `Bearer ${TOKEN}`, [PREVIEW_USER_HEADER]: user } });
    req.on("upgrade", (res, socket) => {
      socket.once("data", (data) => {
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, echo: data.toString() });
      });
      socket.write(say);
    });
    req.on("response", (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, echo: "" });
    });
    req.on("error", reject);
    req.end();
  });
}

let outsider: Server | null = null;
afterAll(async () => {
  if (outsider) await new Promise((resolve) => outsider?.close(resolve));
});

it("proxies only to the ports of the conversation's own processes, and keeps its server until /preview off", async () => {
  for (const [userId, workspace] of [[alice, "site"], [alice, "other"], [bob, "site"]] as const) {
    expect((await h.call("POST", VM_ROUTES.workspaces, { userId, workspace })).status).toBe(201);
  }
  const port = await freePort();
  const startAnswer = await (await h.call("POST", VM_ROUTES.workspacePreview("site", alice), { command: appCommand, port })).json();
  const started = PreviewStateSchema.parse(startAnswer);
  expect(started.problem).toBeUndefined();
  expect(started.kept).toMatchObject({ port, command: appCommand });
  expect(started.ports).toContain(port);

  // It runs as Alice's uid, in her workspace (the owner of the directory it was started in).
  const dir = workspaceDirOf(userPathsOf(h.dataDir, alice), "site");
  const pid = started.kept?.pid ?? 0;
  expect(statSync(`/proc/${pid}`).uid).toBe(statSync(dir).uid);

  // Alice's link reaches it, path and query kept; and so does its hot-reload socket.
  const page = await proxied(alice, "site", port, "/index.html?v=2");
  expect(page.status).toBe(200);
  expect(await page.text()).toBe("hello from site at /index.html?v=2");
  expect(await upgrade(alice, "site", port, "reload?")).toEqual({ status: 101, echo: "reload?" });

  // Bob's conversation of the same name, and Alice's other conversation, do not own it.
  for (const [user, workspace] of [[bob, "site"], [alice, "other"]] as const) {
    const refused = await proxied(user, workspace, port);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ error: "unknown_port" });
    expect((await upgrade(user, workspace, port, "x")).status).toBe(404);
    const state = PreviewStateSchema.parse(await (await h.call("GET", VM_ROUTES.workspacePreview(workspace, user))).json());
    expect(state).toEqual({ kept: null, ports: [] });
  }

  // Neither the VM's own port nor a server outside every workspace is a preview's.
  const vmPort = Number(new URL(h.vm.url).port);
  expect((await proxied(alice, "site", vmPort, "/health")).status).toBe(404);
  outsider = createServer((_q, r) => r.end("not a preview"));
  await new Promise<void>((resolve) => outsider?.listen(0, "127.0.0.1", resolve));
  expect((await proxied(alice, "site", (outsider.address() as AddressInfo).port)).status).toBe(404);

  // Without the VM's token nothing passes, an upgrade neither.
  expect((await fetch(`${h.vm.url}${previewProxyPath("site", port, "/")}`, { headers: { [PREVIEW_USER_HEADER]: alice } })).status).toBe(401);

  // /preview off ends the kept server (its process group) and the link with it.
  const off = PreviewStateSchema.parse(await (await h.call("DELETE", VM_ROUTES.workspacePreview("site", alice))).json());
  expect(off.kept).toBeNull();
  await expect.poll(() => processAlive(pid), { timeout: 5_000 }).toBe(false);
  expect((await proxied(alice, "site", port)).status).toBe(404);
});

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
