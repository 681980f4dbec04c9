// Short page links, issued and opened: a fresh token whose link the directory keeps under the
// token's digest (web/web-token.ts), and the link a token opens, or null for any token not issued,
// altered or expired. Both the object (issuing /web, /dashboard and /diff's link) and the Worker's
// route (opening one) use these. A token this relay did not make (its tag is wrong) is refused
// before the directory is asked: guessing at links costs the one directory object nothing.
import type { Config } from "../config/config";
import { newWebLinkToken, storedWebLink, webLinkDigest, webLinkExpiresAt, webLinkKeyFor, type WebLink } from "./web-token";
import type { PageScope } from "../conversations/page-scope";
import { publicOriginOf, type SettingsRepo } from "../config/settings-repo";
import { directoryOf } from "../directory/user-directory";

/** /web or /dashboard after the command's transaction (joined in agent/vm-action.ts): a link signed (async, so after the webhook's answer) for this phone, under its link epoch. */
export type WebLinkAction = { kind: "web_link"; scope: PageScope; epoch: number };

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

/**
 * The link `token` opens now, or null; `directory` is not asked for a token this key did not make.
 * `digest`: what the directory keeps it under, which names the link without being it (its live sockets' tag).
 */
export async function openWebLink(directory: WebLinkLookup, key: CryptoKey, token: string): Promise<(WebLink & { digest: string }) | null> {
  const digest = await webLinkDigest(key, token);
  const link = digest ? await directory.webLink(digest) : null;
  return link && digest ? { ...link, digest } : null;
}

/** A fresh short link to `phone`'s page of `scope`, valid WEB_LINK_TTL_HOURS; null without a signing secret or public URL. */
export async function pageLink(d: { env: Env; config: Config | null; settings: SettingsRepo; phone: string }, scope: PageScope, epoch: number, now: number): Promise<{ url: string; ttlHours: number } | null> {
  const key = d.config && webLinkKeyFor(d.config);
  const origin = publicOriginOf(d.settings, d.config);
  if (!key || !origin || !d.config) return null;
  const ttlHours = d.config.webLinkTtlHours;
  const object = d.env.PHONE_AGENT.idFromName(d.phone).toString();
  const token = await issueWebLink(d.env, await key, { object, scope, epoch, expiresAt: webLinkExpiresAt(now, ttlHours) });
  return { url: `${origin.replace(/\/+$/, "")}/web/${token}`, ttlHours };
}

/** One run's own page (`…/runs/<run id>`, which lists its requests whole) under a fresh link to its conversation's page; null: links are not set up. */
export async function runPageLink(d: Parameters<typeof pageLink>[0], run: { conversationId: number; runId: string }, epoch: number, now: number): Promise<string | null> {
  const link = await pageLink(d, { kind: "conversation", conversationId: run.conversationId }, epoch, now);
  return link ? `${link.url}/runs/${encodeURIComponent(run.runId)}` : null;
}
