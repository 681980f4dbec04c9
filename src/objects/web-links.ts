// Short page links, issued and opened: a fresh token whose link the directory keeps under the
// token's digest (core/web-token.ts), and the link a token opens, or null for any token not issued,
// altered or expired. Both the object (issuing /web, /dashboard and /diff's link) and the Worker's
// route (opening one) use these.
import { newWebLinkToken, storedWebLink, webLinkDigest, type WebLink } from "../core/web-token";
import { directoryOf } from "./user-directory";

/** Stores `link` and returns its token (22 characters), for `${origin}/web/${token}`. */
export async function issueWebLink(env: Env, key: CryptoKey, link: WebLink): Promise<string> {
  const stored = storedWebLink(link);
  const token = newWebLinkToken();
  const digest = await webLinkDigest(key, token);
  if (!digest) throw new Error("a fresh token has the token's shape");
  await directoryOf(env).storeWebLink(digest, stored);
  return token;
}

/** The link `token` opens now, or null; nothing is looked up for a token of the wrong shape. */
export async function openWebLink(env: Env, key: CryptoKey, token: string): Promise<WebLink | null> {
  const digest = await webLinkDigest(key, token);
  return digest ? await directoryOf(env).webLink(digest) : null;
}
