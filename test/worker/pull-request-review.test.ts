// A review from the phone also posted on the conversation's pull request, from inside the user's
// object: postPullRequestReview with the object's own VM client and pull_requests rows, against the
// VM stand-in's …/pull-request-review. The chat's line says what GitHub took, or what failed; a
// conversation without a pull request gets no line and sends nothing.
import { exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, expect, it } from "vitest";
import type { ReviewComment } from "../../src/protocol/review-comments";
import { createPullRequestsRepo } from "../../src/github/pull-requests-repo";
import { createSql } from "../../src/shared/sql";
import type { VmClient } from "../../src/machines/vm-client";
import { postPullRequestReview } from "../../src/github/pull-request-review";
import { eventually, query, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";
import { TEST_ADMIN, TEST_PUBLIC_URL } from "./test-env";

// A repository of its own: the VM stand-in numbers pull requests per repository, across the project's tests.
const PHONE = "+15550000363";
beforeAll(async () => {
  await sendInbound(TEST_ADMIN, `/allow ${PHONE}`);
  await eventually(async () => (await sentTo(TEST_ADMIN)).some((m) => (m.body ?? "").startsWith(`Allowed ${PHONE}`) || (m.body ?? "").startsWith(`${PHONE} is already`)));
});

const nextMatching = (pattern: RegExp, after: number) => eventually(async () => (await sentTo(PHONE)).slice(after).find((m) => pattern.test(m.body ?? "")));
const comment = (c: Partial<ReviewComment>): ReviewComment => ({ file: "src/health.ts", side: "new", line: 3, lineText: "return ok;", body: "name it", change: "run 1 · 14:02", ...c });

/** The review posted from inside the object, as its "Send review" would. */
async function review(conversation: string, comments: ReviewComment[]): Promise<string | null> {
  const [row] = await query<{ id: number; workspace: string }>(PHONE, `SELECT id, workspace FROM conversations WHERE name = '${conversation}'`);
  return runInDurableObject(stubFor(PHONE), (agent, state) => {
    const vm = (agent as unknown as { u: { vm: VmClient | null } }).u.vm;
    return postPullRequestReview({ vm, phone: PHONE, pulls: createPullRequestsRepo(createSql(state.storage)), log: () => {} }, row!, comments);
  });
}

it("posts on the conversation's open pull request and says so; a line outside its diff is named; no pull request, no line", async () => {
  let before = (await sentTo(PHONE)).length;
  await sendInbound(PHONE, "/new api https://github.com/acme/phone-review.git");
  await nextMatching(/^Cloned /, before);
  expect(await review("api", [comment({})])).toBeNull();

  before = (await sentTo(PHONE)).length;
  await sendInbound(PHONE, "add a health endpoint [[vm:change src/health.ts +12 -0 added]]");
  await nextMatching(/changed, \+/, before);
  await eventually(async () => (await query<{ n: number }>(PHONE, "SELECT count(*) AS n FROM runs WHERE phase != 'finished'"))[0]?.n === 0);
  await sendInbound(PHONE, "/ship");
  await nextMatching(/^Push /, before);
  await sendInbound(PHONE, "yes");
  await nextMatching(/^🚀 Opened pull request #1/, before);

  const line = await review("api", [comment({}), comment({ side: "file", line: null, lineText: "", body: "needs a test" })]);
  expect(line).toBe("Also posted on GitHub as a review of #1: 2 comments (1 whole-file comment in its text).\nhttps://github.com/acme/phone-review/pull/1#pullrequestreview-1");
  const posted = (await vmRequests(PHONE)).filter((r) => r.kind === "pull-review");
  expect(posted.at(-1)).toMatchObject({ workspace: expect.any(String), status: 200, review: { pull: 1, comments: [{ file: "src/health.ts", side: "new", line: 3 }, { side: "file", line: null }] } });

  expect(await review("api", [comment({ line: 20_000 })])).toBe("⚠️ Not posted on GitHub (pull request #1): src/health.ts, new line 20000 is not in pull request #1's diff on GitHub (GitHub takes a review whole, so none of it was posted there).");
});

it("\"Send review\" on the page posts the same review on the open pull request, after the agent has it, and the chat says so once", async () => {
  // The conversation and pull request #1 of the test above.
  const [change] = await query<{ vmRunId: string }>(PHONE, "SELECT vm_run_id AS vmRunId FROM run_changes ORDER BY created_at DESC LIMIT 1");
  const before = (await sentTo(PHONE)).length;
  await sendInbound(PHONE, "/web");
  const link = (await nextMatching(/\/web\/[A-Za-z0-9_-]{22}/, before))!.body!.match(/\/web\/[A-Za-z0-9_-]{22}/)![0];
  const call = (path: string, body: unknown) =>
    exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${link}${path}`, { method: "POST", headers: { origin: TEST_PUBLIC_URL, "sec-fetch-site": "same-origin", "content-type": "application/json" }, body: JSON.stringify(body) }));
  const added = (await (await call("/review/comments", { changeId: change!.vmRunId, file: "src/health.ts", side: "new", line: 3, lineText: "return ok;", body: "say why" })).json()) as { draft: { id: string } };
  const posts = (await vmRequests(PHONE)).filter((r) => r.kind === "pull-review").length;
  expect((await call("/review/send", { draftId: added.draft.id })).status).toBe(200);
  await nextMatching(/^Also posted on GitHub as a review of #1: 1 comment/, before);
  const posted = (await vmRequests(PHONE)).filter((r) => r.kind === "pull-review").slice(posts);
  expect(posted).toHaveLength(1);
  expect(posted[0]).toMatchObject({ status: 200, review: { pull: 1, comments: [{ file: "src/health.ts", side: "new", line: 3, body: "say why" }] } });
  // The agent got the review as a message of its own, whatever GitHub said.
  expect(await query(PHONE, `SELECT id FROM messages WHERE id = 'review-${added.draft.id}'`)).toHaveLength(1);
  expect((await sentTo(PHONE)).slice(before).filter((m) => /^Also posted on GitHub/.test(m.body ?? ""))).toHaveLength(1);
}, 60_000);
