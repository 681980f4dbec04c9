// GET /v1/github/permission: the real VM asks the GitHub stand-in's collaborator permission API
// with its GITHUB_TOKEN (the relay holds none) whether an `/agent` comment's author may write, and
// keeps the answer five minutes.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGithubEmulator, type RunningGithubEmulator } from "../../emulator/github/server";
import { startHarness, type Harness } from "./helpers/harness";

const VM_GITHUB_TOKEN = "ghp_vmOperatorPermission0123";
let github: RunningGithubEmulator;
let h: Harness;

beforeAll(async () => {
  github = await startGithubEmulator({
    accounts: [{ login: "operator", token: VM_GITHUB_TOKEN }],
    repos: [{ owner: "operator", name: "app", private: true, collaborators: { writer: "write", reader: "read", admin2: "admin" } }],
  });
  h = await startHarness({ githubToken: VM_GITHUB_TOKEN, githubUrl: github.url, githubApiBase: github.apiUrl });
});
afterAll(async () => {
  await h?.close();
  await github?.close();
});

const permission = async (repo: string, user: string) => {
  const res = await h.call("GET", `/v1/github/permission?repo=${encodeURIComponent(repo)}&user=${encodeURIComponent(user)}`);
  return { status: res.status, body: (await res.json()) as unknown };
};

it.each([
  ["the owner", "operator", "admin"],
  ["a collaborator with write", "writer", "write"],
  ["an admin collaborator", "admin2", "admin"],
  ["a reader", "reader", "read"],
  ["a user GitHub does not know (404)", "ghost", null],
])("%s: %s", async (_name, user, expected) => {
  expect(await permission("operator/app", user)).toEqual({ status: 200, body: { permission: expected } });
});

it("a repository the token cannot see says nothing; malformed names are refused", async () => {
  expect(await permission("someone/else", "writer")).toEqual({ status: 200, body: { permission: null } });
  expect((await permission("operator/app", "bad name")).status).toBe(400);
  // A dot segment would be resolved away in the URL to GitHub: /repos/../etc/… is another path.
  for (const repo of ["../etc", "./x", "operator/..", "operator/.", "operator", "a/b/c"]) expect((await permission(repo, "writer")).status).toBe(400);
});

it("keeps an answer a few minutes: a permission taken away meanwhile still reads as it was", async () => {
  expect((await permission("operator/app", "writer")).body).toEqual({ permission: "write" });
  const repo = github.state.repos.get("operator/app")!;
  repo.collaborators = { ...repo.collaborators, writer: "read" };
  expect((await permission("operator/app", "writer")).body).toEqual({ permission: "write" });
  // Another user is asked afresh.
  repo.collaborators = { ...repo.collaborators, late: "write" };
  expect((await permission("operator/app", "late")).body).toEqual({ permission: "write" });
});
