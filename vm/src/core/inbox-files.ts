// Attachments the user sent, as files in the project and lines the agent reads: the inbox file's
// name (built from the date, a random id and an allowed extension, never from the sender's name),
// the checks that keep it inside the project, sizes in words. Pure.
import { isAbsolute, relative, resolve, sep } from "node:path";
import { AttachmentExtSchema, type Attachment, type AttachmentKind } from "../../../src/protocol/vm/files";

/** The project's directory for what the user sends; never a symlink. */
export const INBOX_DIR = "inbox";

const SHORT_ID = /^[0-9a-f]{6}$/;
const INBOX_NAME = /^\d{4}-\d{2}-\d{2}-[0-9a-f]{6}\.[a-z0-9]{1,5}$/;

/** `2026-11-22-a1b2c3.png`: the date (UTC) of `now`, a 6-hex-digit id, an extension of the allow-list. Throws on anything else. */
export function inboxFileName(now: number, shortId: string, ext: string): string {
  if (!SHORT_ID.test(shortId)) throw new Error(`not a short id: ${JSON.stringify(shortId)}`);
  const allowed = AttachmentExtSchema.safeParse(ext);
  if (!allowed.success) throw new Error(`not an allowed extension: ${JSON.stringify(ext)}`);
  return `${new Date(now).toISOString().slice(0, 10)}-${shortId}.${allowed.data}`;
}

/** Whether a name is one `inboxFileName` makes: one path segment, nothing to resolve. */
export function isInboxFileName(name: string): boolean {
  return INBOX_NAME.test(name);
}

/** True when `path` lies strictly inside `root` (both absolute); `..`, a sibling with the same prefix, or the root itself are not. */
export function isInside(root: string, path: string): boolean {
  if (!isAbsolute(root) || !isAbsolute(path) || root.includes("\0") || path.includes("\0")) return false;
  const rel = relative(resolve(root), resolve(path));
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}

/** What `lstat` found at `<project>/inbox`. */
export type InboxEntry = "missing" | "directory" | "symlink" | "other";

/**
 * Whether the VM may write into the inbox: only a real directory (or none yet, then it makes one).
 * `inbox` may be a symlink the agent planted (to /etc, to another user's tree): never followed.
 */
export function inboxRefusal(entry: InboxEntry): string | null {
  if (entry === "symlink") return "the project's inbox is a symbolic link, and attachments are saved only into a real inbox directory";
  if (entry === "other") return "the project's inbox is not a directory";
  return null;
}

/**
 * The directory the VM opened (without following a symlink) must be `<project>/inbox` itself, with
 * the project's real path: anything else was swapped in between.
 */
export function openedInboxRefusal(projectReal: string, openedReal: string): string | null {
  return openedReal === resolve(projectReal, INBOX_DIR) ? null : "the project's inbox changed while the attachment was being saved";
}

/** Decimal units, as WhatsApp states its limits: "812 bytes", "240 KB", "1.2 MB", "16 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? "" : "s"}`;
  if (bytes < 999_500) return `${Math.round(bytes / 1000)} KB`;
  const mb = bytes / 1_000_000;
  return `${mb < 9.95 ? Number(mb.toFixed(1)) : Math.round(mb)} MB`;
}

const NOUN: Record<AttachmentKind, string> = { image: "an image", audio: "an audio file", video: "a video", document: "a document" };

/** What an attachment came to: saved at `path` (relative to the project), or not, and why. */
export type AttachmentOutcome = { ok: true; path: string } | { ok: false; why: string };

/**
 * The agent's lines for one attachment: "The user sent an image: inbox/2026-11-22-a1b2c3.png
 * (image/png, 240 KB)", or the one line saying which could not be fetched and why; then its
 * caption and transcript, as the relay wrote them.
 */
export function attachmentLines(attachment: Attachment, outcome: AttachmentOutcome, position: { index: number; count: number }): string[] {
  const about = `${attachment.contentType}, ${formatSize(attachment.size)}`;
  const which = position.count > 1 ? `attachment ${position.index + 1} of ${position.count}; ` : "";
  const head = outcome.ok
    ? `The user sent ${NOUN[attachment.kind]}: ${outcome.path} (${which}${about})`
    : `The user sent ${NOUN[attachment.kind]} (${which}${about}) that could not be fetched: ${outcome.why}.`;
  return [head, ...[attachment.caption, attachment.transcript].filter((text): text is string => !!text && text.trim() !== "")];
}

/** A message's text for the agent: a line (or lines) per attachment, then the message's own text. */
export function messageTextWith(text: string, attachments: ReadonlyArray<{ attachment: Attachment; outcome: AttachmentOutcome }>): string {
  const lines = attachments.flatMap(({ attachment, outcome }, index) => attachmentLines(attachment, outcome, { index, count: attachments.length }));
  return [...lines, ...(text.trim() === "" ? [] : [text])].join("\n");
}
