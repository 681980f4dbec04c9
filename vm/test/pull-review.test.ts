// A review from the phone also posted on the conversation's pull request: the relay's
// postPullRequestReview, through the real VM client and the real VM, to the GitHub stand-in. The
// review lands as one review on its file, side and line; a whole-file comment goes into its text; a
// line outside the pull request's diff is named and nothing is posted; a pull request /ship did not
// open is not reviewed; a bad body is refused.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGithubEmulator, type RunningGithubEmulator } from "../../emulator/github/server";
import type { ReviewComment } from "../../src/protocol/review-comments";
import { ShipDoneSchema } from "../../src/protocol/vm/ship";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { createVmClient } from "../../src/machines/vm-client";
import { postPullRequestReview, type PullRequestReviewDeps } from "../../src/github/pull-request-review";
import { startHarness, TOKEN, type Harness } from "./helpers/harness";

const VM_GITHUB_TOKEN = "ghp_reviewOperator0123456789";
const userId = "+15550000360";
const conversation = { id: 7, workspace: "api" };
let github: RunningGithubEmulator;
let h: Harness;
let pullNumber = 0;

beforeAll(async () => {
  github = await startGithubEmulator({
    accounts: [{ login: "operator", token: VM_GITHUB_TOKEN }],
    repos: [{ owner: "operator", name: "app", files: { "src/add.js": "function add(a, b) {\n  return a - b;\n}\n", "README.md": "app\n" } }],
  });
  h = await startHarness({ githubToken: VM_GITHUB_TOKEN, githubUrl: github.url, githubApiBase: github.apiUrl, warmSessionMs: 0 });
  expect((await h.call("POST", "/v1/workspaces", { userId, workspace: "api", clone: { url: `${github.url}/operator/app.git` } })).status).toBe(201);
  // The agent's change, then /ship: pull request #1, the conversation's.
  const command = "printf 'function add(a, b) {\\n  // the sum\\n  return a + b;\\n}\\n' > src/add.js";
  await (await h.startRun({ userId, workspace: "api", text: `[[tool Bash ${JSON.stringify({ command })}]]` })).end();
  const shipped = await h.call("POST", VM_ROUTES.workspaceShip("api", userId), { title: "Fix add" });
  expect(shipped.status).toBe(200);
  pullNumber = ShipDoneSchema.parse(await shipped.json()).pull.number;
});
afterAll(async () => {
  await h?.close();
  await github?.close();
});

const comment = (c: Partial<ReviewComment>): ReviewComment => ({ file: "src/add.js", side: "new", line: 3, lineText: "  return a + b;", body: "ok", change: "run 1 · 14:02", ...c });
const logged: string[] = [];
// In this project's Node, fetch's answers are not `instanceof` the global Response the client checks
// for (as in workerd, where it runs): each is handed over as one.
const relayFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  return new Response(res.body, { status: res.status, headers: res.headers });
};
const deps = (pull: number | null, vm: PullRequestReviewDeps["vm"] = createVmClient({ vmUrl: h.vm.url, vmToken: TOKEN }, relayFetch)): PullRequestReviewDeps => ({
  vm,
  phone: userId,
  pulls: { openOf: (id) => (id === conversation.id && pull !== null ? { number: pull } : null) },
  log: (event, fields) => void logged.push(`${event} ${JSON.stringify(fields)}`),
});

it("posts the comments as one review: each on its file, side and line, a whole-file comment in its text", async () => {
  const line = await postPullRequestReview(deps(pullNumber), conversation, [
    comment({ side: "old", line: 2, lineText: "  return a - b;", body: "keep the old name" }),
    comment({ side: "new", line: 2, lineText: "  // the sum", body: "say why" }),
    comment({ side: "file", line: null, lineText: "", body: "add a test for this file" }),
  ]);
  expect(line, logged.join("\n")).toMatch(new RegExp(`^Also posted on GitHub as a review of #${pullNumber}: 3 comments \\(1 whole-file comment in its text\\)\\.\\n.*/operator/app/pull/${pullNumber}#pullrequestreview-\\d+$`));
  const [review] = github.state.reviews;
  expect(github.state.reviews).toHaveLength(1);
  expect(review).toMatchObject({ number: pullNumber, user: "operator", state: "COMMENTED" });
  expect(review?.body).toContain("**`src/add.js`** (the whole file): add a test for this file");
  expect(github.state.reviewComments.map(({ path, side, line, body }) => ({ path, side, line, body }))).toEqual([
    { path: "src/add.js", side: "LEFT", line: 2, body: "keep the old name" },
    { path: "src/add.js", side: "RIGHT", line: 2, body: "say why" },
  ]);
});

it("names a line the pull request's diff does not contain, and posts nothing of the review", async () => {
  const line = await postPullRequestReview(deps(pullNumber), conversation, [comment({ line: 40, body: "far away" })]);
  expect(line).toBe(`⚠️ Not posted on GitHub (pull request #${pullNumber}): src/add.js, new line 40 is not in pull request #${pullNumber}'s diff on GitHub (GitHub takes a review whole, so none of it was posted there).`);
  const several = await postPullRequestReview(deps(pullNumber), conversation, [comment({}), comment({ file: "README.md", line: 1 })]);
  expect(several).toContain(`one of the 2 commented lines is not in pull request #${pullNumber}'s diff`);
  expect(github.state.reviews).toHaveLength(1);
});

it("reviews only a pull request this workspace's /ship opened; says nothing without one; says so without a VM", async () => {
  const other = await postPullRequestReview(deps(pullNumber + 5), conversation, [comment({})]);
  expect(other).toBe(`⚠️ Not posted on GitHub (pull request #${pullNumber + 5}): pull request #${pullNumber + 5} on operator/app was not opened by this conversation's /ship, so it was not reviewed.`);
  expect(await postPullRequestReview(deps(null), conversation, [comment({})])).toBeNull();
  expect(await postPullRequestReview(deps(pullNumber, null), conversation, [comment({})])).toBe(`⚠️ Not posted on GitHub (pull request #${pullNumber}): the agent VM did not answer. The agent has the review.`);
  expect(logged.some((l) => l.startsWith("pull_review_failed"))).toBe(true);
  expect(github.state.reviews).toHaveLength(1);
});

it("refuses a bad body (400) and an unknown workspace (404), posting nothing", async () => {
  const path = VM_ROUTES.workspacePullReview("api", userId);
  for (const body of [{ pull: pullNumber, comments: [] }, { pull: pullNumber, comments: [{ ...comment({}), side: "left" }] }, { pull: "1", comments: [comment({})] }]) {
    const res = await h.call("POST", path, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "bad_request" });
  }
  expect((await h.call("POST", VM_ROUTES.workspacePullReview("nope", userId), { pull: pullNumber, comments: [comment({})] })).status).toBe(404);
  expect((await h.call("POST", path, { pull: pullNumber, comments: [comment({})] }, null)).status).toBe(401);
  expect(github.state.reviews).toHaveLength(1);
});
