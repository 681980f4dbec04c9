// The directory's GitHub watches: which user's object each repository belongs to (one user per
// repository), and the id of its current webhook door. The webhook's secret is derived, never
// kept (triggers/door-keys.ts); a watch made before doors has no id and its webhook no longer opens.
import type { SettingsRepo } from "../config/settings-repo";
import type { Sql } from "../shared/sql";

type WatchRow = { repo: string; home: string; watch_id: string | null; created_at: number };

export type GithubWatch = { repo: string; home: string; watchId: string | null; createdAt: number };

/** GitHub's names are case-insensitive: one key per repository. */
export const watchKey = (repo: string): string => repo.toLowerCase();

const toWatch = (row: WatchRow): GithubWatch => ({ repo: row.repo, home: row.home, watchId: row.watch_id, createdAt: row.created_at });

export function createGithubWatchesRepo(sql: Sql) {
  return {
    get(repo: string): GithubWatch | null {
      const row = sql<WatchRow>`SELECT repo, home, watch_id, created_at FROM github_watches WHERE repo = ${watchKey(repo)}`[0];
      return row ? toWatch(row) : null;
    },
    /** The watches of `home`, by repository. */
    of(home: string): GithubWatch[] {
      return sql<WatchRow>`SELECT repo, home, watch_id, created_at FROM github_watches WHERE home = ${home} ORDER BY repo`.map(toWatch);
    },
    /** Sets the watch (a new id for the same user replaces the old one, whose door then stays shut). */
    set(repo: string, home: string, watchId: string, now: number): void {
      // `secret` is the pre-door column: nothing is kept in it any more.
      sql`INSERT INTO github_watches (repo, home, secret, watch_id, created_at) VALUES (${watchKey(repo)}, ${home}, '', ${watchId}, ${now})
        ON CONFLICT (repo) DO UPDATE SET home = excluded.home, secret = '', watch_id = excluded.watch_id, created_at = excluded.created_at`;
    },
    /** Ends `home`'s watch of `repo`; false when it had none. */
    remove(repo: string, home: string): boolean {
      return sql<{ repo: string }>`DELETE FROM github_watches WHERE repo = ${watchKey(repo)} AND home = ${home} RETURNING repo`.length > 0;
    },
  };
}
export type GithubWatchesRepo = ReturnType<typeof createGithubWatchesRepo>;

/**
 * The watching object's own copy of its live watch ids (a settings key per repository): what a
 * delivery that passed the door is checked against, so /github unwatch or a new /github watch
 * shuts the old door at once without the Worker asking the directory.
 */
const settingKey = (repo: string): `github_watch:${string}` => `github_watch:${watchKey(repo)}`;

export const homeWatches = {
  idOf: (settings: Pick<SettingsRepo, "get">, repo: string): string | null => settings.get(settingKey(repo)),
  set: (settings: Pick<SettingsRepo, "set">, repo: string, watchId: string | null): void => settings.set(settingKey(repo), watchId),
};
