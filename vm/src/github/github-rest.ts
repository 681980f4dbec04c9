// One call to GitHub's REST API with the VM's GITHUB_TOKEN (the server's, never the agent's): the
// status and the JSON answer, or status 0 and the error's words when GitHub did not answer in time.
export type GithubRestDeps = { githubApiBase: string; githubToken: string | undefined; fetch?: typeof fetch };
export type GithubRest = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: unknown }>;

const API_TIMEOUT_MS = 30_000;

export function createGithubRest(deps: GithubRestDeps, userAgent: string): GithubRest {
  const fetchFn = deps.fetch ?? ((input, init) => fetch(input, init));
  return async (method, path, body) => {
    try {
      const res = await fetchFn(`${deps.githubApiBase.replace(/\/+$/, "")}${path}`, {
        method,
        headers: { authorization: `Bearer ${deps.githubToken ?? ""}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", "user-agent": userAgent, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
      return { status: res.status, json: await res.json().catch(() => null) };
    } catch (error) {
      return { status: 0, json: { message: error instanceof Error ? error.message : String(error) } };
    }
  };
}
