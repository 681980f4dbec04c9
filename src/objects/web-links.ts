// Short page links, issued and opened: a fresh token whose link the directory keeps under the
// token's digest (core/web-token.ts), and the link a token opens, or null for any token not issued,
// altered or expired. Both the object (issuing /web, /dashboard and /diff's link) and the Worker's
// route (opening one) use these. A token this relay did not make (its tag is wrong) is refused
// before the directory is asked: guessing at links costs the one directory object nothing.
import { newWebLinkToken, storedWebLink, webLinkDigest, type WebLink } from "../core/web-token";
import { directoryOf } from "./user-directory";

/** Stores `link` and returns its token (22 characters), for `${origin}/web/${token}`. */
export async function issueWebLink(env: Env, key: CryptoKey, link: WebLink): Promise<string> {
  const stored = storedWebLink(link);
  const token = await newWebLinkToken(key);
  const digest = await webLinkDigest(key, token);
  if (!digest) throw new Error("a fresh token has the token's shape");
  await directoryOf(env).storeWebLink(digest, stored);
  return token;
}

/** Where a token's link is looked up: the directory (its stub), or a test's stand-in. */
export type WebLinkLookup = { webLink(digest: string): Promise<WebLink | null> | WebLink | null };

/** The link `token` opens now, or null; `directory` is not asked for a token this key did not make. */
export async function openWebLink(directory: WebLinkLookup, key: CryptoKey, token: string): Promise<WebLink | null> {
  const digest = await webLinkDigest(key, token);
  return digest ? await directory.webLink(digest) : null;
}
