// The VM's own clones (a workspace cloned for the relay) reach a credential host through the
// credential proxy with a token of the clone, which the checkout never keeps: its origin is the
// URL asked for, and no token or credential is in its git config. A revoked token clones nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { credentialLinesOf } from "../src/core/git-credentials";
import { repoLocationOf } from "../src/core/server-git-scope";
import { startCredentialProxy, type CredentialProxy } from "../src/credentials/credential-proxy";
import { runClone } from "../src/git/git-clone";
import { git, makeBareRepo } from "./helpers/git-repo";
import { startGitHttpServer, type GitHttpServer } from "./helpers/git-http-server";
import { tempDir } from "./helpers/temp-dir";

const PASSWORD = "clone-pass-0123456789";
let host: GitHttpServer;
let proxy: CredentialProxy;
let bare: string;
beforeAll(async () => {
  bare = makeBareRepo({ "README.md": "hello\n" });
  host = await startGitHttpServer(join(bare, ".."), "alice", PASSWORD);
  const { lines } = credentialLinesOf({ gitCredentials: host.origin.replace("http://", `http://alice:${PASSWORD}@`) });
  proxy = await startCredentialProxy({ cliEnv: {}, gitLines: lines, socketDir: tempDir("proxy-") });
});
afterAll(async () => {
  await proxy?.close();
  await host?.close();
});

const clone = (target: string, token: string) =>
  runClone({
    source: { kind: "https", url: `${host.origin}/repo.git` },
    target,
    home: tempDir("clone-home-"),
    ids: null,
    proxyConfig: proxy.gitConfigPairs(token),
    allowLocal: false,
    timeoutMs: 30_000,
    maxBytes: 64 * 1024 * 1024,
  });

/** A token of the server's own fetch of the host's repository, as the VM's clone takes. */
const fetchGrant = () => proxy.grantServer({ kind: "fetch", ...repoLocationOf(`${host.origin}/repo.git`)! }, Date.now() + 60_000);

it("clones with the credential the proxy adds, and keeps neither it nor the token", async () => {
  const grant = fetchGrant();
  const target = join(tempDir("clone-"), "w");
  const outcome = await clone(target, grant.token);
  grant.revoke();
  expect(outcome).toEqual({ ok: true });
  expect(readFileSync(join(target, "README.md"), "utf8")).toBe("hello\n");
  expect(git(target, "remote", "get-url", "origin")).toBe(`${host.origin}/repo.git`);
  const config = readFileSync(join(target, ".git", "config"), "utf8");
  expect(config).not.toContain(grant.token);
  expect(config).not.toContain(PASSWORD);
  expect(host.requests.length).toBeGreaterThan(0);
  expect(host.requests.every((r) => r.authorization === `Basic ${Buffer.from(`alice:${PASSWORD}`).toString("base64")}`)).toBe(true);
});

it("clones nothing with a revoked token, nor with an agent's token (the model's only): the proxy answers 401 and the host is never asked", async () => {
  const grant = fetchGrant();
  grant.revoke();
  const asked = host.requests.length;
  const outcome = await clone(join(tempDir("clone-"), "w"), grant.token);
  expect(outcome).toMatchObject({ ok: false, reason: "auth_refused" });
  const model = proxy.grant(() => true);
  expect(await clone(join(tempDir("clone-"), "w"), model.token)).toMatchObject({ ok: false, reason: "auth_refused" });
  model.revoke();
  expect(host.requests.length).toBe(asked);
});
