// /github's answers: the directory keeps the watches (one user per repository), so they are
// carried out after the webhook's answer, like an admin's requests. A watch's webhook is a door
// (triggers/door-keys.ts): its URL seals this object's name and the watch's id, its secret derives
// from them; this object keeps the live id, against which a delivery that passed the door is checked.
import { type DoorKeys, doorKeysFor, doorSecret, sealDoor } from "../triggers/door-keys";
import { NO_DOOR_KEY, unwatchReply, watchListReply, watchReply, watchTaken, type StandInRegistration } from "./github-replies";
import * as z from "zod/mini";
import type { Config } from "../config/config";
import type { GithubRequest } from "./command-github";
import { homeWatches } from "./github-watches-repo";
import { publicOriginOf, type SettingsRepo } from "../config/settings-repo";
import type { Sql } from "../shared/sql";
import { withDeadline } from "../shared/deadline";
import { directoryOf } from "../directory/user-directory";

/** What /github's answers need of the object (after-command.ts passes its own deps). */
export type GithubActionDeps = { env: Env; phone: string; config: Config | null; settings: SettingsRepo; sql: Sql };

/** The webhook's URL under `origin` (PUBLIC_URL, else the origin the user's messages came to), for the sealed door id `door`. */
export const webhookUrl = (origin: string | null, door: string) => (origin ? `${origin.replace(/\/+$/, "")}/github/webhook/${door}` : null);

/** A watch's door: its sealed id and the secret GitHub signs with. */
export async function githubDoor(keys: DoorKeys, home: string, watchId: string): Promise<{ door: string; secret: string }> {
  const door = await sealDoor(keys, "github", { home, id: watchId });
  return { door, secret: await doorSecret(keys, "github", door) };
}

/** Carries out `request` for the user whose object this is; the reply. The secret is in it once, and nowhere else. */
export async function carryOutGithub(d: GithubActionDeps, request: GithubRequest): Promise<string> {
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
      const url = webhookUrl(publicOriginOf(d.settings, d.config), door);
      const standIn = d.config?.githubStandInUrl && url ? await registerWithStandIn(d.config.githubStandInUrl, request.repo, url, secret) : null;
      return watchReply({ repo: request.repo, url, secret, renewed: watched.renewed, standIn });
    }
  }
}

const StandInAnswer = z.object({ error: z.optional(z.string()) });
/** The local stand-in answers in milliseconds; this only bounds one that hangs. */
const STAND_IN_TIMEOUT_MS = 10_000;

/**
 * Locally (GITHUB_STAND_IN_URL, set by `npm start` only), the webhook is registered with the
 * stand-in's own control route, as the user would paste it into GitHub's settings: the README's
 * GitHub steps then reach the chat with nothing to copy. The stand-in pings the URL at once.
 */
async function registerWithStandIn(base: string, repo: string, url: string, secret: string): Promise<StandInRegistration> {
  const at = base.replace(/\/+$/, "");
  try {
    // Bounded like every call out: a stand-in that hangs leaves `/github watch` answering, with the hook to add by hand.
    const { response, body } = await withDeadline(STAND_IN_TIMEOUT_MS, async (signal) => {
      const response = await fetch(`${at}/__github/repos/${repo}/hooks`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url, secret, contentType: "json" }), signal });
      return { response, body: await response.json().catch(() => ({})) };
    });
    const answer = StandInAnswer.safeParse(body);
    if (response.status === 201) return { outcome: "registered", settingsUrl: `${at}/${repo}/settings/hooks` };
    return { outcome: "refused", why: (answer.success && answer.data.error) || `HTTP ${response.status}` };
  } catch {
    return { outcome: "refused", why: `${at} did not answer` };
  }
}
