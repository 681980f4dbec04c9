// The object's side of GitHub's deliveries, over a real SQLite: which pull request and which
// conversation an event is matched to, and what later events read of earlier ones.
import { describe, expect, it } from "vitest";
import type { GithubEvent } from "../../src/github/github-events";
import { finishClone } from "../../src/conversations/conversation-commands";
import { receiveGithubDelivery, type GithubDeps } from "../../src/github/github-deliveries";
import { createConversations } from "../../src/conversations/conversations-unit";
import { T0, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();
let n = 0;
const deps = (): GithubDeps => ({ transaction: t.sql.transaction, github: t.repos.githubEvents, pullRequests: t.repos.pullRequests, conversations: { repo: t.repos.conversations }, outboxRepo: t.repos.outbox, newWorkspaceId: () => "c-test", questions: t.repos.questions });
/** `authorCanWrite`: what the object learned of an `/agent` comment's author from GitHub. */
const receive = (event: GithubEvent, name: string, authorCanWrite = false) =>
  receiveGithubDelivery(deps(), { delivery: `d-${++n}`, event: name, parsed: { repo: "Acme/API", cloneUrl: "https://github.com/Acme/API.git", event }, receivedAt: T0, publicOrigin: "https://relay.test", bodyHash: `body-${n}`, authorCanWrite }, T0);
const said = () => t.rows<{ body: string }>("SELECT body FROM outbox ORDER BY id").map((r) => r.body);

describe("receiveGithubDelivery", () => {
  it("a suite naming no pull request is matched by its branch; failed checks are its own SHA's", () => {
    const api = t.repos.conversations.create({ name: "api", workspace: "c-api", repoUrl: "https://github.com/acme/api.git", branch: null, status: "ready", now: T0 });
    t.repos.pullRequests.shipped({ conversationId: api.id, repo: "acme/api", number: 4, branch: "agent/api", url: "https://pr/4", headSha: "new", now: T0 });
    receive({ kind: "check_run", action: "completed", name: "old", headSha: "old", conclusion: "failure", summary: "stale", prNumbers: [] }, "check_run");
    receive({ kind: "check_run", action: "completed", name: "unit", headSha: "new", conclusion: "failure", summary: "first try", prNumbers: [] }, "check_run");
    receive({ kind: "check_run", action: "completed", name: "unit", headSha: "new", conclusion: "failure", summary: "rerun failed too", prNumbers: [] }, "check_run");
    expect(receive({ kind: "check_suite", action: "completed", headSha: "new", headBranch: "agent/api", conclusion: "failure", prNumbers: [] }, "check_suite")).toEqual({ outcome: "stored", run: null, clone: null });
    expect(said()).toEqual(["❌ CI failed on Acme/API#4 (@api):\n• unit\n  rerun failed too\nhttps://pr/4"]);
  });

  it("a collaborator's /agent on the relay's pull request runs in that pull request's conversation", () => {
    t.repos.conversations.create({ name: "other", workspace: "c-o", repoUrl: "https://github.com/acme/api.git", branch: null, status: "ready", now: T0 + 5 });
    const api = t.repos.conversations.create({ name: "api", workspace: "c-api", repoUrl: "https://github.com/acme/api.git", branch: null, status: "ready", now: T0 });
    t.repos.pullRequests.shipped({ conversationId: api.id, repo: "acme/api", number: 9, branch: "agent/api", url: "u", headSha: null, now: T0 });
    const got = receive({ kind: "issue_comment", action: "created", number: 9, title: "T", body: "/agent also update the docs", url: "c", author: "ann", association: "OWNER", isPullRequest: true }, "issue_comment", true);
    expect(got).toMatchObject({ outcome: "stored", clone: null, run: { conversation: "api", eventId: `gh-d-${n}` } });
  });

  it("no conversation on the repository: a new one is made, cloning, and the run waits for it", () => {
    const got = receive({ kind: "issue", action: "labeled", number: 3, title: "T", body: "b", url: "u", label: "agent", sender: "al", author: "al", isPullRequest: false }, "issues");
    expect(got).toMatchObject({ outcome: "stored", run: { conversation: "api", eventId: `gh-d-${n}` }, clone: { kind: "clone", workspace: "c-test", url: "https://github.com/Acme/API.git", branch: null } });
    expect(t.repos.conversations.byName("api")).toMatchObject({ status: "cloning", repoUrl: "https://github.com/Acme/API.git" });
    expect(said()).toEqual(["GitHub: Acme/API#3 labelled agent: no conversation has Acme/API; cloning it into @api first, then the run starts."]);
  });

  it("the clone an event asked for leaves the user's current conversation as it was", () => {
    const conversations = createConversations({ repo: t.repos.conversations, settings: t.repos.settings, outbox: t.repos.outbox, transaction: t.sql.transaction });
    const web = t.repos.conversations.create({ name: "web", workspace: "c-web", repoUrl: null, branch: null, status: "ready", now: T0 });
    conversations.makeCurrent(web.id);
    const got = receive({ kind: "issue", action: "labeled", number: 3, title: "T", body: "b", url: "u", label: "agent", sender: "al", author: "al", isPullRequest: false }, "issues");
    const clone = got.outcome === "stored" ? got.clone : null;
    expect(clone).toMatchObject({ stayCurrent: true });
    // As the VM's answer is carried out (after-command's clone).
    finishClone({ conversations, outbox: t.repos.outbox }, clone!.conversationId, { ok: true, branch: "main", files: 4, ms: 900 }, T0 + 1000, !clone!.stayCurrent);
    expect(t.repos.conversations.byName("api")).toMatchObject({ status: "ready" });
    expect(conversations.current()?.name).toBe("web");
    expect(said().at(-1)).toBe("Cloned api (main, 4 files) in 1 s. /switch api to write to it.");
  });

  it("a delivery seen before changes nothing", () => {
    const event: GithubEvent = { kind: "other", name: "push" };
    const d = deps();
    const once = { delivery: "same", event: "push", parsed: { repo: "acme/api", cloneUrl: null, event }, receivedAt: T0, publicOrigin: "o", bodyHash: "h-same" };
    expect(receiveGithubDelivery(d, once, T0).outcome).toBe("stored");
    expect(receiveGithubDelivery(d, once, T0 + 1).outcome).toBe("duplicate");
  });

  it("the same signed body under another delivery id is a replay: a duplicate, nothing stored or started", () => {
    const event: GithubEvent = { kind: "issue", action: "labeled", number: 3, title: "T", body: "b", url: "u", label: "agent", sender: "al", author: "al", isPullRequest: false };
    const d = deps();
    const first = { delivery: "first", event: "issues", parsed: { repo: "acme/api", cloneUrl: null, event }, receivedAt: T0, publicOrigin: "o", bodyHash: "h-body" };
    expect(receiveGithubDelivery(d, first, T0)).toMatchObject({ outcome: "stored", run: { label: "acme/api#3 issue", repo: "acme/api" } });
    expect(receiveGithubDelivery(d, { ...first, delivery: "replayed" }, T0 + 1)).toEqual({ outcome: "duplicate" });
    expect(t.repos.githubEvents.get("replayed")).toBeNull();
    // Once the window is over (the deliveries kept 30 days) the hash goes with its delivery.
    t.repos.githubEvents.add({ delivery: "later", event: "push", repo: "acme/api", number: null, ref: null, detail: null, bodyHash: "h-later", now: T0 + 31 * 24 * 3600_000 });
    expect(t.repos.githubEvents.seenBody("h-body")).toBe(false);
  });

  it("a body older than the window its hash is kept for is a replay too: a duplicate, nothing stored", () => {
    const event: GithubEvent = { kind: "issue", action: "labeled", number: 4, title: "T", body: "b", url: "u", label: "agent", sender: "al", author: "al", isPullRequest: false };
    const old = { delivery: "old", event: "issues", parsed: { repo: "acme/api", cloneUrl: null, event, at: T0 - 31 * 24 * 3600_000 }, receivedAt: T0, publicOrigin: "o", bodyHash: "h-old" };
    expect(receiveGithubDelivery(deps(), old, T0)).toEqual({ outcome: "duplicate" });
    expect(t.repos.githubEvents.get("old")).toBeNull();
    expect(receiveGithubDelivery(deps(), { ...old, delivery: "recent", bodyHash: "h-recent", parsed: { ...old.parsed, at: T0 - 3600_000 } }, T0)).toMatchObject({ outcome: "stored" });
  });
});
