// GitHub's REST error answers: `{"message", "documentation_url"}` (and `errors` on a 422), with
// the status codes GitHub's docs give for each case.
export type GithubError = { status: 401 | 403 | 404 | 409 | 422; body: { message: string; documentation_url: string; errors?: unknown[]; status?: string } };

const DOCS = "https://docs.github.com/rest";

export const GithubErrors = {
  /** No token, or one GitHub does not know. */
  badCredentials: (): GithubError => ({ status: 401, body: { message: "Bad credentials", documentation_url: DOCS, status: "401" } }),
  /** A private repository the token cannot see, or a path that names nothing: GitHub answers 404, never 403, so as not to confirm it exists. */
  notFound: (docs = DOCS): GithubError => ({ status: 404, body: { message: "Not Found", documentation_url: docs, status: "404" } }),
  /** A repository the token can read but not write (GitHub's wording for a fine-grained token without the permission). */
  notAccessible: (docs = DOCS): GithubError => ({ status: 403, body: { message: "Resource not accessible by personal access token", documentation_url: docs, status: "403" } }),
  validation: (docs: string, errors: unknown[]): GithubError => ({ status: 422, body: { message: "Validation Failed", errors, documentation_url: docs, status: "422" } }),
  /** A request GitHub understood and refused as a whole, its reasons as sentences (a review comment on a line outside the diff). */
  unprocessable: (docs: string, errors: string[]): GithubError => ({ status: 422, body: { message: "Unprocessable Entity", errors, documentation_url: docs, status: "422" } }),
  /** The body is not JSON (GitHub: 400 "Problems parsing JSON"); kept in the 4xx GitHub uses. */
  invalid: (message: string, docs = DOCS): GithubError => ({ status: 422, body: { message, documentation_url: docs, status: "422" } }),
};

export const DOCS_URLS = {
  getRepo: "https://docs.github.com/rest/repos/repos#get-a-repository",
  createPull: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
  updatePull: "https://docs.github.com/rest/pulls/pulls#update-a-pull-request",
  createComment: "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
  createCheckRun: "https://docs.github.com/rest/checks/runs#create-a-check-run",
  createReview: "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request",
};

/** The 422 GitHub gives when an open pull request from that head into that base exists already. */
export function pullExists(ownerAndBranch: string): GithubError {
  return GithubErrors.validation(DOCS_URLS.createPull, [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${ownerAndBranch}.` }]);
}

/** The 422 of a head with nothing the base lacks. */
export function noCommitsBetween(base: string, head: string): GithubError {
  return GithubErrors.validation(DOCS_URLS.createPull, [{ resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${head}` }]);
}

/** The 422 of a missing or unknown field (`head`, `base`, `name`…). */
export function invalidField(docs: string, resource: string, field: string, code: "missing_field" | "invalid" = "invalid"): GithubError {
  return GithubErrors.validation(docs, [{ resource, field, code }]);
}
