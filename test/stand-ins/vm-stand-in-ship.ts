// The VM stand-in's /ship (docs/github.md, "/ship"): POST /v1/workspaces/:ws/ship/preview and
// …/ship answered as the VM's ship routes answer them, from the runs' `[[vm:change …]]` still in
// place and not shipped yet, with the VM's own branch and text rules (vm/src/core/ship.ts). A
// workspace cloned from `https://github.com/owner/name(.git)` is on GitHub; pull requests are
// numbered per repository. POST /__stand-in/pull {repo, number, state: "closed"|"merged"} closes one
// as GitHub would meanwhile; `vm-ship-fail-REASON` in the clone URL refuses every ship with it.
// …/pull-request-review answers a review of an open pull request it opened as the VM does (a line
// past 10000 is outside the diff: GitHub's 422), with the VM's own rules (vm/src/core/pull-review.ts).
import { ShipRefusalReasonSchema, type ShipDone, type ShipPlan, type ShipRefusal, type ShipRequest } from "../../src/protocol/vm/ship";
import { createHash } from "node:crypto";
import { previewChange, pullBody, shipBranch, shipTitle } from "../../vm/src/core/ship";
import { githubReviewOf, reviewRefusalOf } from "../../vm/src/core/pull-review";
import type { PullReviewPosted, PullReviewRefusal, PullReviewRequest } from "../../src/protocol/vm/pull-review";
import type { CheckpointHistory } from "./vm-stand-in-changes";

type Pull = { repo: string; number: number; branch: string; title: string; body: string; state: "open" | "closed" | "merged" };
type Answer = { status: number; body: ShipPlan | ShipDone | ShipRefusal | PullReviewPosted | PullReviewRefusal | { error: string; message: string } };

const shaOf = (text: string): string => createHash("sha1").update(text).digest("hex");

export function createShipStandIn(checkpoints: CheckpointHistory) {
  const pulls: Pull[] = [];
  /** Per user and workspace: the run ids already pushed, and the branch it stands on. */
  const shipped = new Map<string, { runIds: Set<string>; checkedOut: string }>();
  const refuse = (reason: ShipRefusal["reason"], message: string): Answer => ({ status: 422, body: { error: "ship_refused", reason, message } });

  function plan(userId: string, workspace: string, url: string | null, request: ShipRequest): Answer | { plan: ShipPlan; runIds: string[]; title: string } {
    const repo = url ? /^https:\/\/github\.com\/([^/]+\/[^/]+?)(?:\.git)?$/.exec(url)?.[1]?.toLowerCase() : undefined;
    if (!repo) return refuse("no_github_remote", "This conversation's workspace is not a clone of a GitHub repository the relay made, so there is nothing to push it to.");
    const fail = /vm-ship-fail-([a-z_]+)/.exec(url ?? "")?.[1];
    if (fail) return refuse(ShipRefusalReasonSchema.parse(fail), `scripted ${fail}`);
    const state = shipped.get(`${userId}\n${workspace}`);
    const known = request.pull ? pulls.find((p) => p.repo === repo && p.number === request.pull?.number) : undefined;
    const open = known?.state === "open" ? known : undefined;
    const closed = known && !open ? { number: known.number, merged: known.state === "merged" } : null;
    const used = [...(request.usedBranches ?? []), ...(known && !open ? [known.branch] : [])];
    const branch = shipBranch({ workspace: request.conversation ?? workspace, recorded: state?.checkedOut ?? "main", defaultBranch: "main", openPullBranch: open?.branch ?? null, usedBranches: used });
    const steps = checkpoints.inPlace(userId, workspace).filter((s) => !state?.runIds.has(s.runId));
    const files = new Map(steps.flatMap((s) => s.files.map((f) => [f.path, f] as const)));
    if (files.size === 0) return refuse("nothing_to_ship", `Nothing to ship: the files are as ${branch} on ${repo} has them.`);
    const insertions = steps.reduce((n, s) => n + s.files.reduce((m, f) => m + f.insertions, 0), 0);
    const deletions = steps.reduce((n, s) => n + s.files.reduce((m, f) => m + f.deletions, 0), 0);
    // The commit the workspace stands on (its last ship's) and the tree of the changes in place: what a preview names.
    const head = state ? shaOf(`head:${[...state.runIds].join(",")}`) : null;
    const tree = shaOf(`tree:${steps.map((s) => s.runId).join(",")}`);
    const p: ShipPlan = { repo, branch, base: "main", files: files.size, insertions, deletions, pull: open ? { number: open.number, url: `https://github.com/${repo}/pull/${open.number}` } : null, closed, head, tree };
    return { plan: p, runIds: steps.map((s) => s.runId), title: shipTitle(request.title, request.runs ?? [], request.conversation ?? workspace) };
  }

  return {
    pulls,
    /** POST /__stand-in/pull: GitHub closed or merged it meanwhile. */
    setPullState(repo: string, number: number, state: Pull["state"]): void {
      const pull = pulls.find((p) => p.repo === repo && p.number === number);
      if (pull) pull.state = state;
    },
    /** POST …/pull-request-review: a review of a pull request this stand-in opened and that is still open. */
    review(url: string | null, request: PullReviewRequest): Answer {
      const repo = url ? /^https:\/\/github\.com\/([^/]+\/[^/]+?)(?:\.git)?$/.exec(url)?.[1]?.toLowerCase() : undefined;
      if (!repo) return { status: 422, body: { error: "review_refused", reason: "no_github_remote", message: "This conversation's workspace is not a clone of a GitHub repository the relay made, so there is no pull request to review." } };
      if (!pulls.some((p) => p.repo === repo && p.number === request.pull && p.state === "open")) {
        return { status: 422, body: { error: "review_refused", reason: "not_our_pull", message: `pull request #${request.pull} on ${repo} was not opened by this conversation's /ship, so it was not reviewed.` } };
      }
      const review = githubReviewOf(request.comments);
      const outside = review.comments.some((c) => c.line > 10_000);
      const refusal = reviewRefusalOf(outside ? 422 : 200, { message: "Unprocessable Entity", errors: ["Pull request review thread line must be part of the diff"] }, { repo, number: request.pull, comments: request.comments });
      if (refusal) return { status: 422, body: refusal };
      const posted: PullReviewPosted = { repo, number: request.pull, url: `https://github.com/${repo}/pull/${request.pull}#pullrequestreview-1`, lineComments: review.comments.length, fileComments: request.comments.length - review.comments.length };
      return { status: 200, body: posted };
    },
    answer(kind: "preview" | "ship", userId: string, workspace: string, url: string | null, request: ShipRequest): Answer {
      const planned = plan(userId, workspace, url, request);
      if (!("plan" in planned)) return planned;
      const { plan: p } = planned;
      if (kind === "preview") return { status: 200, body: p };
      const changed = request.expected ? previewChange(request.expected, p) : null;
      if (changed) return refuse("preview_changed", changed);
      shipped.set(`${userId}\n${workspace}`, { runIds: new Set([...(shipped.get(`${userId}\n${workspace}`)?.runIds ?? []), ...planned.runIds]), checkedOut: p.branch });
      const body = pullBody(request.runs ?? [], request.conversation ?? workspace);
      let pull = pulls.find((x) => x.repo === p.repo && x.branch === p.branch && x.state === "open");
      const how: ShipDone["how"] = p.pull ? "updated" : pull ? "adopted" : "created";
      if (!pull) pulls.push((pull = { repo: p.repo, number: pulls.filter((x) => x.repo === p.repo).length + 1, branch: p.branch, title: planned.title, body, state: "open" }));
      pull.body = body;
      if (request.title) pull.title = planned.title;
      const headSha = (pulls.length * 4096 + planned.runIds.length).toString(16).padStart(40, "0");
      const done: ShipDone = { repo: p.repo, branch: p.branch, base: p.base, files: p.files, insertions: p.insertions, deletions: p.deletions, headSha, pull: { number: pull.number, url: `https://github.com/${p.repo}/pull/${pull.number}`, title: pull.title }, how, closed: p.closed };
      return { status: 200, body: done };
    },
  };
}
