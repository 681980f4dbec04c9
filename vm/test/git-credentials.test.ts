// The operator's git credentials reach the agent's git (and gh) through a credential helper,
// never its environment, a command line or the run's events: seen with the real CLI and git.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { userPathsOf } from "../src/user-paths";
import { IS_ROOT, processesIn, resultsOf, useHarness } from "./helpers/harness";

const TOKEN = "ghp_offlineTestToken0123456789";
const PASSWORD = "s3cret-pass-0123456789";
const h = useHarness({ githubToken: TOKEN, gitCredentials: `https://alice:${PASSWORD}@git.test.example\n` });
const userId = "+15550001008";
const hasGh = spawnSync("gh", ["--version"]).status === 0;

const fill = (host: string) => `printf 'protocol=https\\nhost=${host}\\n\\n' | git credential fill`;
const command = [
  "{ echo HELPER; git config --get credential.helper",
  `echo FILL; ${fill("git.test.example")}`,
  // A refused login: git's store helper would erase the line from the shared file.
  `printf 'protocol=https\\nhost=git.test.example\\nusername=alice\\npassword=${PASSWORD}\\n\\n' | git credential reject`,
  `echo AGAIN; ${fill("git.test.example")}`,
  `echo GITHUB; ${fill("github.com")}`,
  "echo IDENTITY; git config user.name; git config user.email",
  "echo GH; command -v gh >/dev/null && gh auth token",
  "echo ENV; env; } > out.txt 2>&1",
].join("; ");

it("gives git and gh the credentials through a helper, and the agent's environment none", async () => {
  const paths = userPathsOf(h.dataDir, userId);
  const gitIdentity = { name: "Ada Lovelace", email: "ada@example.com" };
  const options = { permissionMode: "bypassPermissions" } as const;
  const events = await (await h.startRun({ userId, gitIdentity, options, text: `[[tool Bash ${JSON.stringify({ command })}]]` })).end();
  expect(resultsOf(events)[0]?.isError).toBe(false);
  const out = readFileSync(join(paths.workspace, "out.txt"), "utf8");
  const section = (name: string) => out.split(`${name}\n`)[1]?.split(/\n[A-Z]+\n/)[0] ?? "";

  expect(section("HELPER")).toContain("git credential-store --file");
  expect(section("FILL")).toContain(`username=alice\npassword=${PASSWORD}`);
  expect(section("AGAIN")).toContain(`password=${PASSWORD}`);
  expect(section("GITHUB")).toContain(`username=x-access-token\npassword=${TOKEN}`);
  expect(section("IDENTITY")).toBe("Ada Lovelace\nada@example.com");
  if (hasGh) expect(section("GH").trim()).toBe(TOKEN);
  const env = out.split("ENV\n")[1] ?? "";
  expect(env).toContain("GIT_AUTHOR_NAME=Ada Lovelace");
  expect(env).not.toContain(TOKEN);
  expect(env).not.toContain(PASSWORD);

  // The files: the shared one unchanged by `reject`, the user's own, gh's. The shared one is read
  // by every agent by design: 711/644 when each agent has a uid of its own (a root VM), else 700/600.
  const file = join(h.dataDir, ".secrets", "git-credentials");
  expect(statSync(join(h.dataDir, ".secrets")).mode & 0o777).toBe(IS_ROOT ? 0o711 : 0o700);
  expect(statSync(file).mode & 0o777).toBe(IS_ROOT ? 0o644 : 0o600);
  expect(readFileSync(file, "utf8")).toBe(`https://x-access-token:${TOKEN}@github.com\nhttps://alice:${PASSWORD}@git.test.example\n`);
  const hosts = join(paths.home, ".config", "gh", "hosts.yml");
  expect(statSync(hosts).mode & 0o777).toBe(0o600);
  expect(readFileSync(hosts, "utf8")).toContain(`oauth_token: "${TOKEN}"`);

  // Nor in the warm CLI's environment or command line, nor in any event or run log.
  const pids = processesIn(paths.workspace);
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) {
    const seen = readFileSync(`/proc/${pid}/environ`, "utf8") + readFileSync(`/proc/${pid}/cmdline`, "utf8");
    expect(seen).not.toContain(TOKEN);
    expect(seen).not.toContain(PASSWORD);
  }
  for (const name of readdirSync(join(h.dataDir, ".runs"))) {
    const log = readFileSync(join(h.dataDir, ".runs", name), "utf8");
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain(PASSWORD);
  }
});
