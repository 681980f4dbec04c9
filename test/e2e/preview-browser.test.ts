// /preview in a real headless Chromium at 390 px, through `wrangler dev` and a real agent VM: the
// link comes as a WhatsApp message the emulator received; it opens the app a conversation's kept
// server serves in its workspace, and the app's hot reload (a WebSocket through the relay and the
// VM's proxy) shows the file changed in the workspace.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { launchChromium } from "../../emulator/tools/chromium";
import { REPO_ROOT } from "../../bench/lib/paths";
import { relayVars, STAND_IN_CREDENTIALS, type StandIns, startStandIns } from "../../bench/lib/stand-ins";
import { inboundForm, messageSid, signedPost } from "../../bench/lib/webhooks";
import { startWranglerDev, type WranglerDev } from "../../bench/lib/wrangler-dev";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { startVmServer, type VmServer } from "../../vm/src/server";
import { resolveClaudeBin } from "../../vm/src/claude-bin";
import { userPathsOf, workspaceDirOf } from "../../vm/src/users/user-paths";
import { useResources } from "../helpers/resources";

const USER = "+15551230082";
const PORT = 41_000 + (process.pid % 1000);

/** A dev server in the workspace: the page, with a script that reloads it when the server says so over a WebSocket. */
const DEV_SERVER = `const http = require("http"), fs = require("fs"), crypto = require("crypto");
const sockets = new Set();
const script = '<script>const u = new URL("__reload", location.href); u.protocol = u.protocol.replace("http", "ws"); new WebSocket(u).onmessage = () => location.reload();</script>';
const server = http.createServer((q, r) => { r.writeHead(200, { "content-type": "text/html; charset=utf-8" }); r.end(fs.readFileSync("index.html", "utf8") + script); });
server.on("upgrade", (q, socket) => {
  const accept = crypto.createHash("sha1").update(q.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
  socket.write("HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: " + accept + "\\r\\n\\r\\n");
  sockets.add(socket); socket.on("close", () => sockets.delete(socket)); socket.on("error", () => sockets.delete(socket));
});
fs.watch(".", (e, name) => { if (name === "index.html") for (const s of sockets) s.write(Buffer.from([0x81, 6, ...Buffer.from("reload")])); });
server.listen(+process.env.PORT, "127.0.0.1");
`;

/**
 * An app as dev servers write them, with absolute paths: its stylesheet and script at `/style.css`
 * and `/app.js`, and its hot reload's WebSocket at `/__hmr` on the page's host, which greets it.
 */
const ABSOLUTE_SERVER = `const http = require("http"), crypto = require("crypto");
const files = {
  "/": ["text/html; charset=utf-8", '<link rel="stylesheet" href="/style.css"><h1>Absolute</h1><script src="/app.js"></script>'],
  "/style.css": ["text/css", "h1 { color: rgb(1, 2, 3); }"],
  "/app.js": ["text/javascript", 'document.body.dataset.js = "ran"; new WebSocket("ws://" + location.host + "/__hmr").onmessage = (m) => { document.body.dataset.hmr = "hello"; };'],
};
const server = http.createServer((q, r) => { const f = files[q.url.split("?")[0]]; if (!f) { r.writeHead(404); return r.end(); } r.writeHead(200, { "content-type": f[0] }); r.end(f[1]); });
server.on("upgrade", (q, socket) => {
  if (q.url !== "/__hmr") return socket.destroy();
  const accept = crypto.createHash("sha1").update(q.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
  socket.write("HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: " + accept + "\\r\\n\\r\\n");
  socket.write(Buffer.from([0x81, 5, ...Buffer.from("hello")]));
  socket.on("error", () => {});
});
server.listen(+process.env.PORT, "127.0.0.1");
`;

const resources = useResources();
let browser: Browser;
let standIns: StandIns;
let vm: VmServer;
let relay: WranglerDev;
let dataDir: string;

beforeAll(async () => {
  standIns = resources.track(await startStandIns(), (s) => s.stop());
  dataDir = resources.track(mkdtempSync(join(tmpdir(), "preview-e2e-")), (dir) => rmSync(dir, { recursive: true, force: true }));
  vm = await resources.track(
    startVmServer({ claudeBin: resolveClaudeBin() ?? "claude-not-installed", port: 0, host: "127.0.0.1", vmToken: STAND_IN_CREDENTIALS.vmToken, dataDir, heartbeatMs: 0, allowSharedProc: true, cliEnv: { ANTHROPIC_API_KEY: "sk-unused", ANTHROPIC_BASE_URL: "http://127.0.0.1:9" } }, { onIdle: () => {} }),
    (v) => v.close(),
  );
  relay = resources.track(await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars({ twilioUrl: standIns.twilioUrl, vmUrl: vm.url }, [USER]) }), (r) => r.stop());
  browser = await resources.track(launchChromium(), (b) => b.close());
}, 180_000);

const vmCall = (method: string, path: string, body: unknown) =>
  fetch(`${vm.url}${path}`, { method, headers: { authorization: `Bearer ${STAND_IN_CREDENTIALS.vmToken}`, "content-type": "application/json" }, body: JSON.stringify(body) });

async function received(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = (await standIns.sentMessages()).find((m) => m.to === `whatsapp:${USER}` && m.body && pattern.test(m.body));
    if (found?.body) return found.body;
    if (Date.now() > until) throw new Error(`no message to ${USER} matching ${pattern}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it("opens the conversation's app from the /preview link at 390 px, and reloads when its file changes", async () => {
  expect((await vmCall("POST", VM_ROUTES.workspaces, { userId: USER, workspace: "main" })).status).toBe(201);
  const dir = workspaceDirOf(userPathsOf(dataDir, USER), "main");
  for (const [name, text] of [["dev-server.js", DEV_SERVER], ["index.html", "<h1>Hello from the phone</h1>"]] as const) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o666);
  }
  const started = (await (await vmCall("POST", VM_ROUTES.workspacePreview("main", USER), { command: "node dev-server.js", port: PORT })).json()) as { kept: { port: number } | null; problem?: string };
  expect(started.problem).toBeUndefined();
  expect(started.kept?.port).toBe(PORT);

  const url = `${relay.url}/twilio/inbound`;
  const { body, headers } = signedPost(url, inboundForm({ phone: USER, text: "/preview", sid: messageSid(1) }, STAND_IN_CREDENTIALS.accountSid), STAND_IN_CREDENTIALS.authToken);
  expect((await fetch(url, { method: "POST", body, headers })).status).toBe(200);
  const link = /(http:\/\/127\.0\.0\.1:\d+\/p\/[A-Za-z0-9_-]{88}\/)/.exec(await received(/\/p\//))?.[1] ?? "";
  expect(link).not.toBe("");

  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  try {
    const sockets: string[] = [];
    page.on("websocket", (socket) => sockets.push(socket.url()));
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.locator("h1").innerText()).toBe("Hello from the phone");
    expect(await page.evaluate(() => window.innerWidth)).toBe(390);
    await expect.poll(() => sockets.length).toBe(1);
    expect(sockets[0]).toBe(`${link.replace("http:", "ws:")}__reload`);
    // Hot reload: the file changes in the workspace, the dev server says so over the socket, the page reloads.
    writeFileSync(join(dir, "index.html"), "<h1>Changed by the agent</h1>");
    await expect.poll(() => page.locator("h1").innerText(), { timeout: 15_000 }).toBe("Changed by the agent");
  } finally {
    await page.close();
  }
  await vmCall("DELETE", VM_ROUTES.workspacePreview("main", USER), {});
});

it("loads an app's absolute paths under the link, and carries its WebSocket at an absolute path", async () => {
  // The same conversation as above, whose preview that test ended: this app is now its kept server.
  const dir = workspaceDirOf(userPathsOf(dataDir, USER), "main");
  writeFileSync(join(dir, "abs-server.js"), ABSOLUTE_SERVER);
  chmodSync(join(dir, "abs-server.js"), 0o666);
  const started = (await (await vmCall("POST", VM_ROUTES.workspacePreview("main", USER), { command: "node abs-server.js", port: PORT + 1 })).json()) as { kept: { port: number } | null; problem?: string };
  expect(started.problem).toBeUndefined();

  const url = `${relay.url}/twilio/inbound`;
  const { body, headers } = signedPost(url, inboundForm({ phone: USER, text: "/preview", sid: messageSid(2) }, STAND_IN_CREDENTIALS.accountSid), STAND_IN_CREDENTIALS.authToken);
  expect((await fetch(url, { method: "POST", body, headers })).status).toBe(200);
  const link = /(http:\/\/127\.0\.0\.1:\d+\/p\/[A-Za-z0-9_-]{88}\/)/.exec(await received(new RegExp(`port ${PORT + 1}`)))?.[1] ?? "";
  expect(link).not.toBe("");

  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  try {
    const sockets: string[] = [];
    page.on("websocket", (socket) => sockets.push(socket.url()));
    expect((await page.goto(link))?.status()).toBe(200);
    // /style.css and /app.js came through the link (sent under it by their Referer), and the app's
    // WebSocket at /__hmr (no Referer: the link's cookie) reached its server, which greeted it.
    await expect.poll(() => page.evaluate(() => document.body.dataset.js)).toBe("ran");
    expect(await page.locator("h1").evaluate((h) => getComputedStyle(h).color)).toBe("rgb(1, 2, 3)");
    await expect.poll(() => page.evaluate(() => document.body.dataset.hmr), { timeout: 15_000 }).toBe("hello");
    expect(sockets).toEqual([`${new URL(link).origin.replace("http:", "ws:")}/__hmr`]);
  } finally {
    await page.close();
  }
  await vmCall("DELETE", VM_ROUTES.workspacePreview("main", USER), {});
});
