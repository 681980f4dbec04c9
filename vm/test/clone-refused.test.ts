// The clone policy as the relay meets it (the default VM, no ALLOW_LOCAL_CLONES): local paths,
// file://, remote helpers, options and credentials in URLs are refused before git runs, with
// `url_refused`, and nothing is left on disk.
import { existsSync, readdirSync } from "node:fs";
import { expect, it } from "vitest";
import { WorkspaceErrorSchema } from "../../src/protocol/vm/workspaces";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { makeBareRepo } from "./helpers/git-repo";
import { useHarness } from "./helpers/harness";

const h = useHarness();
const userId = "+15550001006";
const repo = makeBareRepo({ "README.md": "# app\n" });

const refused: Array<[string, string | undefined]> = [
  [repo, undefined],
  [`file://${repo}`, undefined],
  ["ext::sh -c touch% /tmp/pwned", undefined],
  ["ssh://-oProxyCommand=touch%20/tmp/pwned/x", undefined],
  ["-uhost:a/b", undefined],
  ["https://alice:hunter2-secret@git.example.com/a/b.git", undefined],
  ["https://github.com/octocat/Hello-World.git", "--upload-pack=touch /tmp/pwned"],
];

for (const [url, branch] of refused) {
  it(`refuses ${url}${branch ? ` on branch ${branch}` : ""} and leaves nothing`, async () => {
    const res = await h.call("POST", "/v1/workspaces", { userId, workspace: "w1", clone: { url, branch } });
    expect(res.status).toBe(400);
    const body = WorkspaceErrorSchema.parse(await res.json());
    expect(body.reason).toBe("url_refused");
    expect(body.message).not.toContain("hunter2");
    const paths = userPathsOf(h.dataDir, userId);
    expect(existsSync(workspaceDirOf(paths, "w1"))).toBe(false);
    expect(existsSync(paths.root) ? readdirSync(paths.root).filter((n) => n.startsWith(".clone-")) : []).toEqual([]);
  });
}

it("answers 400 bad_request to a workspace id outside the protocol's pattern", async () => {
  for (const workspace of ["../etc", "Main", "-x", "a".repeat(41), ""]) {
    const res = await h.call("POST", "/v1/workspaces", { userId, workspace });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "bad_request" });
  }
  expect(existsSync(userPathsOf(h.dataDir, userId).root)).toBe(false);
});

it("needs the token like every /v1 route", async () => {
  expect((await h.call("POST", "/v1/workspaces", { userId, workspace: "w2" }, null)).status).toBe(401);
  expect((await h.call("DELETE", `/v1/workspaces/w2?userId=${encodeURIComponent(userId)}`, undefined, "wrong-token-000000")).status).toBe(401);
});
