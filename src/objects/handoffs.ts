// /handoff in the phone's object: a code issued for a conversation (its HMAC stored here and, with
// this object's id, in the directory the Worker's /h/<code> route asks), the code checked when its
// script is read, and used up when the laptop downloads the conversation from the VM.
import type { Config } from "../config";
import { toBase64 } from "../core/encoding";
import type { HandbackRequest } from "../protocol/vm/handoff";
import { awayClock, backNotice, handbackConflictNotice, checkHandoffCode, HANDOFF_TTL_MS, handbackReply, handedOffNotice, handoffReply, handoffUrl, type HandoffCodeRefusal, type HandoffDirection } from "../core/handoff";
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
  vm: Pick<VmClient, "handoffOut" | "handback"> | null;
};

export type HandoffCodeAnswer = { ok: true; conversation: string; direction: HandoffDirection } | { ok: false; refusal: HandoffCodeRefusal };
export type HandoffDataAnswer = { ok: true; bundle: Uint8Array<ArrayBuffer> } | { ok: false; refusal: HandoffCodeRefusal } | { ok: false; refusal: null; message: string };

/** The reply to /handoff: a fresh code for the conversation and the shell line that uses it. */
export async function issueHandoff(d: HandoffDeps, conversationId: number, direction: HandoffDirection, now: number): Promise<string> {
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
  d.sql.transaction(() => d.repos.handoffs.add(digest, { conversationId, direction, epoch: webLinkEpoch(d.repos.settings), createdAt: now, expiresAt }));
  await directoryOf(d.env).storeHandoffCode(digest, d.env.PHONE_AGENT.idFromName(d.phone).toString(), expiresAt);
  return (direction === "out" ? handoffReply : handbackReply)({ conversation: conversation.name, url: handoffUrl(origin, code), ttlMinutes: HANDOFF_TTL_MS / 60_000 });
}

/** What the code stored under `digest` may do now (`read`: its script; `take`: the data). */
function check(d: HandoffDeps, digest: string, use: "read" | "take", now: number, direction?: HandoffDirection) {
  const row = d.repos.handoffs.get(digest);
  const conversation = row ? d.repos.conversations.get(row.conversationId) : null;
  const refusal = checkHandoffCode(row, { now, epoch: webLinkEpoch(d.repos.settings), conversationExists: conversation !== null }, use, direction);
  return refusal || !conversation ? { refusal: refusal ?? ("unknown" as const) } : { refusal: null, conversation };
}

export function readHandoffCode(d: HandoffDeps, digest: string, now: number): HandoffCodeAnswer {
  const checked = check(d, digest, "read", now);
  return checked.refusal ? { ok: false, refusal: checked.refusal } : { ok: true, conversation: checked.conversation.name, direction: d.repos.handoffs.get(digest)?.direction ?? "out" };
}

/**
 * The conversation's bundle for a laptop in `laptopDir`; the code is used up first (a second
 * download, even a concurrent one, is refused), and given back if the VM could not make it.
 */
export async function takeHandoff(d: HandoffDeps, digest: string, laptopDir: string, now: number, tell: (text: string) => void): Promise<HandoffDataAnswer> {
  const checked = check(d, digest, "take", now, "out");
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

/** What the laptop sends back (the Worker parsed it): its directory and branch, and what it has that the VM lacks. */
export type HandbackUpload = Omit<HandbackRequest, "bundle" | "patch"> & { bundle: Uint8Array | null; patch: Uint8Array | null };
export type HandbackAnswer = { ok: true; text: string } | { ok: false; refusal: HandoffCodeRefusal } | { ok: false; refusal: null; message: string; conflict: boolean };

/**
 * The laptop's work into the conversation: the VM takes the commits, changes and session, the
 * conversation resumes that session from its next message, and the chat says what came back. A
 * conversation changed on the VM meanwhile is not overwritten (the VM refuses; the code works again).
 */
export async function takeHandback(d: HandoffDeps, digest: string, upload: HandbackUpload, now: number, tell: (text: string) => void): Promise<HandbackAnswer> {
  const checked = check(d, digest, "take", now, "back");
  if (checked.refusal) return { ok: false, refusal: checked.refusal };
  const { conversation } = checked;
  if (!d.sql.transaction(() => d.repos.handoffs.use(digest, now))) return { ok: false, refusal: "used" };
  const base64 = (bytes: Uint8Array | null) => (bytes ? toBase64(bytes) : null);
  const back = d.vm ? await d.vm.handback(d.phone, conversation.workspace, { ...upload, bundle: base64(upload.bundle), patch: base64(upload.patch) }) : { ok: false as const, message: "no agent VM is set up.", conflict: false };
  if (!back.ok) {
    d.sql.transaction(() => d.repos.handoffs.unuse(digest));
    // The chat hears of a conflict too: the laptop's work stays on the laptop, the conversation's here.
    if (back.conflict) tell(handbackConflictNotice(conversation.name));
    return { ok: false, refusal: null, message: back.message, conflict: back.conflict };
  }
  const text = backNotice(conversation.name, back.done);
  d.sql.transaction(() => {
    if (back.done.sessionId) d.repos.conversations.setSession(conversation.id, back.done.sessionId);
    d.repos.handoffs.markBack(conversation.id, now);
  });
  tell(text);
  return { ok: true, text };
}
