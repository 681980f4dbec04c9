// /github's answers: the directory keeps the watches (one user per repository), so they are
// carried out after the webhook's answer, like an admin's requests.
import { unwatchReply, watchListReply, watchReply, watchTaken } from "../../core/replies/github";
import type { GithubRequest } from "../../core/command-github";
import { directoryOf } from "../user-directory";

/** The webhook's URL under `origin` (PUBLIC_URL, else the origin the user's messages came to). */
export const webhookUrl = (origin: string | null) => (origin ? `${origin.replace(/\/+$/, "")}/github/webhook` : null);

/** Carries out `request` for the user whose object is `home`; the reply. The secret is in it once, and nowhere else. */
export async function carryOutGithub(env: Env, home: string, origin: string | null, request: GithubRequest): Promise<string> {
  const directory = directoryOf(env);
  switch (request.action) {
    case "list":
      return watchListReply(await directory.githubWatchesOf(home));
    case "unwatch":
      return unwatchReply(request.repo, await directory.unwatchGithub(request.repo, home));
    case "watch": {
      const watched = await directory.watchGithub(request.repo, home);
      if (watched.outcome === "taken") return watchTaken(request.repo);
      return watchReply({ repo: request.repo, url: webhookUrl(origin), secret: watched.secret, renewed: watched.renewed });
    }
  }
}
