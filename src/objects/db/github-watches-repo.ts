// The directory's GitHub watches: which user's object a repository's webhooks go to, and their secret.
import type { Sql } from "./sql";

type WatchRow = { repo: string; home: string; secret: string; created_at: number };

export type GithubWatch = { repo: string; home: string; secret: string; createdAt: number };

/** GitHub's names are case-insensitive: one key per repository. */
export const watchKey = (repo: string): string => repo.toLowerCase();

export function createGithubWatchesRepo(sql: Sql) {
  return {
    get(repo: string): GithubWatch | null {
      const row = sql<WatchRow>`SELECT * FROM github_watches WHERE repo = ${watchKey(repo)}`[0];
      return row ? { repo: row.repo, home: row.home, secret: row.secret, createdAt: row.created_at } : null;
    },
    /** The repositories `home` watches, by name. */
    reposOf(home: string): string[] {
      return sql<{ repo: string }>`SELECT repo FROM github_watches WHERE home = ${home} ORDER BY repo`.map((r) => r.repo);
    },
    /** Sets the watch (a new secret for the same user replaces the old one). */
    set(repo: string, home: string, secret: string, now: number): void {
      sql`INSERT INTO github_watches (repo, home, secret, created_at) VALUES (${watchKey(repo)}, ${home}, ${secret}, ${now})
        ON CONFLICT (repo) DO UPDATE SET home = excluded.home, secret = excluded.secret, created_at = excluded.created_at`;
    },
    /** Ends `home`'s watch of `repo`; false when it had none. */
    remove(repo: string, home: string): boolean {
      return sql<{ repo: string }>`DELETE FROM github_watches WHERE repo = ${watchKey(repo)} AND home = ${home} RETURNING repo`.length > 0;
    },
  };
}
export type GithubWatchesRepo = ReturnType<typeof createGithubWatchesRepo>;
