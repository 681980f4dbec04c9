// git never walks above a workspace: with the VM's data folder inside a repository of its own (the
// local stack's, inside the relay's clone), a workspace whose `.git` the agent removed is no
// repository to the VM's git. /ship refuses it as such, and nothing of the outer repository (its
// history, its index) is read or written for it.
import { execFileSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGithubEmulator, type RunningGithubEmulator } from "../../emulator/github/server";
import { ShipRefusalSchema } from "../../src/protocol/vm/ship";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { startHarness, type Harness } from "./helpers/harness";

const VM_GITHUB_TOKEN = "ghp_ceilingOperator0123456789";
const userId = "+15550004801";
let github: RunningGithubEmulator;
let h: Harness;

const outerGit = (...args: string[]) => execFileSync("git", ["-C", h.dataDir, "-c", "user.name=outer", "-c", "user.email=outer@example.invalid", ...args], { encoding: "utf8" });

beforeAll(async () => {
  github = await startGithubEmulator({ accounts: [{ login: "operator", token: VM_GITHUB_TOKEN }], repos: [{ owner: "operator", name: "app", files: { "README.md": "app\n" } }] });
  h = await startHarness({ githubToken: VM_GITHUB_TOKEN, githubUrl: github.url, githubApiBase: github.apiUrl, warmSessionMs: 0 });
  // The data folder is a repository with a history of its own, readable by all (as a clone is).
  outerGit("init", "-q");
  writeFileSync(join(h.dataDir, "OUTER.md"), "the relay's own file\n");
  outerGit("add", "OUTER.md");
  outerGit("commit", "-qm", "outer history");
  expect((await h.call("POST", "/v1/workspaces", { userId, workspace: "api", clone: { url: `${github.url}/operator/app.git` } })).status).toBe(201);
});
afterAll(async () => {
  await h?.close();
  await github?.close();
});

it("a workspace whose .git the agent removed is no repository to /ship, whatever folder above it is one", async () => {
  const outerIndex = statSync(join(h.dataDir, ".git", "index")).mtimeMs;
  const events = await (await h.startRun({ userId, workspace: "api", text: `[[tool Bash ${JSON.stringify({ command: "rm -rf .git && echo new > new.txt" })}]]`, options: { permissionMode: "bypassPermissions" } })).end();
  expect(events.at(-1)?.type).toBe("done");
  const preview = await h.call("POST", VM_ROUTES.workspaceShipPreview("api", userId), {});
  const body: unknown = await preview.json();
  expect(ShipRefusalSchema.parse(body)).toMatchObject({ reason: "no_github_remote", message: "This conversation's workspace is no longer a git repository." });
  expect(JSON.stringify(body)).not.toContain("outer");
  // The outer repository is as it was: one commit, its index untouched.
  expect(outerGit("log", "--format=%s")).toBe("outer history\n");
  expect(statSync(join(h.dataDir, ".git", "index")).mtimeMs).toBe(outerIndex);
  expect(readFileSync(join(h.dataDir, "OUTER.md"), "utf8")).toBe("the relay's own file\n");
});
