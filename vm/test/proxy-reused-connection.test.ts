// An upstream may close an idle keep-alive connection just as the credential proxy sends the next
// request on it (the race Node's `reusedSocket` documents): the request is reset before any answer.
// Seen in the full suite as a clone refused with 502 (`GET …/info/refs`, ECONNRESET, reused). A
// request with no body (GET, HEAD: git's `info/refs`, gh's reads) goes once more on a new
// connection; one with a body is never sent twice, streamed on or read whole by a gate (gh's
// `POST …/pulls`). The upstream here hangs up every request that comes on a connection it already
// answered one on.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { credentialLinesOf } from "../src/core/git-credentials";
import { startCredentialProxy, type CredentialProxy } from "../src/credentials/credential-proxy";
import { createGithubGate } from "../src/github/github-gate";
import { userPathsOfKey, workspaceDirOf } from "../src/users/user-paths";
import { tempDir } from "./helpers/temp-dir";

let upstream: Server;
let origin = "";
/** What the upstream saw: each request, and whether it came on a connection it had answered on. */
const seen: Array<{ method: string; path: string; reused: boolean }> = [];
let proxy: CredentialProxy;
let unregister = () => {};
/** What the agent's git or gh sends: the proxy judges the process, not this. */
const token = "anything";
const USER_KEY = "a".repeat(64);

beforeAll(async () => {
  const answered = new WeakSet<object>();
  upstream = createServer((req, res) => {
    const reused = answered.has(req.socket);
    seen.push({ method: req.method ?? "", path: req.url ?? "", reused });
    req.resume();
    if (reused) return void req.socket.destroy();
    req.on("end", () => {
      answered.add(req.socket);
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`served ${req.method}`);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const { lines } = credentialLinesOf({ gitCredentials: origin.replace("http://", "http://alice:secret-pass@") });
  // gh's API goes to the same upstream; the token's run is in a conversation of acme/api.
  const gate = createGithubGate({ githubUrl: "https://github.com", dataDir: "/data", repos: { of: () => [{ workspace: "api", repo: "acme/api", branch: "main", defaultBranch: "main" }] } });
  proxy = await startCredentialProxy({ cliEnv: {}, gitLines: lines, githubToken: "ghp_vm", ghOrigin: origin, github: gate, socketDir: tempDir("proxy-") });
  // The requests come from this process, registered as the agent of a run in a conversation of acme/api.
  unregister = proxy.registerAgent(process.pid, { ids: null, runOf: () => ({ userKey: USER_KEY, cwd: workspaceDirOf(userPathsOfKey("/data", USER_KEY), "api"), asks: true }) });
});
afterAll(async () => {
  unregister();
  await proxy?.close();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
});

const host = () => origin.slice("http://".length);
const refs = () =>
  fetch(`${proxy.baseUrl}/git/${host()}/repo.git/info/refs?service=git-upload-pack`, { headers: { authorization: `Bearer ${token}` } });
const uploadPack = (body: string) =>
  fetch(`${proxy.baseUrl}/git/${host()}/repo.git/git-upload-pack`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/x-git-upload-pack-request" },
    body,
  });

it("sends a request with no body once more on a new connection when the reused one is reset before any answer", async () => {
  seen.length = 0;
  const first = await refs();
  expect([first.status, await first.text()]).toEqual([200, "served GET"]);
  // The proxy keeps that connection and sends the next request on it; the upstream hangs up.
  const second = await refs();
  expect([second.status, await second.text()]).toEqual([200, "served GET"]);
  expect(seen.map((s) => s.reused)).toEqual([false, true, false]);
  expect(new Set(seen.map((s) => s.path))).toEqual(new Set(["/repo.git/info/refs?service=git-upload-pack"]));
});

it("never sends twice a request whose body it streamed: a reset before any answer is a 502", async () => {
  seen.length = 0;
  const warm = await refs();
  await warm.text();
  const refused = await uploadPack("0032want 0123456789012345678901234567890123456789\n00000009done\n");
  expect(refused.status).toBe(502);
  expect(await refused.json()).toEqual({ type: "error", error: { type: "api_error", message: "the credential proxy could not reach the upstream" } });
  expect(seen.filter((s) => s.method === "POST")).toEqual([{ method: "POST", path: "/repo.git/git-upload-pack", reused: true }]);
});

/** A request as gh sends it over the proxy's socket. */
function gh(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers = { host: "api.github.com", authorization: `token ${token}`, "content-type": "application/json", ...(text ? { "content-length": Buffer.byteLength(text) } : {}) };
    const req = request({ socketPath: proxy.ghSocket ?? "", method, path, headers }, (res) => {
      let data = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (data += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: data }));
    });
    req.on("error", reject);
    req.end(text);
  });
}

it("never sends twice a body a gate read whole (gh's POST …/pulls): a reset before any answer is a 502", async () => {
  seen.length = 0;
  expect(await gh("GET", "/repos/acme/api")).toEqual({ status: 200, text: "served GET" });
  const opened = await gh("POST", "/repos/acme/api/pulls", { title: "Change", head: "agent/api", base: "main" });
  expect(opened.status).toBe(502);
  expect(seen.filter((s) => s.method === "POST")).toEqual([{ method: "POST", path: "/repos/acme/api/pulls", reused: true }]);
  // gh's reads are still sent once more.
  expect(await gh("GET", "/repos/acme/api/pulls")).toEqual({ status: 200, text: "served GET" });
  seen.length = 0;
  expect(await gh("GET", "/repos/acme/api/pulls")).toEqual({ status: 200, text: "served GET" });
  expect(seen.map((s) => s.reused)).toEqual([true, false]);
});
