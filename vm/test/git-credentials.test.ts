// The operator's git credentials reach git's hosts through the VM's credential proxy and never
// the agent: its git clones and pushes with them (the proxy adds them), while `git credential
// fill`, its files, environment and command line, and gh's files hold none, nor any token of the
// proxy's: git and gh are known to the proxy by their process. Real CLI, real git.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { GH_PLACEHOLDER_TOKEN } from "../src/core/credential-proxy";
import { userPathsOf } from "../src/users/user-paths";
import { git, makeBareRepo } from "./helpers/git-repo";
import { startGitHttpServer, type GitHttpServer } from "./helpers/git-http-server";
import { processesIn, resultsOf, startHarness, type Harness } from "./helpers/harness";

const TOKEN = "ghp_offlineTestToken0123456789";
const PASSWORD = "s3cret-pass-0123456789";
const userId = "+15550001008";
const hasGh = spawnSync("gh", ["--version"]).status === 0;

let host: GitHttpServer;
let h: Harness;
let bare: string;
beforeAll(async () => {
  bare = makeBareRepo({ "README.md": "hello\n" });
  host = await startGitHttpServer(join(bare, ".."), "alice", PASSWORD);
  h = await startHarness({ githubToken: TOKEN, gitCredentials: `${host.origin.replace("http://", "http://alice:" + PASSWORD + "@")}\n` });
});
afterAll(async () => {
  await h?.close();
  await host?.close();
});

/** An HTTP request over gh's socket, as gh makes it with `http_unix_socket`. */
function overGhSocket(socket: string, hostHeader: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path: "/user", headers: { host: hostHeader, authorization: `token ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

it("clones and pushes through the proxy, which adds the credential; the agent holds none", async () => {
  const paths = userPathsOf(h.dataDir, userId);
  const fill = (name: string) => `printf 'protocol=http\\nhost=${name}\\n\\n' | git credential fill`;
  const command = [
    "{ echo REWRITES; git config --get-regexp '^url\\.'",
    "echo HEADER; git config --get-regexp '^http\\..*\\.extraheader'",
    `echo FILL; ${fill(host.host)}`,
    `echo GITHUB; printf 'protocol=https\\nhost=github.com\\n\\n' | git credential fill`,
    `echo CLONE; git clone -q ${host.origin}/repo.git c && cd c && echo more > more.txt && git add more.txt && git commit -qm more && git push -q origin HEAD:trunk && echo PUSHED; cd ..`,
    "echo IDENTITY; git config user.name; git config user.email",
    "echo GH; command -v gh >/dev/null && gh auth token",
    "echo ENV; env; } > out.txt 2>&1",
  ].join("; ");
  const gitIdentity = { name: "Ada Lovelace", email: "ada@example.com" };
  const options = { permissionMode: "bypassPermissions" } as const;
  const events = await (await h.startRun({ userId, gitIdentity, options, text: `[[tool Bash ${JSON.stringify({ command })}]]` })).end();
  expect(resultsOf(events)[0]?.isError).toBe(false);
  const out = readFileSync(join(paths.workspace, "out.txt"), "utf8");
  const section = (name: string) => out.split(`${name}\n`)[1]?.split(/\n[A-Z]+\n/)[0] ?? "";

  // git rewrites the hosts' URLs to the proxy; `credential fill` finds nothing to give.
  expect(section("REWRITES")).toMatch(/^url\.http:\/\/127\.0\.0\.1:\d+\/git\/github\.com\/\.insteadof https:\/\/github\.com\/$/m);
  expect(section("REWRITES")).toContain(`/${host.host}/.insteadof ${host.origin}/`);
  // No header of a token for the proxy: it knows the agent's git by its process.
  expect(out).toMatch(/^HEADER\nFILL$/m);
  expect(section("FILL")).not.toContain("password=");
  expect(section("GITHUB")).not.toContain("password=");
  expect(section("CLONE")).toContain("PUSHED");
  expect(git(bare, "log", "-1", "--format=%s", "trunk")).toBe("more");
  // The host saw the operator's credential on every request that reached it, through the proxy.
  expect(host.requests.length).toBeGreaterThan(0);
  expect(new Set(host.requests.map((r) => r.authorization))).toEqual(new Set([`Basic ${Buffer.from(`alice:${PASSWORD}`).toString("base64")}`]));
  expect(section("IDENTITY")).toBe("Ada Lovelace\nada@example.com");
  if (hasGh) expect(section("GH").trim()).not.toBe(TOKEN);
  const env = out.split("ENV\n")[1] ?? "";
  expect(env).toContain("GIT_AUTHOR_NAME=Ada Lovelace");

  // Nothing of either secret in anything the agent wrote or could read: its output, its home
  // (git and gh config included), the data dir's files, the warm CLI's environment and command line.
  expect(existsSync(join(h.dataDir, ".secrets"))).toBe(false);
  const filesUnder = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return filesUnder(path);
      return entry.isFile() ? [path] : [];
    });
  const readable = [join(paths.workspace, "out.txt"), ...filesUnder(paths.home), ...filesUnder(join(h.dataDir, ".runs"))];
  for (const pid of processesIn(paths.workspace)) readable.push(`/proc/${pid}/environ`, `/proc/${pid}/cmdline`);
  for (const path of readable) {
    const text = readFileSync(path, "utf8");
    expect(text, path).not.toContain(TOKEN);
    expect(text, path).not.toContain(PASSWORD);
  }

  // gh's file: the proxy's socket; gh's GH_TOKEN is the same placeholder for every process, no
  // secret: no file of the HOME nor any environment holds a token that speaks for a run.
  expect(existsSync(join(paths.home, ".config", "gh", "hosts.yml"))).toBe(false);
  const config = readFileSync(join(paths.home, ".config", "gh", "config.yml"), "utf8");
  const socket = /http_unix_socket: "([^"]+)"/.exec(config)?.[1] ?? "";
  const processToken = /^GH_TOKEN=(.*)$/m.exec(env)?.[1] ?? "";
  expect(socket).toBe(join(h.dataDir, ".proxy", "gh.sock"));
  expect(processToken).toBe(GH_PLACEHOLDER_TOKEN);
  expect(env).not.toMatch(/^GIT_CONFIG_/m);
  // From this test's process (no agent's), no token opens anything: the placeholder, the VM's own.
  expect(await overGhSocket(socket, "api.github.com", processToken)).toBe(401);
  expect(await overGhSocket(socket, "api.github.com", TOKEN)).toBe(401);
});
