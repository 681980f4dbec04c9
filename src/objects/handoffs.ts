// /handoff in the phone's object: a code issued for a conversation (its HMAC stored here and, with
// this object's id, in the directory the Worker's /h/<code> route asks), the code checked when its
// script is read, and used up when the laptop downloads the conversation from the VM.
import type { Config } from "../config";
import { awayClock, checkHandoffCode, HANDOFF_TTL_MS, handedOffNotice, handoffReply, handoffUrl, type HandoffCodeRefusal } from "../core/handoff";
import { NO_CURRENT_CONVERSATION } from "../core/replies/conversations";
import { WEB_LINK_UNAVAILABLE } from "../core/replies/web";
import { formatDateTimeInZone } from "../core/schedule-format";
import { newWebLinkToken, webLinkDigest, webLinkKeyFor } from "../core/web-token";
import type { VmClient } from "./clients/vm-client";
import type { Repos } from "./db/repos";
import { publicOriginOf } from "./db/settings-repo";
import type { Sql } from "./db/sql";
import { timeZoneOf } from "./units/schedules";
import { directoryOf } from "./user-directory";
import { webLinkEpoch } from "./web-page-data";

export type HandoffDeps = {
  env: Env;
  config: Config | null;
  phone: string;
  sql: Pick<Sql, "transaction">;
  repos: Pick<Repos, "handoffs" | "conversations" | "settings">;
  vm: Pick<VmClient, "handoffOut"> | null;
};

export type HandoffCodeAnswer = { ok: true; conversation: string } | { ok: false; refusal: HandoffCodeRefusal };
export type HandoffDataAnswer = { ok: true; bundle: Uint8Array<ArrayBuffer> } | { ok: false; refusal: HandoffCodeRefusal } | { ok: false; refusal: null; message: string };

/** The reply to /handoff: a fresh code for the conversation and the shell line that uses it. */
export async function issueHandoff(d: HandoffDeps, conversationId: number, now: number): Promise<string> {
  const conversation = d.repos.conversations.get(conversationId);
  if (!conversation) return NO_CURRENT_CONVERSATION;
  const key = d.config && webLinkKeyFor(d.config);
  const origin = publicOriginOf(d.repos.settings, d.config);
  if (!key || !origin) return WEB_LINK_UNAVAILABLE;
  // A page link's token, in a table of its own: it opens no page, and no page link opens it.
  const code = await newWebLinkToken(await key);
  const digest = await webLinkDigest(await key, code);
  if (!digest) throw new Error("a fresh token has the token's shape");
  const expiresAt = now + HANDOFF_TTL_MS;
  d.sql.transaction(() => d.repos.handoffs.add(digest, { conversationId, epoch: webLinkEpoch(d.repos.settings), createdAt: now, expiresAt }));
  await directoryOf(d.env).storeHandoffCode(digest, d.env.PHONE_AGENT.idFromName(d.phone).toString(), expiresAt);
  return handoffReply({ conversation: conversation.name, url: handoffUrl(origin, code), ttlMinutes: HANDOFF_TTL_MS / 60_000 });
}

/** What the code stored under `digest` may do now (`read`: its script; `take`: the data). */
function check(d: HandoffDeps, digest: string, use: "read" | "take", now: number) {
  const row = d.repos.handoffs.get(digest);
  const conversation = row ? d.repos.conversations.get(row.conversationId) : null;
  const refusal = checkHandoffCode(row, { now, epoch: webLinkEpoch(d.repos.settings), conversationExists: conversation !== null }, use);
  return refusal || !conversation ? { refusal: refusal ?? ("unknown" as const) } : { refusal: null, conversation };
}

export function readHandoffCode(d: HandoffDeps, digest: string, now: number): HandoffCodeAnswer {
  const checked = check(d, digest, "read", now);
  return checked.refusal ? { ok: false, refusal: checked.refusal } : { ok: true, conversation: checked.conversation.name };
}

/**
 * The conversation's bundle for a laptop in `laptopDir`; the code is used up first (a second
 * download, even a concurrent one, is refused), and given back if the VM could not make it.
 */
export async function takeHandoff(d: HandoffDeps, digest: string, laptopDir: string, now: number, tell: (text: string) => void): Promise<HandoffDataAnswer> {
  const checked = check(d, digest, "take", now);
  if (checked.refusal) return { ok: false, refusal: checked.refusal };
  const { conversation } = checked;
  if (!d.sql.transaction(() => d.repos.handoffs.use(digest, now))) return { ok: false, refusal: "used" };
  const out = d.vm ? await d.vm.handoffOut(d.phone, conversation.workspace, { sessionId: conversation.sessionId, laptopDir }) : { ok: false as const, message: "no agent VM is set up." };
  if (!out.ok) {
    d.sql.transaction(() => d.repos.handoffs.unuse(digest));
    return { ok: false, refusal: null, message: out.message };
  }
  tell(handedOffNotice(conversation.name, awayClock(now, timeZoneOf(d.repos.settings), formatDateTimeInZone)));
  return { ok: true, bundle: out.bundle };
}
