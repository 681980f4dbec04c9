// The GitHub repository each workspace was cloned from, as the server recorded it at the clone:
// the scope of its user's agents on GitHub (core/github-scope.ts). Kept in a file of the server's
// (DATA_DIR/.github-repos.json), never read from the workspace's own git config, which its agent
// could point at any repository.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod";
import type { AgentIds } from "../core/agent-ids";
import { repoOfUrl } from "../core/github-scope";
import { defaultBranchOf, describeCheckout } from "../git/git-clone";
import { resolveInside, userPathsOfKey } from "../users/user-paths";

const EntrySchema = z.object({
  repo: z.string(),
  /** The conversation's branch: the one cloned, then the one /ship pushed to (never read from the workspace). */
  branch: z.string().nullable(),
  defaultBranch: z.string().nullable(),
  /** Pull requests /ship opened for this workspace: the only ones it adopts when GitHub says one exists. */
  pulls: z.array(z.number().int().positive()).optional(),
});
const FileSchema = z.record(z.string(), z.record(z.string(), EntrySchema));
export const GithubRepoEntrySchema = EntrySchema.extend({ workspace: z.string() });
export type GithubRepoEntry = z.infer<typeof GithubRepoEntrySchema>;

export type GithubRepos = {
  /** Whether the file existed when the server started: false on the first start of this version. */
  existed: boolean;
  /** After a clone: the workspace's remote, when it is on the GitHub host (else nothing is kept). */
  record(userKey: string, workspace: string, origin: string, branch: string | null, defaultBranch: string | null): void;
  /** A pull request /ship opened for the workspace. */
  recordPull(userKey: string, workspace: string, number: number): void;
  forget(userKey: string, workspace: string): void;
  /** Writes the file as it is (records and forgets write it themselves). */
  save(): void;
  of(userKey: string): GithubRepoEntry[];
  /** A user's entries as an archive carried them (replacing any there), or none: the user's directory went. */
  put(userKey: string, entries: readonly GithubRepoEntry[]): void;
};

export function createGithubRepos(input: { dataDir: string; githubUrl: string }): GithubRepos {
  const file = resolveInside(input.dataDir, ".github-repos.json");
  const read = (): z.infer<typeof FileSchema> => {
    if (!existsSync(file)) return {};
    const parsed = FileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : {};
  };
  const existed = existsSync(file);
  let all = read();
  const save = () => {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(all), { mode: 0o600 });
    renameSync(temporary, file);
  };
  return {
    existed,
    record(userKey, workspace, origin, branch, defaultBranch) {
      const repo = repoOfUrl(origin, input.githubUrl);
      if (!repo) return;
      const before = all[userKey]?.[workspace];
      const pulls = before?.repo === repo ? before.pulls : undefined;
      all = { ...all, [userKey]: { ...all[userKey], [workspace]: { repo, branch, defaultBranch, ...(pulls ? { pulls } : {}) } } };
      save();
    },
    recordPull(userKey, workspace, number) {
      const entry = all[userKey]?.[workspace];
      if (!entry || entry.pulls?.includes(number)) return;
      all = { ...all, [userKey]: { ...all[userKey], [workspace]: { ...entry, pulls: [...(entry.pulls ?? []), number].slice(-100) } } };
      save();
    },
    forget(userKey, workspace) {
      if (!all[userKey]?.[workspace]) return;
      const { [workspace]: _gone, ...rest } = all[userKey];
      all = { ...all, [userKey]: rest };
      save();
    },
    save,
    of: (userKey) => Object.entries(all[userKey] ?? {}).map(([workspace, entry]) => ({ ...entry, workspace })),
    put(userKey, entries) {
      const { [userKey]: _old, ...others } = all;
      const kept = entries.map(({ workspace, ...entry }) => [workspace, EntrySchema.parse(entry)] as const);
      all = kept.length > 0 ? { ...others, [userKey]: Object.fromEntries(kept) } : others;
      save();
    },
  };
}

/**
 * Once, on the first start of a version that keeps this file: the workspaces cloned before it get
 * their checkout's remote recorded as it is then (the one time the workspace's own config is
 * trusted), so their users keep reaching their repositories. Workspaces made later are recorded at
 * their clone only.
 */
export async function adoptCheckouts(repos: GithubRepos, dataDir: string, idsOf: (userKey: string) => AgentIds | null): Promise<number> {
  if (repos.existed) return 0;
  const usersDir = join(dataDir, "users");
  let adopted = 0;
  const keys = existsSync(usersDir) ? readdirSync(usersDir).filter((key) => /^[0-9a-f]{64}$/.test(key)) : [];
  for (const key of keys) {
    const paths = userPathsOfKey(dataDir, key);
    const named = existsSync(join(paths.root, "workspaces")) ? readdirSync(join(paths.root, "workspaces")) : [];
    const dirs: Array<[string, string]> = [["main", paths.workspace], ...named.map((name): [string, string] => [name, join(paths.root, "workspaces", name)])];
    for (const [workspace, dir] of dirs) {
      if (!existsSync(dir)) continue;
      const ids = idsOf(key);
      const { origin, branch } = await describeCheckout(dir, ids);
      if (!origin) continue;
      repos.record(key, workspace, origin, branch, await defaultBranchOf(dir, ids));
      if (repos.of(key).some((entry) => entry.workspace === workspace)) adopted++;
    }
  }
  // Written even when empty: the next start adopts nothing.
  repos.save();
  return adopted;
}
