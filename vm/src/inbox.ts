// Saves what the user sent into the project's `inbox/` before the turn reaches the agent: each
// attachment downloaded from the relay's signed link into a new file the VM names itself, created
// as the user without following a symlink, limited in size and time. Never throws: a failure is
// one line the agent reads, and the rest of the message still goes.
import { randomBytes } from "node:crypto";
import { closeSync, constants, createWriteStream, existsSync, lstatSync, mkdirSync, openSync, readlinkSync, realpathSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { Attachment, InputMessage } from "../../src/protocol/vm-protocol";
import { asUser } from "./as-user";
import type { AgentIds } from "./core/agent-ids";
import {
  INBOX_DIR,
  inboxFileName,
  inboxRefusal,
  messageTextWith,
  openedInboxRefusal,
  type AttachmentOutcome,
  type InboxEntry,
} from "./core/inbox-files";

export type InboxContext = {
  /** The user's own OS user, who owns the files; null: the server's. */
  ids: AgentIds | null;
  /** The run's project directory. */
  projectDir: string;
  now: () => number;
  /** Per attachment, the whole download. */
  timeoutMs: number;
  /** Aborted when the run ends: its downloads stop. */
  signal: AbortSignal;
};

class Refusal extends Error {
  override readonly name = "Refusal";
}

const entryOf = (path: string): InboxEntry => {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) return "missing";
  return stat.isSymbolicLink() ? "symlink" : stat.isDirectory() ? "directory" : "other";
};

/** Where an open directory really is: its /proc link on Linux (what was opened, not what the path names now). */
const openedPathOf = (fd: number, path: string) => (existsSync("/proc/self/fd") ? readlinkSync(`/proc/self/fd/${fd}`) : realpathSync(path));
const inDirOf = (fd: number, path: string, name: string) => (existsSync("/proc/self/fd") ? `/proc/self/fd/${fd}/${name}` : join(path, name));

/**
 * Creates a new, empty inbox file as the user and returns it open for writing. `inbox` is made if
 * missing and refused if it is anything but a real directory; the file is created with O_EXCL and
 * O_NOFOLLOW inside the directory that was opened, so neither a planted symlink nor a file already
 * there is ever written through.
 */
export function openInboxFile(
  ids: AgentIds | null,
  projectDir: string,
  ext: string,
  now: number,
  shortId: () => string = () => randomBytes(3).toString("hex"),
): { fd: number; path: string; absolute: string } {
  // Throws on an extension off the allow-list before anything is touched.
  let name = inboxFileName(now, shortId(), ext);
  return asUser(ids, () => {
    const projectReal = realpathSync(projectDir);
    const inbox = join(projectReal, INBOX_DIR);
    let entry = entryOf(inbox);
    if (entry === "missing") {
      try {
        mkdirSync(inbox, { mode: 0o700 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      entry = entryOf(inbox);
    }
    const refused = inboxRefusal(entry);
    if (refused) throw new Refusal(refused);
    let dirFd: number;
    try {
      dirFd = openSync(inbox, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    } catch {
      // Replaced between the check and the open (ELOOP, ENOTDIR), or not the user's to open.
      throw new Refusal("the project's inbox could not be opened as a directory");
    }
    try {
      const swapped = openedInboxRefusal(projectReal, openedPathOf(dirFd, inbox));
      if (swapped) throw new Refusal(swapped);
      for (let attempt = 0; attempt < 8; attempt++, name = inboxFileName(now, shortId(), ext)) {
        try {
          const fd = openSync(inDirOf(dirFd, inbox, name), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
          return { fd, path: `${INBOX_DIR}/${name}`, absolute: join(inbox, name) };
        } catch (error) {
          // A file (or a link) of that name is there already: never written through, another name is drawn.
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        }
      }
      throw new Refusal("no free file name was found in the inbox");
    } finally {
      closeSync(dirFd);
    }
  });
}

/** Passes at most `limit` bytes, and fails past them: the body is never trusted to stop by itself. */
function limitTo(limit: number, counted: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counted.bytes += chunk.length;
      if (counted.bytes > limit) done(new Refusal(`it is larger than the ${limit} bytes announced`));
      else done(null, chunk);
    },
  });
}

function reasonOf(error: unknown, context: InboxContext, signal: AbortSignal): string {
  if (error instanceof Refusal) return error.message;
  // The run's end first: it aborts the combined signal too.
  if (context.signal.aborted) return "the run ended first";
  if (signal.aborted) return `the download took longer than ${context.timeoutMs < 1000 ? `${context.timeoutMs} ms` : `${Math.round(context.timeoutMs / 1000)} s`}`;
  // fetch fails with a TypeError ("fetch failed") when the connection does.
  if (error instanceof TypeError) return "the relay could not be reached";
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOSPC" || code === "EDQUOT") return "the disk is full";
  if (code === "EACCES" || code === "EPERM") return "the project's inbox is not writable";
  if (code === "ENOENT" || code === "ENOTDIR") return "the project's directory is gone";
  return code ? `it could not be written (${code})` : "the relay could not be reached";
}

/** Downloads one attachment into a new inbox file; a failure leaves no file behind. */
export async function saveAttachment(attachment: Attachment, context: InboxContext): Promise<AttachmentOutcome> {
  const signal = AbortSignal.any([AbortSignal.timeout(context.timeoutMs), context.signal]);
  let file: { fd: number; path: string; absolute: string } | null = null;
  let response: Response | null = null;
  try {
    response = await fetch(attachment.url, { signal, redirect: "follow" });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new Refusal(`the relay answered HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    if (declared > attachment.size) {
      await response.body.cancel();
      throw new Refusal(`it is larger than the ${attachment.size} bytes announced`);
    }
    file = openInboxFile(context.ids, context.projectDir, attachment.ext, context.now());
    const counted = { bytes: 0 };
    // The stream closes the descriptor, written as the server: it was opened (and so owned) by the user.
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), limitTo(attachment.size, counted), createWriteStream("", { fd: file.fd }), { signal });
    if (counted.bytes < attachment.size) throw new Refusal(`the download ended after ${counted.bytes} of ${attachment.size} bytes`);
    return { ok: true, path: file.path };
  } catch (error) {
    // A body nobody read (the inbox was refused) is released, not left to the collector.
    if (response?.body && !response.bodyUsed) await response.body.cancel().catch(() => {});
    if (file) {
      const { absolute } = file;
      asUser(context.ids, () => {
        try {
          unlinkSync(absolute);
        } catch {
          // Gone already.
        }
      });
    }
    const why = reasonOf(error, context, signal);
    // Sizes and types only: never a URL or a byte of the media.
    console.warn(`vm: attachment not saved (${attachment.kind}, ${attachment.contentType}, ${attachment.size} bytes): ${why}`);
    return { ok: false, why };
  }
}

/** A message's text with its attachments saved and announced; the message as it is without any. */
export async function withAttachments(message: InputMessage, context: InboxContext): Promise<InputMessage> {
  const attachments = message.attachments ?? [];
  if (attachments.length === 0) return message;
  const saved = await Promise.all(attachments.map(async (attachment) => ({ attachment, outcome: await saveAttachment(attachment, context) })));
  return { id: message.id, text: messageTextWith(message.text, saved) };
}
