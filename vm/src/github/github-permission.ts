// What GitHub's collaborator permission API says `user` may do on `repo`, asked with the VM's
// GITHUB_TOKEN (the relay holds none, and asks here: http/github-permission-routes.ts), so the
// relay can tell an `/agent` comment from someone with write access from anyone else's. Answers
// are kept five minutes per repository and user: a burst of comments asks GitHub once.
import * as z from "zod";
import type { GithubPermission } from "../../../src/protocol/vm/github-permission";

/** How long an answer is kept: a permission taken away counts after this long at most. */
export const PERMISSION_CACHE_MS = 5 * 60_000;
/** GitHub's answer must come in this long; else the check says nothing (and the relay starts nothing). */
const GITHUB_TIMEOUT_MS = 6_000;
const MAX_CACHED = 1_000;

// docs.github.com, "Get repository permissions for a user": `permission` is admin, write, read or
// none (maintain and triage mapped to write and read); `role_name` the full role.
const AnswerSchema = z.object({ permission: z.string(), role_name: z.string().optional() });
const PERMISSIONS = new Set(["admin", "maintain", "write", "triage", "read", "none"]);

export type GithubPermissionDeps = {
  githubApiBase: string;
  githubToken: string | undefined;
  now: () => number;
  fetch?: typeof fetch;
};

/** GitHub's permission for `user` on `repo`: the role when it names a built-in one (maintain, triage), else the legacy permission. */
function permissionOf(answer: z.infer<typeof AnswerSchema>): GithubPermission["permission"] {
  const role = answer.role_name?.toLowerCase();
  const picked = role && PERMISSIONS.has(role) ? role : answer.permission.toLowerCase();
  return PERMISSIONS.has(picked) ? (picked as GithubPermission["permission"]) : null;
}

export function createGithubPermissions(deps: GithubPermissionDeps) {
  const cache = new Map<string, { answer: GithubPermission; at: number }>();
  const doFetch = deps.fetch ?? fetch;

  async function ask(repo: string, user: string): Promise<GithubPermission> {
    if (!deps.githubToken) return { permission: null };
    const url = `${deps.githubApiBase.replace(/\/+$/, "")}/repos/${repo}/collaborators/${encodeURIComponent(user)}/permission`;
    try {
      const res = await doFetch(url, {
        headers: { authorization: `Bearer ${deps.githubToken}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", "user-agent": "whatsapp-claude-relay" },
        signal: AbortSignal.timeout(GITHUB_TIMEOUT_MS),
      });
      if (!res.ok) {
        await res.body?.cancel();
        return { permission: null };
      }
      const parsed = AnswerSchema.safeParse(await res.json());
      return { permission: parsed.success ? permissionOf(parsed.data) : null };
    } catch {
      return { permission: null };
    }
  }

  return {
    /** The permission, from the cache when asked within PERMISSION_CACHE_MS; a failed ask is not kept. */
    async of(repo: string, user: string): Promise<GithubPermission> {
      const key = `${repo.toLowerCase()}\n${user.toLowerCase()}`;
      const kept = cache.get(key);
      if (kept && deps.now() - kept.at < PERMISSION_CACHE_MS) return kept.answer;
      const answer = await ask(repo, user);
      if (answer.permission !== null) {
        if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
        cache.set(key, { answer, at: deps.now() });
      }
      return answer;
    },
  };
}
export type GithubPermissions = ReturnType<typeof createGithubPermissions>;
