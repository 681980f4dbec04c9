// GraphQL scoped like REST, as tables: the queries gh's own commands send (as gh writes them, with
// their variables), each with its decision; the ways around the scope: aliases, variables,
// fragments, node ids, search, lists of the viewer, an owner or a user, several operations; and
// fields not on the allow list, each refused by name.
import { describe, expect, it } from "vitest";
import { graphqlDecision } from "../../src/core/github-graphql-scope";

/** The user's conversations are of acme/api; acme/secret is readable with the VM's token, not by this agent. */
const REPOS = ["acme/api"];
const OURS = { owner: "acme", repo: "api" };
const SECRET = { owner: "acme", repo: "secret" };

const PR_FIELDS = `url number title state body author { login ...on User { id name } } autoMergeRequest { authorEmail commitBody commitHeadline mergeMethod enabledAt enabledBy { login ...on User { id name } } }
  isDraft maintainerCanModify mergeable additions deletions commits { totalCount } baseRefName headRefName headRepositoryOwner { id login ...on User { name } } headRepository { id name } isCrossRepository
  reviewRequests(first: 100) { nodes { requestedReviewer { __typename ...on User { login } ...on Team { organization { login } name slug } } } totalCount }
  reviews(first: 100) { nodes { id author { login } authorAssociation submittedAt body state commit { oid } reactionGroups { content users { totalCount } } } pageInfo { hasNextPage endCursor } totalCount }
  assignees(first: 100) { nodes { id login name } totalCount } labels(first: 100) { nodes { id name description color } totalCount }
  projectCards(first: 100) { nodes { project { name } column { name } } totalCount }
  projectItems(first: 100) { nodes { id project { id title } status: fieldValueByName(name: "Status") { ... on ProjectV2ItemFieldSingleSelectValue { optionId name } } } totalCount }
  milestone { number title description dueOn } comments(last: 1) { nodes { id author { login } authorAssociation body createdAt includesCreatedEdit isMinimized minimizedReason reactionGroups { content users { totalCount } } } totalCount }
  reactionGroups { content users { totalCount } } createdAt
  statusCheckRollup: commits(last: 1) { nodes { commit { statusCheckRollup { contexts(first: 100) { nodes { __typename ...on StatusContext { context state targetUrl createdAt description }
    ...on CheckRun { name checkSuite { workflowRun { workflow { name } } } status conclusion startedAt completedAt detailsUrl } } pageInfo { hasNextPage endCursor } } } } } }`;

/** What gh's commands send (gh 2.4x: api/queries_pr.go, api/queries_issue.go, api/queries_repo.go, pkg/cmd/pr/checks). */
const GH: Array<[string, string, Record<string, unknown>, boolean]> = [
  ["gh pr view 7", `query PullRequestByNumber($owner: String!, $repo: String!, $pr_number: Int!) { repository(owner: $owner, name: $repo) { pullRequest(number: $pr_number) { ${PR_FIELDS} } } }`, { ...OURS, pr_number: 7 }, true],
  ["gh pr view (the branch's)", `query PullRequestForBranch($owner: String!, $repo: String!, $headRefName: String!, $states: [PullRequestState!]) { repository(owner: $owner, name: $repo) { pullRequests(headRefName: $headRefName, states: $states, first: 30, orderBy: { field: CREATED_AT, direction: DESC }) { nodes { ${PR_FIELDS} } } } }`, { ...OURS, headRefName: "agent/api", states: ["OPEN"] }, true],
  ["gh pr list", `query PullRequestList($owner: String!, $repo: String!, $limit: Int!, $endCursor: String, $baseBranch: String, $headBranch: String, $state: [PullRequestState!] = OPEN) { repository(owner: $owner, name: $repo) { pullRequests(states: $state, baseRefName: $baseBranch, headRefName: $headBranch, first: $limit, after: $endCursor, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount nodes { ...pr } pageInfo { hasNextPage endCursor } } } } fragment pr on PullRequest { number title state url headRefName headRepositoryOwner { login } isCrossRepository isDraft createdAt }`, { ...OURS, limit: 30 }, true],
  ["gh pr list --author x (search)", `query PullRequestSearch($q: String!, $limit: Int!, $endCursor: String) { search(query: $q, type: ISSUE, first: $limit, after: $endCursor) { issueCount nodes { ...on PullRequest { number title } } pageInfo { hasNextPage endCursor } } }`, { q: "repo:acme/api is:pr author:x", limit: 30 }, false],
  ["gh pr status (search)", `query PullRequestStatus($owner: String!, $repo: String!, $headRefName: String!, $viewerQuery: String!, $reviewerQuery: String!, $per_page: Int = 10) { repository(owner: $owner, name: $repo) { defaultBranchRef { name } pullRequests(headRefName: $headRefName, first: $per_page, orderBy: { field: CREATED_AT, direction: DESC }) { totalCount edges { node { ...prWithReviews } } } } viewerCreated: search(query: $viewerQuery, type: ISSUE, first: $per_page) { totalCount: issueCount edges { node { ...prWithReviews } } } reviewRequested: search(query: $reviewerQuery, type: ISSUE, first: $per_page) { totalCount: issueCount edges { node { ...prWithReviews } } } } fragment prWithReviews on PullRequest { number title state url headRefName isDraft reviewDecision }`, { ...OURS, headRefName: "agent/api", viewerQuery: "repo:acme/api state:open is:pr author:@me", reviewerQuery: "repo:acme/api state:open review-requested:@me" }, false],
  ["gh pr checks (node id)", `query PullRequestStatusChecks($id: ID!, $endCursor: String!) { node(id: $id) { ...on PullRequest { statusCheckRollup: commits(last: 1) { nodes { commit { statusCheckRollup { contexts(first: 100, after: $endCursor) { nodes { __typename ...on CheckRun { name status conclusion } } } } } } } } } }`, { id: "PR_kwDOA", endCursor: "" }, false],
  ["gh issue view 3", `query IssueByNumber($owner: String!, $repo: String!, $number: Int!) { repository(owner: $owner, name: $repo) { hasIssuesEnabled issue: issueOrPullRequest(number: $number) { __typename ...on Issue { number url state createdAt title body author { login } milestone { title } assignees(first: 100) { nodes { login } totalCount } labels(first: 100) { nodes { name } totalCount } reactionGroups { content users { totalCount } } comments(last: 1) { nodes { author { login } authorAssociation body createdAt } totalCount } } ...on PullRequest { number url title body } } } }`, { ...OURS, number: 3 }, true],
  ["gh issue list", `query IssueList($owner: String!, $repo: String!, $limit: Int, $endCursor: String, $states: [IssueState!] = OPEN, $assignee: String, $author: String, $mention: String) { repository(owner: $owner, name: $repo) { hasIssuesEnabled issues(first: $limit, after: $endCursor, orderBy: {field: CREATED_AT, direction: DESC}, states: $states, filterBy: {assignee: $assignee, createdBy: $author, mentioned: $mention}) { totalCount nodes { ...issue } pageInfo { hasNextPage endCursor } } } } fragment issue on Issue { number title url state updatedAt labels(first: 100) { nodes { id name description color } totalCount } }`, { ...OURS, limit: 30 }, true],
  ["gh repo view", `query RepositoryInfo($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id name nameWithOwner owner { login } hasIssuesEnabled description hasWikiEnabled viewerPermission defaultBranchRef { name } parent { id name owner { login } defaultBranchRef { name } } mergeCommitAllowed rebaseMergeAllowed squashMergeAllowed } }`, { owner: "acme", name: "api" }, true],
  ["gh repo view acme/secret", `query RepositoryInfo($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id name description } }`, { owner: "acme", name: "secret" }, false],
  ["gh auth status / gh api user", "query UserCurrent { viewer { login } }", {}, true],
];

const SECRET_READ = `object(expression: "HEAD:keys.txt") { ... on Blob { text } }`;
/** The ways around: each reaches acme/secret (or lists across repositories) and is refused, but the first. */
const AROUND: Array<[string, string, Record<string, unknown> | undefined, boolean]> = [
  ["the agent's own repository, literally", `{ repository(owner: "Acme", name: "API") { ${SECRET_READ} } }`, undefined, true],
  ["acme/secret, literally", `{ repository(owner: "acme", name: "secret") { ${SECRET_READ} } }`, undefined, false],
  ["acme/secret under an alias", `{ mine: repository(owner: "acme", name: "api") { id } theirs: repository(owner: "acme", name: "secret") { ${SECRET_READ} } }`, undefined, false],
  ["acme/secret by variables", `query($owner: String!, $repo: String!) { repository(owner: $owner, name: $repo) { ${SECRET_READ} } }`, SECRET, false],
  ["acme/secret by a variable's default", `query($repo: String = "secret") { repository(owner: "acme", name: $repo) { ${SECRET_READ} } }`, undefined, false],
  ["a variable that is not a string", `query($repo: String) { repository(owner: "acme", name: $repo) { id } }`, { repo: ["api"] }, false],
  ["a variable never given", `query($repo: String) { repository(owner: "acme", name: $repo) { id } }`, undefined, false],
  ["acme/secret in a named fragment on Query", `query { ...Q } fragment Q on Query { repository(owner: "acme", name: "secret") { ${SECRET_READ} } }`, undefined, false],
  ["acme/secret in an inline fragment", `query { ... on Query { repository(owner: "acme", name: "secret") { ${SECRET_READ} } } }`, undefined, false],
  ["a fragment spread within itself", `query { repository(owner: "acme", name: "api") { ...R } } fragment R on Repository { parent { ...R } }`, undefined, false],
  ["a fragment defined twice", `query { ...Q } fragment Q on Query { repository(owner: "acme", name: "api") { id } } fragment Q on Query { repository(owner: "acme", name: "secret") { id } }`, undefined, false],
  ["an argument given twice", `{ repository(owner: "acme", name: "api", name: "secret") { id } }`, undefined, false],
  ["a variable defined twice", `query($repo: String = "api", $repo: String = "secret") { repository(owner: "acme", name: $repo) { id } }`, undefined, false],
  ["escapes in a name", `{ repository(owner: "acme", name: "sec\\u0072et") { id } }`, undefined, false],
  ["a fragment not defined", `query { repository(owner: "acme", name: "api") { ...R } }`, undefined, false],
  ["node(id:)", `{ node(id: "R_kgDOsecret") { ... on Repository { ${SECRET_READ} } } }`, undefined, false],
  ["nodes(ids:)", `{ nodes(ids: ["R_kgDOsecret"]) { ... on Repository { name } } }`, undefined, false],
  ["search", `{ search(query: "repo:acme/secret", type: REPOSITORY, first: 1) { nodes { ... on Repository { ${SECRET_READ} } } } }`, undefined, false],
  ["viewer { repositories }", `{ viewer { repositories(first: 100) { nodes { nameWithOwner } } } }`, undefined, false],
  ["viewer { repository(name:) }", `{ viewer { repository(name: "secret") { description } } }`, undefined, false],
  ["viewer { pullRequests } (across repositories)", `{ viewer { pullRequests(first: 10) { nodes { body } } } }`, undefined, false],
  ["viewer { issueComments }", `{ viewer { issueComments(first: 10) { nodes { body } } } }`, undefined, false],
  ["organization(login:) { repository(name:) }", `{ organization(login: "acme") { repository(name: "secret") { ${SECRET_READ} } } }`, undefined, false],
  ["user(login:) { repositories }", `{ user(login: "ann") { repositories(first: 10) { nodes { name } } } }`, undefined, false],
  ["repositoryOwner(login:)", `{ repositoryOwner(login: "acme") { repository(name: "secret") { id } } }`, undefined, false],
  ["the owner's repository, from our repository", `{ repository(owner: "acme", name: "api") { owner { ... on Organization { repository(name: "secret") { ${SECRET_READ} } } } } }`, undefined, false],
  ["the owner's repositories, from our repository", `{ repository(owner: "acme", name: "api") { owner { repositories(first: 10) { nodes { name } } } } }`, undefined, false],
  ["an author's pull requests elsewhere", `{ repository(owner: "acme", name: "api") { pullRequest(number: 1) { author { ... on User { pullRequests(first: 5) { nodes { body } } } } } } }`, undefined, false],
  ["a cross-reference's source", `{ repository(owner: "acme", name: "api") { issue(number: 1) { timelineItems(first: 5) { nodes { ... on CrossReferencedEvent { source { ... on Issue { body } } } } } } } }`, undefined, false],
  ["a pull request's head repository's files", `{ repository(owner: "acme", name: "api") { pullRequest(number: 1) { headRepository { ${SECRET_READ} } } } }`, undefined, false],
  ["a project's items", `{ repository(owner: "acme", name: "api") { pullRequest(number: 1) { projectItems(first: 5) { nodes { project { items(first: 5) { nodes { id } } } } } } } }`, undefined, false],
  ["two operations, the chosen one ours", `query Ours { repository(owner: "acme", name: "api") { id } } query Theirs { repository(owner: "acme", name: "secret") { ${SECRET_READ} } }`, undefined, false],
  ["two operations, both ours", `query A { repository(owner: "acme", name: "api") { id } } query B { viewer { login } }`, undefined, true],
  ["__typename and introspection", `{ __typename __schema { queryType { name } } __type(name: "Repository") { fields { name } } }`, undefined, true],
  ["a mutation", `mutation { addStar(input: { starrableId: "R_1" }) { clientMutationId } }`, undefined, false],
  ["a query beside a mutation", `query A { viewer { login } } mutation B { addStar(input: { starrableId: "R_1" }) { clientMutationId } }`, undefined, false],
  ["a subscription", `subscription { x }`, undefined, false],
  ["the word mutation in a read", `{ repository(owner: "acme", name: "api") { issues(first: 1, labels: ["mutation"]) { totalCount } } }`, undefined, true],
  ["not GraphQL", `{ repository(owner: "acme"`, undefined, false],
  ["our repository's files on another branch", `{ repository(owner: "acme", name: "api") { ref(qualifiedName: "refs/heads/dev") { target { ... on Commit { tree { entries { name object { ... on Blob { text } } } } } } } } }`, undefined, true],
  ["a pull request's files and checks", `{ repository(owner: "acme", name: "api") { pullRequest(number: 1) { files(first: 100) { nodes { path additions } } commits(last: 1) { nodes { commit { oid status { contexts { context state } } checkSuites(first: 5) { nodes { conclusion app { name } } } } } } } } }`, undefined, true],
];

/**
 * Reads the scope's deny list let through, each named by the refusal: another repository's
 * branches, other repositories' linked branches, people and organisations, and settings REST refuses.
 */
const UNLISTED: Array<[string, string, string]> = [
  ["the head repository's branches (headRef compare tree blob text)", `{ repository(owner: "acme", name: "api") { pullRequest(number: 1) { headRef { compare(headRef: "x") { commits(first: 1) { nodes { tree { entries { object { ... on Blob { text } } } } } } } } } } }`, "repository.pullRequest.headRef (PullRequest.headRef)"],
  ["our ref's compare with a fork's branch", `{ repository(owner: "acme", name: "api") { defaultBranchRef { compare(headRef: "fork:main") { aheadBy } } } }`, "repository.defaultBranchRef.compare (Ref.compare)"],
  ["linkedBranches", `{ repository(owner: "acme", name: "api") { issue(number: 1) { linkedBranches(first: 5) { nodes { ref { name repository { nameWithOwner } } } } } } }`, "repository.issue.linkedBranches (Issue.linkedBranches)"],
  ["a commit's signer", `{ repository(owner: "acme", name: "api") { defaultBranchRef { target { ... on Commit { signature { signer { login email } } } } } } }`, "repository.defaultBranchRef.target.signature (Commit.signature)"],
  ["a commit's onBehalfOf", `{ repository(owner: "acme", name: "api") { defaultBranchRef { target { ... on Commit { onBehalfOf { login membersWithRole(first: 5) { nodes { login } } } } } } } }`, "repository.defaultBranchRef.target.onBehalfOf (Commit.onBehalfOf)"],
  ["mentions", `{ repository(owner: "acme", name: "api") { pullRequest(number: 1) { comments(first: 1) { nodes { mentions(first: 5) { nodes { login } } } } } } }`, "repository.pullRequest.comments.nodes.mentions (IssueComment.mentions)"],
  ["suggestedActors", `{ repository(owner: "acme", name: "api") { suggestedActors(capabilities: [CAN_BE_ASSIGNED], first: 10) { nodes { login } } } }`, "repository.suggestedActors (Repository.suggestedActors)"],
  ["deployKeys", `{ repository(owner: "acme", name: "api") { deployKeys(first: 10) { nodes { key title } } } }`, "repository.deployKeys (Repository.deployKeys)"],
  ["deployments' payload", `{ repository(owner: "acme", name: "api") { deployments(first: 10) { nodes { payload environment } } } }`, "repository.deployments (Repository.deployments)"],
  ["environments", `{ repository(owner: "acme", name: "api") { environments(first: 10) { nodes { name protectionRules(first: 5) { nodes { type } } } } } }`, "repository.environments (Repository.environments)"],
  ["vulnerabilityAlerts", `{ repository(owner: "acme", name: "api") { vulnerabilityAlerts(first: 10) { nodes { securityVulnerability { package { name } } } } } }`, "repository.vulnerabilityAlerts (Repository.vulnerabilityAlerts)"],
  ["a field no one listed", `{ repository(owner: "acme", name: "api") { somethingNew { id } } }`, "repository.somethingNew (Repository.somethingNew)"],
  ["the token's own account's email", `{ viewer { login email } }`, "viewer.email (User.email): only who or what it is may be read there"],
  ["a pull request author's email", `{ repository(owner: "acme", name: "api") { pullRequest(number: 1) { author { login ... on User { email } } } } }`, "repository.pullRequest.author.email (User.email): only who or what it is may be read there"],
  ["a person's more than who they are", `{ repository(owner: "acme", name: "api") { pullRequest(number: 1) { author { ... on User { company bio } } } } }`, "repository.pullRequest.author.company (User.company): only who or what it is may be read there"],
  ["a fragment on a type the place cannot hold", `{ repository(owner: "acme", name: "api") { pullRequest(number: 1) { author { ... on Repository { name } } } } }`, "repository.pullRequest.author.... on Repository (Actor there) is not on the credential proxy's list of what an agent may read"],
  ["a fork parent's files", `{ repository(owner: "acme", name: "api") { parent { object(expression: "HEAD:keys.txt") { ... on Blob { text } } } } }`, "repository.parent.object (Repository.object)"],
];

describe("gh's own queries", () => {
  it.each(GH)("%s", (_, query, variables, allowed) => expect([graphqlDecision(REPOS, { query, variables })]).toEqual([allowed ? { allow: true } : expect.objectContaining({ allow: false })]));
  it("says why, in one line", () => {
    const [, query, variables] = GH.find(([name]) => name.startsWith("gh pr checks")) ?? [];
    expect(graphqlDecision(REPOS, { query, variables })).toEqual({ allow: false, why: "GraphQL node cannot be tied to a repository of your conversations; query `repository(owner:, name:)`" });
    expect(graphqlDecision(REPOS, { query: GH[9]?.[1], variables: GH[9]?.[2] })).toEqual({ allow: false, why: "acme/secret is not the repository of one of your conversations" });
  });
});

describe("the allow list", () => {
  it.each(UNLISTED)("refuses %s, naming it in one line", (_, query, named) => {
    const decision = graphqlDecision(REPOS, { query });
    expect(decision).toEqual({ allow: false, why: expect.stringContaining(`GraphQL ${named}`) });
    expect(decision.allow === false && decision.why).not.toMatch(/\n/);
  });
});

describe("emails", () => {
  it("a commit author's email is the repository's own history, as the clone has it", () => {
    const query = `{ repository(owner: "acme", name: "api") { defaultBranchRef { target { ... on Commit { author { name email date user { login } } committer { email } } } } } }`;
    expect(graphqlDecision(REPOS, { query })).toEqual({ allow: true });
  });
});

describe("the ways around", () => {
  it.each(AROUND)("%s", (_, query, variables, allowed) => expect(graphqlDecision(REPOS, { query, ...(variables ? { variables } : {}) }).allow).toBe(allowed));
  it.each([[{}], ["query"], [{ query: "{ viewer { login } }", variables: "x" }], [null]])("a body that is no GraphQL request: %j", (body) => expect(graphqlDecision(REPOS, body).allow).toBe(false));
  it("a user with no conversation of a repository reaches none", () => expect(graphqlDecision([], { query: `{ repository(owner: "acme", name: "api") { id } }` }).allow).toBe(false));
});
