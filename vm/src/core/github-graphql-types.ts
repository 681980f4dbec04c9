// The part of GitHub's GraphQL schema an agent's gh may read through the credential proxy, as an
// allow list: each type that may be reached, each of its object fields by name with the type it
// leads to, and which leaves may be read. What gh's own commands send (pr view/list/create/checks,
// issue view/list, repo view) and what a careful agent reads of its own repository is here; any
// other field or type is refused by name (github-graphql-scope.ts). Pure data.

/**
 * A type as the walk knows it. `fields`: its object fields, each with the type it leads to.
 * `leaves`: `any`: every scalar of it (it is the conversation's repository's own: its pull request,
 * its commit), or the few that say who or what it is (a person, another repository).
 * `possible`: the types a fragment may narrow it to (an interface's or a union's members). `as`:
 * GitHub's name of a type this list names apart by where it is reached (another repository).
 */
export type AllowedType = { fields: Readonly<Record<string, string>>; leaves: "any" | "identity"; possible?: readonly string[]; as?: string };

/**
 * What may be read of a person, a team, another repository: names, ids, links, counts. Not a
 * person's `email` (`viewer { email }` is the operator's account's address): no gh command reads
 * one. gh reads emails only of commit authors, a `GitActor` of the repository's own history, which
 * the clone holds already.
 */
export const IDENTITY_LEAVES: ReadonlySet<string> = new Set([
  "id", "databaseId", "login", "name", "nameWithOwner", "slug", "url", "resourcePath", "avatarUrl", "title", "description", "isPrivate",
  "isFork", "isInOrganization", "isArchived", "viewerPermission", "hasIssuesEnabled", "hasWikiEnabled", "mergeCommitAllowed",
  "rebaseMergeAllowed", "squashMergeAllowed", "isViewer", "date", "number", "totalCount", "prefix", "hasNextPage", "hasPreviousPage",
  "endCursor", "startCursor", "cursor",
]);

const inside = (fields: Record<string, string> = {}): AllowedType => ({ fields, leaves: "any" });
const identity = (fields: Record<string, string> = {}, possible?: readonly string[], as?: string): AllowedType => ({ fields, leaves: "identity", ...(possible ? { possible } : {}), ...(as ? { as } : {}) });
const PEOPLE = ["User", "Bot", "Organization", "Mannequin", "EnterpriseUserAccount"];

/** `<T>Connection` and `<T>Edge` of type `node` (`leaves` as the node's: a list of people says only who). */
function connection(name: string, node: string, leaves: AllowedType["leaves"] = "any"): Record<string, AllowedType> {
  return {
    [`${name}Connection`]: { fields: { nodes: node, edges: `${name}Edge`, pageInfo: "PageInfo" }, leaves },
    [`${name}Edge`]: { fields: { node }, leaves },
  };
}

export const ALLOWED_TYPES: Readonly<Record<string, AllowedType>> = {
  // The root: a repository the user's conversations name (checked by its arguments), who the
  // token is, and the rate limit; nothing else (no search, no node by id, no owner by login).
  Query: inside({ repository: "Repository", viewer: "User", rateLimit: "RateLimit" }),
  RateLimit: inside(),
  PageInfo: inside(),
  Repository: inside({
    pullRequest: "PullRequest", pullRequests: "PullRequestConnection", issue: "Issue", issues: "IssueConnection",
    issueOrPullRequest: "IssueOrPullRequest", owner: "RepositoryOwner", parent: "OtherRepository", defaultBranchRef: "Ref",
    ref: "Ref", refs: "RefConnection", object: "GitObject", labels: "LabelConnection", label: "Label", milestones: "MilestoneConnection",
    milestone: "Milestone", assignableUsers: "PersonConnection", mentionableUsers: "PersonConnection", primaryLanguage: "Language",
    languages: "LanguageConnection", licenseInfo: "License", repositoryTopics: "RepositoryTopicConnection", latestRelease: "Release",
    releases: "ReleaseConnection",
  }),
  // Another repository (a fork's parent, a pull request's head): who or what it is.
  OtherRepository: identity({ owner: "RepositoryOwner", defaultBranchRef: "RefName" }, undefined, "Repository"),
  RefName: identity({}, undefined, "Ref"),
  PullRequest: inside({
    author: "Actor", editor: "Actor", mergedBy: "Actor", autoMergeRequest: "AutoMergeRequest", commits: "PullRequestCommitConnection",
    headRepositoryOwner: "RepositoryOwner", headRepository: "OtherRepository", baseRepository: "OtherRepository", baseRef: "Ref",
    mergeCommit: "Commit", potentialMergeCommit: "Commit", reviewRequests: "ReviewRequestConnection", reviews: "PullRequestReviewConnection",
    latestReviews: "PullRequestReviewConnection", latestOpinionatedReviews: "PullRequestReviewConnection", reviewThreads: "PullRequestReviewThreadConnection",
    assignees: "PersonConnection", labels: "LabelConnection", projectCards: "ProjectCardConnection", projectItems: "ProjectV2ItemConnection",
    milestone: "Milestone", comments: "IssueCommentConnection", reactionGroups: "ReactionGroup", files: "PullRequestChangedFileConnection",
    participants: "PersonConnection",
  }),
  Issue: inside({
    author: "Actor", editor: "Actor", assignees: "PersonConnection", labels: "LabelConnection", milestone: "Milestone",
    comments: "IssueCommentConnection", reactionGroups: "ReactionGroup", projectCards: "ProjectCardConnection",
    projectItems: "ProjectV2ItemConnection", participants: "PersonConnection",
  }),
  IssueOrPullRequest: { fields: {}, leaves: "identity", possible: ["Issue", "PullRequest"] },
  AutoMergeRequest: inside({ enabledBy: "Actor" }),
  PullRequestCommit: inside({ commit: "Commit" }),
  ReviewRequest: inside({ requestedReviewer: "RequestedReviewer" }),
  RequestedReviewer: identity({}, ["User", "Bot", "Mannequin", "Team"]),
  PullRequestReview: inside({ author: "Actor", editor: "Actor", commit: "Commit", reactionGroups: "ReactionGroup", comments: "PullRequestReviewCommentConnection" }),
  PullRequestReviewThread: inside({ comments: "PullRequestReviewCommentConnection", resolvedBy: "Actor" }),
  PullRequestReviewComment: inside({ author: "Actor", editor: "Actor", commit: "Commit", originalCommit: "Commit", reactionGroups: "ReactionGroup", replyTo: "PullRequestReviewComment" }),
  PullRequestChangedFile: inside(),
  IssueComment: inside({ author: "Actor", editor: "Actor", reactionGroups: "ReactionGroup" }),
  ReactionGroup: inside({ users: "ReactorConnection", reactors: "ReactorConnection" }),
  Label: inside(),
  Milestone: inside(),
  Language: inside(),
  License: inside(),
  RepositoryTopic: inside({ topic: "Topic" }),
  Topic: identity(),
  Release: inside({ author: "Actor", tagCommit: "Commit" }),
  // A project a pull request is on: its name and the item's status, never its other items.
  ProjectCard: inside({ project: "ProjectName", column: "ProjectColumn" }),
  ProjectColumn: identity(),
  ProjectName: identity({}, ["ProjectV2"], "Project"),
  ProjectV2Item: inside({ project: "ProjectName", fieldValueByName: "ProjectV2ItemFieldValue" }),
  ProjectV2ItemFieldValue: identity({}, ["ProjectV2ItemFieldSingleSelectValue", "ProjectV2ItemFieldTextValue", "ProjectV2ItemFieldNumberValue", "ProjectV2ItemFieldDateValue", "ProjectV2ItemFieldIterationValue"]),
  ProjectV2ItemFieldSingleSelectValue: inside(),
  ProjectV2ItemFieldTextValue: inside(),
  ProjectV2ItemFieldNumberValue: inside(),
  ProjectV2ItemFieldDateValue: inside(),
  ProjectV2ItemFieldIterationValue: inside(),
  ProjectV2: identity(),
  // The repository's git objects (a ref's commit, a file's text): inside it, whatever branch.
  Ref: inside({ target: "GitObject" }),
  GitObject: { fields: {}, leaves: "any", possible: ["Commit", "Tree", "Blob", "Tag"] },
  Commit: inside({
    author: "GitActor", committer: "GitActor", parents: "CommitConnection", tree: "Tree", history: "CommitHistoryConnection",
    statusCheckRollup: "StatusCheckRollup", status: "Status", checkSuites: "CheckSuiteConnection", file: "TreeEntry",
  }),
  GitActor: inside({ user: "User" }),
  Tree: inside({ entries: "TreeEntry" }),
  TreeEntry: inside({ object: "GitObject" }),
  Blob: inside(),
  Tag: inside({ target: "GitObject", tagger: "GitActor" }),
  StatusCheckRollup: inside({ contexts: "StatusCheckRollupContextConnection" }),
  StatusCheckRollupContext: { fields: {}, leaves: "identity", possible: ["CheckRun", "StatusContext"] },
  Status: inside({ contexts: "StatusContext" }),
  StatusContext: inside({ creator: "Actor" }),
  CheckRun: inside({ checkSuite: "CheckSuite" }),
  CheckSuite: inside({ workflowRun: "WorkflowRun", checkRuns: "CheckRunConnection", app: "App" }),
  WorkflowRun: inside({ workflow: "Workflow" }),
  Workflow: inside(),
  App: identity(),
  // People and organisations: who they are, nothing they own or did elsewhere.
  Actor: identity({}, PEOPLE),
  RepositoryOwner: identity({}, ["User", "Organization"]),
  Person: identity({}, PEOPLE),
  User: identity(),
  Bot: identity(),
  Organization: identity(),
  Mannequin: identity(),
  EnterpriseUserAccount: identity(),
  Team: identity({ organization: "Organization" }),
  ...connection("PullRequest", "PullRequest"),
  ...connection("Issue", "Issue"),
  ...connection("Ref", "Ref"),
  ...connection("Label", "Label"),
  ...connection("Milestone", "Milestone"),
  ...connection("Person", "Person", "identity"),
  ...connection("Reactor", "Person", "identity"),
  ...connection("Language", "Language"),
  ...connection("RepositoryTopic", "RepositoryTopic"),
  ...connection("Release", "Release"),
  ...connection("PullRequestCommit", "PullRequestCommit"),
  ...connection("ReviewRequest", "ReviewRequest"),
  ...connection("PullRequestReview", "PullRequestReview"),
  ...connection("PullRequestReviewThread", "PullRequestReviewThread"),
  ...connection("PullRequestReviewComment", "PullRequestReviewComment"),
  ...connection("PullRequestChangedFile", "PullRequestChangedFile"),
  ...connection("IssueComment", "IssueComment"),
  ...connection("ProjectCard", "ProjectCard"),
  ...connection("ProjectV2Item", "ProjectV2Item"),
  ...connection("Commit", "Commit"),
  ...connection("CommitHistory", "Commit"),
  ...connection("CheckSuite", "CheckSuite"),
  ...connection("CheckRun", "CheckRun"),
  ...connection("StatusCheckRollupContext", "StatusCheckRollupContext"),
};

/** GitHub's name of a type of this list. */
export const githubNameOf = (type: string): string => ALLOWED_TYPES[type]?.as ?? type;

/**
 * The type a fragment `on` type `condition` narrows type `current` to: itself (by either name), or
 * one of its members; null when it is neither (refused).
 */
export function narrowed(current: string, condition: string): string | null {
  if (condition === current || condition === githubNameOf(current)) return current;
  return ALLOWED_TYPES[current]?.possible?.includes(condition) && ALLOWED_TYPES[condition] ? condition : null;
}
