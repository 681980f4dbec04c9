import { describe, expect, it } from "vitest";
import { asksForAgent, decideGithubEvent, type GithubFacts, type PrFacts } from "../../src/github/github-decide";
import type { GithubEvent } from "../../src/github/github-events";

const pr: PrFacts = { repo: "acme/api", number: 12, url: "https://github.com/acme/api/pull/12", branch: "agent/api", state: "open", conversation: "api", autofix: false, autofixCount: 0 };
const facts = (f: Partial<GithubFacts> = {}): GithubFacts => ({ pr, failedChecks: [], lastSuiteConclusion: null, reviewComments: [], reviewTold: false, repoConversation: null, authorCanWrite: false, ...f });
const suite = (conclusion: string, action = "completed"): GithubEvent => ({ kind: "check_suite", action, headSha: "abc", headBranch: "agent/api", conclusion, prNumbers: [12] });
const failed = [{ name: "test", summary: "FAIL a.test.ts\n\nexpected 2, got 3\nline 3\nline 4" }];

describe("decideGithubEvent: CI", () => {
  it("a failed suite: one notice naming the PR, the failed checks and the first lines of their summaries, with Fix it", () => {
    const d = decideGithubEvent("acme/api", suite("failure"), facts({ failedChecks: failed }));
    expect(d.say?.text).toBe("❌ CI failed on acme/api#12 (@api):\n• test\n  FAIL a.test.ts\n  expected 2, got 3\n  line 3\nhttps://github.com/acme/api/pull/12");
    expect(d.say?.fix).toMatchObject({ conversation: "api", origin: "GitHub: CI failed on acme/api#12" });
    // The checks' summaries are the CI's output (which the pull request's code shapes): quoted data.
    expect(d.say?.fix?.prompt).toContain("┃ check test:\n┃ FAIL a.test.ts\n┃ \n┃ expected 2, got 3");
    expect(d.say?.fix).toMatchObject({ label: "acme/api#12 CI", repo: "acme/api" });
    expect(d.say?.fix?.prompt).toContain("/ship pushes your change and updates #12");
    expect(d.run).toBeNull();
    expect(d.keep).toEqual({ number: 12, ref: "abc", detail: { conclusion: "failure" } });
  });

  it.each([
    ["green after red", suite("success"), facts({ lastSuiteConclusion: "failure" }), "✅ CI passes again on acme/api#12 (@api)."],
    ["green after green", suite("success"), facts({ lastSuiteConclusion: "success" }), null],
    ["green the first time", suite("success"), facts(), null],
    ["cancelled", suite("cancelled"), facts(), null],
    ["a suite still running", suite("failure", "requested"), facts(), null],
    ["a PR the relay did not open", suite("failure"), facts({ pr: null }), null],
    ["a merged PR's late failure", suite("failure"), facts({ pr: { ...pr, state: "merged" } }), null],
  ])("%s", (_name, event, f, text) => {
    expect(decideGithubEvent("acme/api", event, f).say?.text ?? null).toBe(text);
  });

  it.each<[number, { started: number } | "stopped"]>([
    [0, { started: 1 }],
    [2, { started: 3 }],
    [3, "stopped"],
    [7, "stopped"],
  ])("autofix after %i runs", (count, expected) => {
    const d = decideGithubEvent("acme/api", suite("timed_out"), facts({ pr: { ...pr, autofix: true, autofixCount: count }, failedChecks: failed }));
    if (expected === "stopped") {
      expect(d.run).toBeNull();
      expect(d.say?.text).toContain("Autofix stops here: it started 3 fix runs");
      expect(d.say?.fix).not.toBeNull();
    } else {
      expect(d.run).toMatchObject({ conversation: "api", autofix: true, origin: `Autofix ${expected.started}/3 of acme/api#12` });
      expect(d.say?.text).toContain(`Autofix: fix run ${expected.started} of 3 started.`);
      expect(d.say?.fix).toBeNull();
    }
  });

  it("a completed check run is kept for its suite, and says nothing", () => {
    const d = decideGithubEvent("acme/api", { kind: "check_run", action: "completed", name: "lint", headSha: "abc", conclusion: "failure", summary: "x", prNumbers: [] }, facts({ pr: null }));
    expect(d).toEqual({ keep: { number: null, ref: "abc", detail: { name: "lint", conclusion: "failure", summary: "x" } }, say: null, prState: null, headSha: null, run: null });
  });
});

describe("decideGithubEvent: reviews, merges", () => {
  const review = (state: string, body = ""): GithubEvent => ({ kind: "review", action: "submitted", number: 12, title: "T", url: "https://r", reviewId: 5, reviewer: "bob", state, body });
  const comment = { author: "bob", path: "src/a.ts", line: 4, body: "rename this" };

  it("a review with comments: the reviewer, the comments by file and line, and Fix it", () => {
    const d = decideGithubEvent("acme/api", review("changes_requested", "Needs work."), facts({ reviewComments: [comment] }));
    expect(d.say?.text).toBe("💬 @bob requested changes on acme/api#12 (@api):\nNeeds work.\n• src/a.ts:4: rename this\nhttps://r");
    expect(d.say?.fix?.prompt).toContain("┃ review:\n┃ Needs work.\n┃ comment of @bob on src/a.ts:4:\n┃ rename this\nEnd of the quoted data.");
    expect(d.keep.ref).toBe("5");
  });

  it.each([
    ["an approval: one line, no button", review("approved"), facts(), "✅ @bob approved acme/api#12 (@api).", false],
    ["an empty comment review: its comments speak", review("commented"), facts(), null, false],
    ["changes requested without a word: said, with nothing to fix", review("changes_requested"), facts(), "💬 @bob requested changes on acme/api#12 (@api) without saying which: ask them on the pull request.\nhttps://r", false],
    ["a review of another PR", review("changes_requested", "x"), facts({ pr: null }), null, false],
  ])("%s", (_name, event, f, text, fix) => {
    const d = decideGithubEvent("acme/api", event, f);
    expect(d.say?.text ?? null).toBe(text);
    expect(Boolean(d.say?.fix)).toBe(fix);
  });

  it("a review comment waits for its review, unless that was told already", () => {
    const e: GithubEvent = { kind: "review_comment", action: "created", number: 12, reviewId: 5, ...comment };
    expect(decideGithubEvent("acme/api", e, facts()).say).toBeNull();
    expect(decideGithubEvent("acme/api", e, facts()).keep).toEqual({ number: 12, ref: "5", detail: comment });
    const told = decideGithubEvent("acme/api", e, facts({ reviewTold: true }));
    expect(told.say?.text).toBe("💬 @bob commented on acme/api#12 (@api):\n• src/a.ts:4: rename this\nhttps://github.com/acme/api/pull/12");
    expect(told.say?.fix).not.toBeNull();
  });

  const closed = (merged: boolean): GithubEvent => ({ kind: "pull_request", action: "closed", number: 12, title: "T", url: "u", merged, headSha: "def" });
  it.each([
    ["merged", closed(true), pr, "🎉 acme/api#12 (@api) was merged.", "merged"],
    ["closed", closed(false), pr, "acme/api#12 (@api) was closed without merging; the next /ship opens a new pull request.", "closed"],
    ["closed again", closed(false), { ...pr, state: "closed" as const }, null, null],
  ])("%s", (_name, event, p, text, state) => {
    const d = decideGithubEvent("acme/api", event, facts({ pr: p }));
    expect(d.say?.text ?? null).toBe(text);
    expect(d.prState).toBe(state);
  });

  it("a push to the PR's branch moves its head", () => {
    expect(decideGithubEvent("acme/api", { kind: "pull_request", action: "synchronize", number: 12, title: "T", url: "u", merged: false, headSha: "def" }, facts()).headSha).toBe("def");
  });
});

describe("decideGithubEvent: runs asked on GitHub", () => {
  const labelled = (label: string): GithubEvent => ({ kind: "issue", action: "labeled", number: 7, title: "Crash", body: "It crashes.", url: "https://i/7", label, sender: "al", author: "mallory", isPullRequest: false });
  const commented = (body: string, association: string): GithubEvent => ({ kind: "issue_comment", action: "created", number: 7, title: "Crash", body, url: "https://c", author: "bob", association, isPullRequest: false });

  it("an issue labelled agent starts a run in the repository's conversation, or a clone first", () => {
    const d = decideGithubEvent("acme/api", labelled("agent"), facts({ pr: null, repoConversation: "api" }));
    expect(d.run).toMatchObject({ conversation: "api", origin: "GitHub: acme/api#7 labelled agent", label: "acme/api#7 issue", repo: "acme/api", autofix: false });
    expect(d.run?.prompt).toContain("GitHub issue acme/api#7 was labelled agent by @al.");
    // The title and text are the issue author's, quoted as data, never the user's words.
    expect(d.run?.prompt).toContain("Quoted data: the issue acme/api#7 by @mallory (https://i/7).");
    expect(d.run?.prompt).toContain("┃ title:\n┃ Crash\n┃ text:\n┃ It crashes.\nEnd of the quoted data.");
    expect(decideGithubEvent("acme/api", labelled("Agent"), facts({ pr: null })).run?.conversation).toBeNull();
  });

  // authorCanWrite: GitHub's collaborator permission of the comment's author was write or more.
  it.each([
    ["another label", labelled("bug"), true, false],
    ["/agent from a collaborator with write access", commented("/agent please fix", "COLLABORATOR"), true, true],
    ["/agent from a collaborator without it", commented("/agent please fix", "COLLABORATOR"), false, false],
    ["/agent from the owner", commented("  /agent", "OWNER"), true, true],
    ["/agent from a member with write access", commented("/Agent do it", "MEMBER"), true, true],
    ["/agent from a member without it (read, triage, or no answer)", commented("/Agent do it", "MEMBER"), false, false],
    ["/agent from a contributor", commented("/agent please", "CONTRIBUTOR"), true, false],
    ["/agent from anyone", commented("/agent please", "NONE"), true, false],
    ["/agents is another word", commented("/agents", "OWNER"), true, false],
    ["/agent not first", commented("hey /agent", "OWNER"), true, false],
  ])("%s", (_name, event, authorCanWrite, runs) => {
    const d = decideGithubEvent("acme/api", event, facts({ pr: null, repoConversation: "api", authorCanWrite }));
    expect(d.run !== null).toBe(runs);
    expect(d.say).toBeNull();
  });

  it.each([
    ["a collaborator's /agent", commented("/agent x", "COLLABORATOR"), true],
    ["a member's", commented("/agent x", "MEMBER"), true],
    ["the owner's", commented("/agent x", "OWNER"), true],
    ["anyone else's", commented("/agent x", "NONE"), false],
    ["a comment without /agent", commented("thanks", "OWNER"), false],
    ["an edited comment", { ...commented("/agent x", "OWNER"), action: "edited" } as GithubEvent, false],
    ["an issue", labelled("agent"), false],
  ])("the permission is asked for %s: %s", (_name, event, asked) => {
    expect(asksForAgent(event)).toBe(asked);
  });

  it("the /agent comment's text is the request, quoted as its author's", () => {
    const d = decideGithubEvent("acme/api", commented("/agent add a test for the crash", "OWNER"), facts({ pr: null, repoConversation: "api", authorCanWrite: true }));
    expect(d.run?.origin).toBe("GitHub: @bob's /agent on acme/api#7");
    expect(d.run?.label).toBe("acme/api#7 comment");
    expect(d.run?.prompt).toContain("@bob asked for you with /agent in a comment on acme/api#7.\nQuoted data: the comment on acme/api#7 by @bob (https://c).");
    expect(d.run?.prompt).toContain("┃ text:\n┃ add a test for the crash\n┃ title of acme/api#7:\n┃ Crash\nEnd of the quoted data.");
  });
});
