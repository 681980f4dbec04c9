// gh's way to GitHub through the credential proxy's Unix socket (gh's `http_unix_socket`):
// requests shaped as gh sends them (plain HTTP, the real host in `Host`, `authorization: token
// <whatever gh holds>`). The proxy knows the sender by its process (SO_PEERCRED): a registered
// agent (here this test's own process) with a live run. The API hosts get the VM's token in place
// of what gh sent, download hosts none, any other host and any absolute URL 403; a process of no
// agent, or an agent between runs, 401 whatever token it presents.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startCredentialProxy, type CredentialProxy } from "../src/credentials/credential-proxy";
import { GH_PLACEHOLDER_TOKEN } from "../src/core/credential-proxy";
import { tempDir } from "./helpers/temp-dir";

const GITHUB_TOKEN = "ghp_socketTest0123456789";
const seen: Array<{ host: string | undefined; path: string | undefined; authorization: string | undefined }> = [];
let github: Server;
let proxy: CredentialProxy;
beforeAll(async () => {
  github = createServer((req, res) => {
    seen.push({ host: req.headers.host, path: req.url, authorization: req.headers.authorization });
    res.writeHead(200, { "content-type": "application/json" }).end('{"login":"octocat"}');
  });
  await new Promise<void>((resolve) => github.listen(0, "127.0.0.1", resolve));
  proxy = await startCredentialProxy({
    cliEnv: {},
    gitLines: [],
    githubToken: GITHUB_TOKEN,
    socketDir: tempDir("gh-proxy-"),
    ghOrigin: `http://127.0.0.1:${(github.address() as AddressInfo).port}`,
  });
});
afterAll(async () => {
  await proxy?.close();
  await new Promise((resolve) => github?.close(resolve));
});

function ask(host: string, path: string, token: string | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host, ...(token ? { authorization: `token ${token}` } : {}) };
    const req = request({ socketPath: proxy.ghSocket ?? "", path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

it("swaps what gh sent for the VM's token on GitHub's API for an agent's process, and passes nothing else", async () => {
  let live = true;
  const reach = { userKey: "u", cwd: "/data/u/main", asks: true };
  // A token granted for the model is no way in, nor any token at all: the process is.
  const { token } = proxy.grant(() => true);
  expect(await ask("api.github.com", "/user", token)).toBe(401);
  const unregister = proxy.registerAgent(process.pid, { ids: null, runOf: () => (live ? reach : null) });
  try {
    expect(await ask("api.github.com", "/user?x=1", GH_PLACEHOLDER_TOKEN)).toBe(200);
    expect(seen.at(-1)).toEqual({ host: "api.github.com", path: "/user?x=1", authorization: `token ${GITHUB_TOKEN}` });
    expect(await ask("api.github.com", "/user", null)).toBe(200);
    expect(await ask("objects.githubusercontent.com", "/blob", GH_PLACEHOLDER_TOKEN)).toBe(200);
    expect(seen.at(-1)).toEqual({ host: "objects.githubusercontent.com", path: "/blob", authorization: undefined });

    const forwarded = seen.length;
    expect(await ask("evil.example", "/", GH_PLACEHOLDER_TOKEN)).toBe(403);
    expect(await ask("github.com", "/login", GH_PLACEHOLDER_TOKEN)).toBe(403);
    expect(await ask("api.github.com", "http://evil.example/user", GH_PLACEHOLDER_TOKEN)).toBe(403);
    live = false;
    expect(await ask("api.github.com", "/user", GH_PLACEHOLDER_TOKEN)).toBe(401);
    expect(seen.length).toBe(forwarded);
  } finally {
    unregister();
  }
  expect(await ask("api.github.com", "/user", GITHUB_TOKEN)).toBe(401);
});
