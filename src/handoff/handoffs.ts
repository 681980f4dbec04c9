// /handoff in the phone's object: a code issued for a conversation (its HMAC stored here and, with
// this object's id, in the directory the Worker's /h/<code> route asks), the code checked when its
// script is read, and used up when the laptop downloads the conversation from the VM (or, for
// /handoff new, when its upload fills a new conversation).
import type { Config } from "../config/config";
import { toBase64 } from "../shared/encoding";
import { readJson } from "../shared/json-text";
import { HandoffStagedSchema, type HandbackRequest, type HandoffNewRequest, type HandoffStaged } from "../protocol/vm/handoff";
import { arrivedNotice, awayClock, handoffRefusedNotice, backNotice, handoffBlocked, handbackFailedNotice, handoffFailedNotice, handoffNewFailedNotice, handoffNewNameTaken, handoffNewReply, conflictButtons, conflictQuestionOf, handbackConflictNotice, handbackConflictQuestion, HANDBACK_CONFLICT_ASKED, keptLaptopReply, checkHandoffCode, HANDOFF_TTL_MS, handbackReply, handedOffNotice, handoffReply, handoffUrl, type HandoffCodeRefusal, type HandoffDirection } from "./handoff";
import { createReply, NO_CURRENT_CONVERSATION } from "../conversations/conversations-replies";
import { WEB_LINK_UNAVAILABLE } from "../web/web-replies";
import { formatDateTimeInZone } from "../schedules/schedule-format";
import { newWebLinkToken, webLinkDigest, webLinkKeyFor } from "../web/web-token";
import type { Button } from "../channels/channel";
import type { VmClient } from "../machines/vm-client";
import type { RunChange } from "../protocol/vm/changes";
import type { Changes } from "../changes/run-changes";
import type { ConversationsRepo } from "../conversations/conversations-repo";
import type { SettingsRepo } from "../config/settings-repo";
import type { HandoffsRepo } from "./handoffs-repo";

/** The tables a hand-off reads and writes. */
type HandoffRepos = { handoffs: HandoffsRepo; conversations: ConversationsRepo; settings: SettingsRepo; questions: QuestionsRepo };
import type { QuestionsRepo } from "../questions/questions-repo";
import { publicOriginOf } from "../config/settings-repo";
import type { Sql } from "../shared/sql";
import { timeZoneOf } from "../schedules/schedules-unit";
import { directoryOf } from "../directory/user-directory";
import { webLinkEpoch } from "../web/web-page-data";

export type HandoffDeps = {
  env: Env;
  config: Config | null;
  phone: string;
  sql: Pick<Sql, "transaction">;
  repos: HandoffRepos;
  vm: Pick<VmClient, "handoffOut" | "handback" | "handbackKeep" | "handoffNew" | "deleteWorkspace"> | null;
  /** Where a hand-back's change is recorded as a run's is (its line, /diff, /undo). */
  changes?: Pick<Changes, "record"> | null;
};

/** How /diff and the page name what a hand-back changed. */
export const HANDBACK_LABEL = "the laptop's work (/handoff back)";

/** A hand-back's change, recorded as a run's: the change line follows the notice. */
function recordHandback(d: Pick<HandoffDeps, "sql" | "changes">, conversationId: number, done: { changeId?: string | undefined; change?: RunChange | undefined }, now: number): void {
  const { changeId, change } = done;
  if (changeId && change) d.sql.transaction(() => d.changes?.record({ id: "", vmRunId: changeId, conversationId, label: HANDBACK_LABEL }, change, now));
}

/** `model`: the conversation's own (/model), which the laptop's resume line names; null: the default. */
export type HandoffCodeAnswer = { ok: true; conversation: string; direction: HandoffDirection; model?: string | null } | { ok: false; refusal: HandoffCodeRefusal };
export type HandoffDataAnswer = { ok: true; bundle: Uint8Array<ArrayBuffer> } | { ok: false; refusal: HandoffCodeRefusal } | { ok: false; refusal: null; message: string };

/** A fresh code for `row`, stored here and in the directory; its /h/ url, or the reply that says why there is none. */
async function newCode(d: Pick<HandoffDeps, "env" | "config" | "phone" | "sql" | "repos">, row: { conversationId: number; direction: HandoffDirection; newName?: string }, now: number): Promise<{ url: string } | { reply: string }> {
  const key = d.config && webLinkKeyFor(d.config);
  const origin = publicOriginOf(d.repos.settings, d.config);
  if (!key || !origin) return { reply: WEB_LINK_UNAVAILABLE };
  // A page link's token, in a table of its own: it opens no page, and no page link opens it.
  const code = await newWebLinkToken(await key);
  const digest = await webLinkDigest(await key, code);
  if (!digest) throw new Error("a fresh token has the token's shape");
  const expiresAt = now + HANDOFF_TTL_MS;
  d.sql.transaction(() => d.repos.handoffs.add(digest, { ...row, epoch: webLinkEpoch(d.repos.settings), createdAt: now, expiresAt }));
  await directoryOf(d.env).storeHandoffCode(digest, d.env.PHONE_AGENT.idFromName(d.phone).toString(), expiresAt);
  return { url: handoffUrl(origin, code) };
}

const TTL_MINUTES = HANDOFF_TTL_MS / 60_000;

/** The reply to /handoff: a fresh code for the conversation and the shell line that uses it. */
export async function issueHandoff(d: HandoffDeps, conversationId: number, direction: Exclude<HandoffDirection, "new">, now: number): Promise<string> {
  const conversation = d.repos.conversations.get(conversationId);
  if (!conversation) return NO_CURRENT_CONVERSATION;
  const blocked = handoffBlocked({ conversation: conversation.name, vm: d.vm !== null, status: conversation.status });
  if (blocked) return blocked;
  const made = await newCode(d, { conversationId, direction }, now);
  if ("reply" in made) return made.reply;
  const reply = { conversation: conversation.name, url: made.url, ttlMinutes: TTL_MINUTES };
  return direction === "out" ? handoffReply({ ...reply, offlineModelUrl: d.config?.laptopModelUrl ?? null }) : handbackReply(reply);
}

/** The reply to /handoff new <name>: a code for a conversation made when the laptop's work arrives (conversation 0 until then). */
export async function issueHandoffNew(d: Pick<HandoffDeps, "env" | "config" | "phone" | "sql" | "repos">, name: string, now: number): Promise<string> {
  if (d.repos.conversations.byName(name)) return createReply(name, { taken: true });
  const made = await newCode(d, { conversationId: 0, direction: "new", newName: name }, now);
  return "reply" in made ? made.reply : handoffNewReply({ name, url: made.url, ttlMinutes: TTL_MINUTES });
}

/** What the code stored under `digest` may do now (`read`: its script; `take`: the data). */
function check(d: HandoffDeps, digest: string, use: "read" | "take", now: number, direction?: HandoffDirection) {
  const row = d.repos.handoffs.get(digest);
  const conversation = row ? d.repos.conversations.get(row.conversationId) : null;
  const refusal = checkHandoffCode(row, { now, epoch: webLinkEpoch(d.repos.settings), conversationExists: conversation !== null }, use, direction);
  return refusal || !conversation ? { refusal: refusal ?? ("unknown" as const) } : { refusal: null, conversation };
}

export function readHandoffCode(d: HandoffDeps, digest: string, now: number): HandoffCodeAnswer {
  const row = d.repos.handoffs.get(digest);
  if (row?.direction === "new") {
    const refusal = checkHandoffCode(row, { now, epoch: webLinkEpoch(d.repos.settings), conversationExists: false }, "read");
    return refusal ? { ok: false, refusal } : { ok: true, conversation: row.newName ?? "", direction: "new" };
  }
  const checked = check(d, digest, "read", now);
  return checked.refusal ? { ok: false, refusal: checked.refusal } : { ok: true, conversation: checked.conversation.name, direction: d.repos.handoffs.get(digest)?.direction ?? "out", model: checked.conversation.model };
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
    // Given back: the conversation is not away, and the chat says what failed as well as the terminal.
    d.sql.transaction(() => d.repos.handoffs.unuse(digest));
    tell(handoffFailedNotice(conversation.name, out.message));
    return { ok: false, refusal: null, message: out.message };
  }
  // The chat is told when the script reports its end (laptopDone): a failure on the way is then the
  // only thing it hears, never "went to your laptop" and its correction.
  return { ok: true, bundle: out.bundle };
}

/**
 * The laptop's script got to its end (`POST /h/<code>/done`): the chat says the conversation is on the
 * laptop, since the download. Anything else (a code not used, not a /handoff code, a conversation back or failed since) changes nothing.
 */
export function laptopDone(d: HandoffDeps, digest: string, now: number, tell: (text: string) => void): boolean {
  const row = d.repos.handoffs.get(digest);
  const conversation = row ? d.repos.conversations.get(row.conversationId) : null;
  if (!row || !conversation || row.direction !== "out" || row.usedAt === null || row.expiresAt <= now || row.epoch !== webLinkEpoch(d.repos.settings)) return false;
  if (d.repos.handoffs.awaySince(conversation.id) !== row.usedAt) return false;
  tell(handedOffNotice(conversation.name, awayClock(row.usedAt, timeZoneOf(d.repos.settings), formatDateTimeInZone)));
  return true;
}

/** A line run on a laptop whose code opens nothing now (used, expired, revoked): the chat names it and its conversation. */
export function laptopRefused(d: HandoffDeps, digest: string, refusal: Exclude<HandoffCodeRefusal, "unknown">, tell: (text: string) => void): void {
  const row = d.repos.handoffs.get(digest);
  const name = row?.direction === "new" ? row.newName : row ? d.repos.conversations.get(row.conversationId)?.name : null;
  if (row && name) tell(handoffRefusedNotice(name, row.direction, refusal));
}

/**
 * The laptop's script failed after it took the data (`POST /h/<code>/failed`, `why` its one line):
 * a conversation is never left "on the laptop" by a failure, so one away since this code's download
 * is here again, the code works again (until it expires), and the chat says what failed. Anything
 * else (a code not used, not a /handoff code, a conversation back since) changes nothing.
 */
export function laptopFailed(d: HandoffDeps, digest: string, why: string, now: number, tell: (text: string) => void): boolean {
  const row = d.repos.handoffs.get(digest);
  const conversation = row ? d.repos.conversations.get(row.conversationId) : null;
  if (!row || !conversation || row.direction !== "out" || row.usedAt === null || row.expiresAt <= now || row.epoch !== webLinkEpoch(d.repos.settings)) return false;
  if (d.repos.handoffs.awaySince(conversation.id) !== row.usedAt) return false;
  d.sql.transaction(() => d.repos.handoffs.unuse(digest));
  tell(handoffFailedNotice(conversation.name, `on the laptop, ${why}${/[.!?]$/.test(why) ? "" : "."}`));
  return true;
}

/** The laptop's side of a conflict the user has not answered yet, taken (its question closes); null: none open. */
export function takeConflict(repos: { questions: Pick<QuestionsRepo, "take"> }, conversationId: number, now: number): HandoffStaged | null {
  const q = repos.questions.take("handoff_conflict", String(conversationId), now);
  return q?.detail ? readJson(HandoffStagedSchema, q.detail) : null;
}

/** Asks which side goes on (the laptop's side kept on the question until answered); a "Keep laptop" the VM could not carry out asks again. */
export function askConflict(repos: { questions: Pick<QuestionsRepo, "ask"> }, conversationId: number, staged: HandoffStaged, now: number): void {
  repos.questions.ask(conflictQuestionOf(conversationId, now, JSON.stringify(staged)), now);
}

/** What the laptop sends back (the Worker parsed it): its directory and branch, and what it has that the VM lacks. */
export type HandbackUpload = Omit<HandbackRequest, "bundle" | "patch"> & { bundle: Uint8Array | null; patch: Uint8Array | null };
export type HandbackAnswer = { ok: true; text: string } | { ok: false; refusal: HandoffCodeRefusal } | { ok: false; refusal: null; message: string; conflict: boolean };

/**
 * The laptop's work into the conversation: the VM takes the commits, changes and session, the
 * conversation resumes that session from its next message, and the chat says what came back. A
 * conversation changed on the VM meanwhile is not overwritten (the VM refuses; the code works again).
 */
export async function takeHandback(d: HandoffDeps, digest: string, upload: HandbackUpload, now: number, tell: (text: string, buttons?: Button[]) => void): Promise<HandbackAnswer> {
  const checked = check(d, digest, "take", now, "back");
  if (checked.refusal) return { ok: false, refusal: checked.refusal };
  const { conversation } = checked;
  if (!d.sql.transaction(() => d.repos.handoffs.use(digest, now))) return { ok: false, refusal: "used" };
  const base64 = (bytes: Uint8Array | null) => (bytes ? toBase64(bytes) : null);
  const back = d.vm ? await d.vm.handback(d.phone, conversation.workspace, { ...upload, bundle: base64(upload.bundle), patch: base64(upload.patch) }) : { ok: false as const, message: "no agent VM is set up.", conflict: false };
  if (!back.ok) {
    // Kept by the VM, the laptop's work is here now: the code stays used. Otherwise nothing changed and it works again.
    if (!back.staged) d.sql.transaction(() => d.repos.handoffs.unuse(digest));
    // A conflict the VM kept the laptop's side of asks which side goes on; one it could not keep changed nothing.
    if (back.staged) {
      const staged = back.staged;
      d.sql.transaction(() => askConflict(d.repos, conversation.id, staged, now));
      tell(handbackConflictQuestion(conversation.name, staged), conflictButtons(conversation.id));
      return { ok: false, refusal: null, message: HANDBACK_CONFLICT_ASKED, conflict: true };
    }
    tell(back.conflict ? handbackConflictNotice(conversation.name) : handbackFailedNotice(conversation.name, back.message));
    return { ok: false, refusal: null, message: back.message, conflict: back.conflict };
  }
  const text = backNotice(conversation.name, back.done);
  d.sql.transaction(() => {
    if (back.done.sessionId) d.repos.conversations.setSession(conversation.id, back.done.sessionId);
    d.repos.handoffs.markBack(conversation.id, now);
  });
  tell(text);
  recordHandback(d, conversation.id, back.done, now);
  return { ok: true, text };
}

/**
 * "Keep laptop": the VM swaps the workspace to the laptop's kept side (the phone's kept as a branch
 * and a saved session), the conversation resumes the laptop's session, and its waiting messages go
 * on. The VM refusing leaves the question open to tap again.
 */
export async function keepLaptopSide(d: Pick<HandoffDeps, "sql" | "vm" | "phone" | "changes"> & { repos: HandoffRepos }, conversationId: number, staged: HandoffStaged, now: number): Promise<string> {
  const conversation = d.repos.conversations.get(conversationId);
  if (!conversation) return NO_CURRENT_CONVERSATION;
  const kept = d.vm ? await d.vm.handbackKeep(d.phone, conversation.workspace, { staged, phoneSessionId: conversation.sessionId }) : { ok: false as const, message: "no agent VM is set up." };
  if (!kept.ok) {
    d.sql.transaction(() => askConflict(d.repos, conversation.id, staged, now));
    return `⚠️ “${conversation.name}” stays as it is here: ${kept.message}`;
  }
  const { done } = kept.kept;
  d.sql.transaction(() => {
    if (done.sessionId) d.repos.conversations.setSession(conversation.id, done.sessionId);
    d.repos.handoffs.markBack(conversation.id, now);
  });
  recordHandback({ sql: d.sql, changes: d.changes ?? null }, conversation.id, done, now);
  return keptLaptopReply(conversation.name, done, kept.kept.kept);
}

/** What a laptop sends into a new conversation (the Worker parsed it). */
export type HandoffNewUpload = Omit<HandoffNewRequest, "bundle" | "patch"> & { bundle: Uint8Array; patch: Uint8Array | null };

/**
 * /handoff new: the laptop's repository and session into a new conversation. The code is used up
 * first; the VM fills a fresh workspace, and only then is the conversation made (current, as /new
 * makes it) with the laptop's session to resume; the chat says what arrived. Anything refused
 * makes no conversation, and the code works again.
 */
export async function takeHandoffNew(d: HandoffDeps & { newWorkspaceId: () => string; makeCurrent: (id: number) => void }, digest: string, upload: HandoffNewUpload, now: number, tell: (text: string) => void): Promise<HandbackAnswer> {
  const row = d.repos.handoffs.get(digest);
  const refusal = checkHandoffCode(row, { now, epoch: webLinkEpoch(d.repos.settings), conversationExists: false }, "take", "new");
  if (refusal || !row?.newName) return { ok: false, refusal: refusal ?? "unknown" };
  const name = row.newName;
  const taken = { ok: false as const, refusal: null, message: handoffNewNameTaken(name), conflict: false };
  if (d.repos.conversations.byName(name)) return taken;
  if (!d.sql.transaction(() => d.repos.handoffs.use(digest, now))) return { ok: false, refusal: "used" };
  const workspace = d.newWorkspaceId();
  const filled = d.vm ? await d.vm.handoffNew(d.phone, workspace, { ...upload, bundle: toBase64(upload.bundle), patch: upload.patch ? toBase64(upload.patch) : null }) : { ok: false as const, message: "no agent VM is set up.", conflict: false };
  const made = filled.ok
    ? d.sql.transaction(() => {
        // Made meanwhile by /new: that one stays, and this workspace is never used.
        if (d.repos.conversations.byName(name)) return null;
        const conversation = d.repos.conversations.create({ name, workspace, repoUrl: null, branch: null, status: "ready", now });
        if (filled.done.sessionId) d.repos.conversations.setSession(conversation.id, filled.done.sessionId);
        d.makeCurrent(conversation.id);
        return conversation;
      })
    : null;
  if (!filled.ok || !made) {
    d.sql.transaction(() => d.repos.handoffs.unuse(digest));
    // A workspace filled for a name /new took meanwhile is no conversation's: it goes.
    if (filled.ok) await d.vm?.deleteWorkspace(d.phone, workspace);
    const answer = filled.ok ? taken : { ok: false as const, refusal: null, message: filled.message, conflict: false };
    tell(handoffNewFailedNotice(name, answer.message));
    return answer;
  }
  const text = arrivedNotice(name, filled.done);
  tell(text);
  return { ok: true, text };
}
