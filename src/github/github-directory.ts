// The /github watches in the UserDirectory (directory/directory-tables.ts): which user watches which
// repository, one home per repository, each watch with the id of its webhook's door.
import type { DirectoryDb, DirectoryTables } from "../directory/directory-tables";
import { logEvent } from "../shared/log";
import { createGithubWatchesRepo } from "./github-watches-repo";

type Watches = { watches: ReturnType<typeof createGithubWatchesRepo>; clock: DirectoryDb["clock"] };

export const githubDirectoryTables = {
  open: ({ sql, clock }): Watches => ({ watches: createGithubWatchesRepo(sql), clock }),
  rpcs: {
    /**
     * `home` (a user's object) watches `repo`: a fresh watch id, the id of its webhook's door (a repeat
     * by the same user replaces it, and the old door stays shut). Refused when another user watches
     * it: one home per repository. The secret is derived from the id by the caller, never kept here.
     */
    watchGithub({ watches, clock }: Watches, repo: string, home: string): { outcome: "watching"; watchId: string; renewed: boolean } | { outcome: "taken" } {
      const held = watches.get(repo);
      if (held && held.home !== home) return { outcome: "taken" };
      const watchId = randomHex(16);
      watches.set(repo, home, watchId, clock());
      logEvent("github_watch", { object: "UserDirectory", repo: repo.toLowerCase(), home, renewed: held !== null });
      return { outcome: "watching", watchId, renewed: held !== null };
    },

    /** Ends `home`'s watch of `repo`; false when it had none. */
    unwatchGithub({ watches }: Watches, repo: string, home: string): boolean {
      const removed = watches.remove(repo, home);
      if (removed) logEvent("github_unwatch", { object: "UserDirectory", repo: repo.toLowerCase(), home });
      return removed;
    },

    /** The repositories `home` watches; `door: false` for a watch made before doors, whose webhook no longer opens. */
    githubWatchesOf({ watches }: Watches, home: string): { repo: string; door: boolean }[] {
      return watches.of(home).map((w) => ({ repo: w.repo, door: w.watchId !== null }));
    },
  },
} satisfies DirectoryTables;

/** `bytes` random bytes in hex. */
function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
