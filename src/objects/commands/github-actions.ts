// /github's answers: the directory keeps the watches (one user per repository), so they are
// carried out after the webhook's answer, like an admin's requests. A watch's webhook is a door
// (core/door-keys.ts): its URL seals this object's name and the watch's id, its secret derives
// from them; this object keeps the live id, against which a delivery that passed the door is checked.
import { type DoorKeys, doorKeysFor, doorSecret, sealDoor } from "../../core/door-keys";
import { NO_DOOR_KEY, unwatchReply, watchListReply, watchReply, watchTaken } from "../../core/replies/github";
import type { GithubRequest } from "../../core/command-github";
import { homeWatches } from "../db/github-watches-repo";
import { publicOriginOf } from "../db/settings-repo";
import { directoryOf } from "../user-directory";
import type { AfterCommandDeps } from "./after-command";

/** The webhook's URL under `origin` (PUBLIC_URL, else the origin the user's messages came to), for the sealed door id `door`. */
export const webhookUrl = (origin: string | null, door: string) => (origin ? `${origin.replace(/\/+$/, "")}/github/webhook/${door}` : null);

/** A watch's door: its sealed id and the secret GitHub signs with. */
export async function githubDoor(keys: DoorKeys, home: string, watchId: string): Promise<{ door: string; secret: string }> {
  const door = await sealDoor(keys, "github", { home, id: watchId });
  return { door, secret: await doorSecret(keys, "github", door) };
}

/** Carries out `request` for the user whose object this is; the reply. The secret is in it once, and nowhere else. */
export async function carryOutGithub(d: Pick<AfterCommandDeps, "env" | "phone" | "config" | "settings" | "sql">, request: GithubRequest): Promise<string> {
  const directory = directoryOf(d.env);
  switch (request.action) {
    case "list":
      return watchListReply(await directory.githubWatchesOf(d.phone));
    case "unwatch": {
      // Shut here first: a delivery through the old door is refused even if the directory is not reached.
      d.sql.transaction(() => homeWatches.set(d.settings, request.repo, null));
      return unwatchReply(request.repo, await directory.unwatchGithub(request.repo, d.phone));
    }
    case "watch": {
      const keys = d.config ? doorKeysFor(d.config) : null;
      if (!keys) return NO_DOOR_KEY;
      const watched = await directory.watchGithub(request.repo, d.phone);
      if (watched.outcome === "taken") return watchTaken(request.repo);
      d.sql.transaction(() => homeWatches.set(d.settings, request.repo, watched.watchId));
      const { door, secret } = await githubDoor(await keys, d.phone, watched.watchId);
      return watchReply({ repo: request.repo, url: webhookUrl(publicOriginOf(d.settings, d.config), door), secret, renewed: watched.renewed });
    }
  }
}
