// The GitHub repository each workspace was cloned from, as the server recorded it at the clone:
// the scope of its user's agents on GitHub (core/github-scope.ts). Kept in a file of the server's
// (DATA_DIR/.github-repos.json), never read from the workspace's own git config, which its agent
// could point at any repository.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { repoOfUrl } from "./core/github-scope";
import { resolveInside } from "./user-paths";

const EntrySchema = z.object({ repo: z.string(), branch: z.string().nullable(), defaultBranch: z.string().nullable() });
const FileSchema = z.record(z.string(), z.record(z.string(), EntrySchema));
export type GithubRepoEntry = z.infer<typeof EntrySchema> & { workspace: string };

export type GithubRepos = {
  /** After a clone: the workspace's remote, when it is on the GitHub host (else nothing is kept). */
  record(userKey: string, workspace: string, origin: string, branch: string | null, defaultBranch: string | null): void;
  forget(userKey: string, workspace: string): void;
  of(userKey: string): GithubRepoEntry[];
};

export function createGithubRepos(input: { dataDir: string; githubUrl: string }): GithubRepos {
  const file = resolveInside(input.dataDir, ".github-repos.json");
  const read = (): z.infer<typeof FileSchema> => {
    if (!existsSync(file)) return {};
    const parsed = FileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : {};
  };
  let all = read();
  const save = () => {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(all), { mode: 0o600 });
    renameSync(temporary, file);
  };
  return {
    record(userKey, workspace, origin, branch, defaultBranch) {
      const repo = repoOfUrl(origin, input.githubUrl);
      if (!repo) return;
      all = { ...all, [userKey]: { ...all[userKey], [workspace]: { repo, branch, defaultBranch } } };
      save();
    },
    forget(userKey, workspace) {
      if (!all[userKey]?.[workspace]) return;
      const { [workspace]: _gone, ...rest } = all[userKey];
      all = { ...all, [userKey]: rest };
      save();
    },
    of: (userKey) => Object.entries(all[userKey] ?? {}).map(([workspace, entry]) => ({ ...entry, workspace })),
  };
}
