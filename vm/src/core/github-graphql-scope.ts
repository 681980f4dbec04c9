// Which GitHub GraphQL requests an agent's gh may make through the credential proxy, pure: the query
// parsed (graphql-js); a read passes only when each repository it reaches is named, literally or by
// a string variable, and is one of the user's conversations' (as REST), and nothing in it leads
// out of that repository: no search, no node by id, no owner's, user's or viewer's lists, no
// cross-references. What is not known to stay inside is refused: the safe side.
import { Kind, parse, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from "graphql";
import { z } from "zod";
import type { Decision } from "./github-scope";

const GraphqlBodySchema = z.object({ query: z.string(), variables: z.record(z.string(), z.unknown()).nullish(), operationName: z.string().nullish() });

/** The schema, not data: introspection and `__typename` pass anywhere. */
const META = new Set(["__typename", "__schema", "__type"]);
/** Objects that lead to another repository's content or to lists across repositories: refused wherever they are. */
const EXITS = new Set([
  "search", "repositories", "repositoriesContributedTo", "topRepositories", "starredRepositories", "watching",
  "pinnedItems", "pinnableItems", "itemShowcase", "gists", "gist", "contributionsCollection", "issueComments", "commitComments",
  "repositoryDiscussions", "repositoryDiscussionComments", "organizations", "sponsoring", "sponsorshipsAsMaintainer", "sponsorshipsAsSponsor",
  "savedReplies", "packages", "projects", "projectsV2", "projectV2", "recentProjects", "lists", "followers", "following", "forks",
  "source", "subject", "closingIssuesReferences", "closedByPullRequestsReferences", "associatedPullRequests", "canonical", "duplicate",
  "trackedIssues", "trackedInIssues", "subIssues", "blockedBy", "blocking", "items", "content", "cards", "timeline", "timelineItems",
  "commitRepository", "templateRepository", "enterprise", "enterprises", "teams", "members", "membersWithRole", "resource",
]);
/** Lists of a repository's own issues, pull requests and discussions: directly under the named repository only (a user has such lists too). */
const REPO_LISTS = new Set(["issues", "pullRequests", "discussions"]);
/**
 * Objects that may belong to someone or somewhere else: people and organisations, another
 * repository (a pull request's head, a fork's parent), a project. Only who or what they are is read.
 */
const ELSEWHERE = new Set([
  "viewer", "actor", "author", "editor", "owner", "user", "users", "assignee", "assignees", "creator", "enabledBy", "mergedBy",
  "requestedReviewer", "requestedReviewers", "reviewer", "sponsor", "sponsorable", "sponsorEntity", "participants", "mentionableUsers",
  "assignableUsers", "collaborators", "stargazers", "watchers", "reactors", "organization", "team", "headRepositoryOwner", "repositoryOwner",
  "committer", "authors", "deletedBy", "lockedBy", "dismissedBy", "pusher", "enqueuer", "invitee", "inviter", "bot", "app", "lastEditedBy",
  "repository", "headRepository", "baseRepository", "parent", "project",
]);
/** What may be read of such an object: names, ids, links, counts. */
const IDENTITY = new Set([
  "id", "databaseId", "login", "name", "nameWithOwner", "slug", "url", "resourcePath", "avatarUrl", "title", "description", "isPrivate",
  "isFork", "isInOrganization", "isArchived", "viewerPermission", "hasIssuesEnabled", "hasWikiEnabled", "mergeCommitAllowed",
  "rebaseMergeAllowed", "squashMergeAllowed", "isViewer", "email", "date", "number", "totalCount", "prefix", "hasNextPage", "hasPreviousPage", "endCursor", "startCursor",
]);

const refuse = (why: string): Decision => ({ allow: false, why });
const ALLOW: Decision = { allow: true };
const MUTATION = "GraphQL mutations are refused; open or update a pull request with `gh api repos/OWNER/REPO/pulls -f head=… -f base=… -f title=…` (REST)";

/** What one request may cost the proxy to check: fields visited (fragments spread in each place they are), and nesting. */
const MAX_FIELDS = 20_000;
const MAX_DEPTH = 40;

type Walk = { fragments: Map<string, FragmentDefinitionNode>; variables: Record<string, unknown>; defaults: Map<string, ValueNode>; repos: readonly string[]; visited: number };
type Mode = "root" | "repository" | "inside" | "identity";

/** A literal string argument, or a variable whose value (given, else its default) is one; null when it cannot be told. */
function stringOf(value: ValueNode | undefined, walk: Walk): string | null {
  if (!value) return null;
  if (value.kind === Kind.STRING) return value.value;
  if (value.kind !== Kind.VARIABLE) return null;
  const name = value.name.value;
  if (name in walk.variables) return typeof walk.variables[name] === "string" ? (walk.variables[name] as string) : null;
  const fallback = walk.defaults.get(name);
  return fallback?.kind === Kind.STRING ? fallback.value : null;
}

function repositoryDecision(field: FieldNode, walk: Walk): Decision {
  // Named twice, which of them GitHub would take is not ours to guess.
  const names = (field.arguments ?? []).map((a) => a.name.value);
  if (new Set(names).size !== names.length) return refuse("a GraphQL repository names an argument twice");
  const arg = (name: string) => stringOf(field.arguments?.find((a) => a.name.value === name)?.value, walk);
  const owner = arg("owner");
  const name = arg("name");
  if (owner === null || name === null) return refuse("a GraphQL repository's owner and name must be strings the proxy can read (literals, or string variables)");
  const repo = `${owner}/${name}`.toLowerCase();
  return walk.repos.includes(repo) ? ALLOW : refuse(`${repo} is not the repository of one of your conversations`);
}

/** Connection plumbing, and a repository's default branch: read under the same rules as what holds them. */
const PLUMBING = new Set(["nodes", "edges", "node", "pageInfo", "defaultBranchRef"]);
/** Arguments that pick an object by its name or id, or search: a way to another repository. */
const NAMING_ARGUMENTS = new Set(["owner", "login", "id", "ids", "query", "url"]);

/** One field in its place: what it is under decides what it may be. */
function fieldDecision(field: FieldNode, mode: Mode, walk: Walk, path: readonly string[], spread: readonly string[]): Decision {
  const name = field.name.value;
  if (++walk.visited > MAX_FIELDS || path.length > MAX_DEPTH) return refuse("the GraphQL query is too large or too deeply nested to check");
  if (META.has(name)) return ALLOW;
  const where = [...path, name].join(".");
  const args = (field.arguments ?? []).map((a) => a.name.value);
  const next = [...path, name];
  if (mode === "root") {
    if (name === "repository") {
      const named = repositoryDecision(field, walk);
      return named.allow === true ? selectionDecision(field.selectionSet, "repository", walk, next, spread) : named;
    }
    if (name === "viewer") return selectionDecision(field.selectionSet, "identity", walk, next, spread);
    if (name === "rateLimit") return selectionDecision(field.selectionSet, "inside", walk, next, spread);
    return refuse(`GraphQL ${where} cannot be tied to a repository of your conversations; query \`repository(owner:, name:)\``);
  }
  // A leaf (a scalar, an enum) leads nowhere, whatever its name: `reactionGroups { content }`.
  const exit = field.selectionSet !== undefined && EXITS.has(name);
  if (exit || args.some((a) => NAMING_ARGUMENTS.has(a)) || (name === "repository" && args.length > 0)) return refuse(`GraphQL ${where} cannot be tied to a repository of your conversations`);
  if (!field.selectionSet) return mode !== "identity" || IDENTITY.has(name) ? ALLOW : refuse(`GraphQL ${where}: only who or what it is may be read there`);
  if (REPO_LISTS.has(name) && mode !== "repository") return refuse(`GraphQL ${where}: issues and pull requests are listed only directly under the repository`);
  if (ELSEWHERE.has(name)) return selectionDecision(field.selectionSet, "identity", walk, next, spread);
  if (mode === "identity" && !PLUMBING.has(name)) return refuse(`GraphQL ${where} leads out of the repositories of your conversations`);
  return selectionDecision(field.selectionSet, mode === "identity" ? "identity" : "inside", walk, next, spread);
}

/** Every field of a selection, through inline fragments and named ones (a cycle is refused). */
function selectionDecision(selections: SelectionSetNode | undefined, mode: Mode, walk: Walk, path: readonly string[], spread: readonly string[] = []): Decision {
  for (const selection of selections?.selections ?? []) {
    let decision: Decision;
    if (selection.kind === Kind.FIELD) decision = fieldDecision(selection, mode, walk, path, spread);
    else if (selection.kind === Kind.INLINE_FRAGMENT) decision = selectionDecision(selection.selectionSet, mode, walk, path, spread);
    else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      if (!fragment || spread.includes(name)) return refuse(`the GraphQL fragment ${name} is ${fragment ? "spread within itself" : "not defined"}`);
      decision = selectionDecision(fragment.selectionSet, mode, walk, path, [...spread, name]);
    }
    if (decision.allow !== true) return decision;
  }
  return ALLOW;
}

/**
 * A GraphQL request body against the repositories of the user's conversations. Every operation
 * of the document is checked, whichever `operationName` picks: any mutation or subscription is
 * refused (it cannot be tied to a repository by its path; opening a pull request goes by REST).
 */
export function graphqlDecision(repos: readonly string[], body: unknown): Decision {
  const parsed = GraphqlBodySchema.safeParse(body);
  if (!parsed.success) return refuse("a GraphQL request needs a query (and variables as an object)");
  let document: DocumentNode;
  try {
    document = parse(parsed.data.query, { noLocation: true });
  } catch {
    return refuse("the GraphQL query could not be parsed");
  }
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  if (fragments.size !== document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).length) return refuse("the GraphQL document defines a fragment twice");
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length === 0) return refuse("the GraphQL document holds no query");
  for (const operation of operations) {
    if (operation.operation !== "query") return refuse(MUTATION);
    const definitions = (operation.variableDefinitions ?? []).map((v) => v.variable.name.value);
    if (new Set(definitions).size !== definitions.length) return refuse("the GraphQL query defines a variable twice");
    const defaults = new Map((operation.variableDefinitions ?? []).flatMap((v) => (v.defaultValue ? [[v.variable.name.value, v.defaultValue] as const] : [])));
    const decision = selectionDecision(operation.selectionSet, "root", { fragments, variables: parsed.data.variables ?? {}, defaults, repos, visited: 0 }, []);
    if (decision.allow !== true) return decision;
  }
  return ALLOW;
}
