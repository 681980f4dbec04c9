// Saves what the user sent into the project's `inbox/` before the turn reaches the agent: each
// attachment downloaded from the relay's signed link into a new file the VM names itself, created
// as the user without following a symlink, limited in size and time. Never throws: a failure is
// one line the agent reads, and the rest of the message still goes.
import { randomBytes } from "node:crypto";
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { closeSync, constants, createWriteStream, existsSync, lstatSync, mkdirSync, openSync, readlinkSync, realpathSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { Readable, Transform, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { Attachment } from "../../../src/protocol/vm/files";
import type { InputMessage } from "../../../src/protocol/vm/runs";
import { doAsUser, spawnIdsOf, UserFileError, userChildEnv } from "../users/as-user";
import type { AgentIds } from "../core/agent-ids";
import { errnoOfMessage } from "../core/user-file-ops";
import {
  INBOX_DIR,
  inboxFileName,
  inboxRefusal,
  messageTextWith,
  openedInboxRefusal,
  type AttachmentOutcome,
  type InboxEntry,
} from "../core/inbox-files";

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

/** A new inbox file being written: `sink` takes its bytes; `written` settles once they are on disk. */
export type InboxFile = {
  /** Relative to the project: what the agent is told. */
  path: string;
  absolute: string;
  sink: Writable;
  /** Rejects with what writing failed on (a UserFileError with its errno, as the user's child saw it). */
  written(): Promise<void>;
  /** A failed save: the writer stopped and the file removed, as the user. */
  discard(): Promise<void>;
};

/**
 * The child that saves for a user of its own uid: it goes to the project's real directory, makes
 * `inbox` if missing, refuses one that is a link or no directory, enters it (`cd -P`: what it then
 * works in is the directory it checked, whatever is renamed meanwhile), checks it is
 * `<project>/inbox` itself, and creates the first free name of NAMES with O_EXCL and O_NOFOLLOW
 * (dd's conv=excl, oflag=nofollow), so no link or file already there is written through. Its
 * first line says which, then it copies its stdin into that file.
 */
const SAVE_AS_USER = [
  "umask 077",
  'cd -P -- "$R" 2>/dev/null || { echo gone; exit 0; }',
  "real=$(pwd -P)",
  "if [ ! -e inbox ] && [ ! -L inbox ]; then mkdir inbox 2>/dev/null || :; fi",
  "if [ -L inbox ]; then echo symlink; exit 0; fi",
  "if [ ! -e inbox ]; then echo unwritable; exit 0; fi",
  "if [ ! -d inbox ]; then echo other; exit 0; fi",
  "cd -P inbox 2>/dev/null || { echo unwritable; exit 0; }",
  '[ "$(pwd -P)" = "$real/inbox" ] || { echo swapped; exit 0; }',
  "for n in $NAMES; do",
  '  if dd if=/dev/null of="$n" conv=excl oflag=nofollow status=none 2>/dev/null; then',
  '    printf "ready %s %s\\n" "$n" "$real"',
  '    exec dd of="$n" conv=nocreat,notrunc oflag=nofollow bs=65536 status=none',
  "  fi",
  '  if [ ! -e "$n" ] && [ ! -L "$n" ]; then echo unwritable; exit 0; fi',
  "done",
  "echo taken",
].join("\n");

/** How long a stopped writer may take to exit before it is killed (it might wait on a FIFO the agent swapped in). */
const WRITER_EXIT_MS = 2_000;

/** Reads the child's first line: what it made, or why it made nothing. */
function firstLineOf(child: ChildProcessByStdio<Writable, Readable, Readable>): Promise<string> {
  return new Promise((resolve) => {
    let said = "";
    const onData = (chunk: Buffer) => {
      said += chunk.toString("utf8");
      const nl = said.indexOf("\n");
      if (nl >= 0) {
        child.stdout.off("data", onData);
        resolve(said.slice(0, nl));
      }
    };
    child.stdout.on("data", onData);
    child.on("close", () => resolve(said.split("\n")[0] ?? ""));
    child.on("error", () => resolve(""));
  });
}

/** For a user of its own uid: a child of that uid makes the file and writes it (SAVE_AS_USER). */
async function openInboxFileAsUser(ids: AgentIds, projectDir: string, names: string[]): Promise<InboxFile> {
  const child = spawn("sh", ["-c", SAVE_AS_USER], { ...spawnIdsOf(ids), env: userChildEnv({ R: projectDir, NAMES: names.join(" ") }), stdio: ["pipe", "pipe", "pipe"], cwd: "/" });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-2048);
  });
  // Errors on its stdin (EPIPE once it is gone) are the pipeline's to report; the exit says why.
  child.stdin.on("error", () => {});
  const exited = new Promise<number | null>((resolve) => {
    child.on("close", (status) => resolve(status));
    child.on("error", () => resolve(-1));
  });
  const line = await firstLineOf(child);
  const ready = /^ready (\S+) (\/.*)$/.exec(line);
  if (!ready) {
    child.kill("SIGKILL");
    if (line === "symlink" || line === "other") throw new Refusal(inboxRefusal(line) ?? "");
    if (line === "swapped") throw new Refusal("the project's inbox changed while the attachment was being saved");
    if (line === "taken") throw new Refusal("no free file name was found in the inbox");
    throw new UserFileError(`the inbox file could not be made (${line || "no answer"})`, line === "gone" ? "ENOENT" : line === "unwritable" ? "EACCES" : "EIO");
  }
  const [, name = "", real = ""] = ready;
  // EIO when the writer named no errno: never read as "the relay could not be reached".
  const failed = (status: number | null) => new UserFileError(`the attachment could not be written (${stderr.trim().split("\n").at(-1) || status})`, errnoOfMessage(stderr) ?? "EIO");
  const absolute = join(real, INBOX_DIR, name);
  return {
    path: `${INBOX_DIR}/${name}`,
    absolute,
    sink: child.stdin,
    async written() {
      const status = await exited;
      if (status !== 0) throw failed(status);
    },
    async discard() {
      child.stdin.destroy();
      const killer = setTimeout(() => child.kill("SIGKILL"), WRITER_EXIT_MS);
      await exited;
      clearTimeout(killer);
      await doAsUser(ids, [{ op: "remove", path: absolute }]).catch(() => {});
    },
  };
}

/**
 * Creates a new, empty inbox file as the user and returns it open for writing. `inbox` is made if
 * missing and refused if it is anything but a real directory; the file is created with O_EXCL and
 * O_NOFOLLOW inside the directory that was opened, so neither a planted symlink nor a file already
 * there is ever written through. With agents of their own uids, all of it is done by a child of
 * the user's uid (the server never switches its own ids); otherwise in-process, as the server.
 */
export async function openInboxFile(
  ids: AgentIds | null,
  projectDir: string,
  ext: string,
  now: number,
  shortId: () => string = () => randomBytes(3).toString("hex"),
): Promise<InboxFile> {
  // Throws on an extension off the allow-list before anything is touched.
  const names = [inboxFileName(now, shortId(), ext)];
  while (names.length < 8) names.push(inboxFileName(now, shortId(), ext));
  if (ids) return openInboxFileAsUser(ids, projectDir, names);
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
    for (const name of names) {
      try {
        const fd = openSync(inDirOf(dirFd, inbox, name), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
        const absolute = join(inbox, name);
        return {
          path: `${INBOX_DIR}/${name}`,
          absolute,
          // The stream closes the descriptor.
          sink: createWriteStream("", { fd }),
          written: () => Promise.resolve(),
          async discard() {
            try {
              unlinkSync(absolute);
            } catch {
              // Gone already.
            }
          },
        };
      } catch (error) {
        // A file (or a link) of that name is there already: never written through, another name is drawn.
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
    throw new Refusal("no free file name was found in the inbox");
  } finally {
    closeSync(dirFd);
  }
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
  let file: InboxFile | null = null;
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
    file = await openInboxFile(context.ids, context.projectDir, attachment.ext, context.now());
    const counted = { bytes: 0 };
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), limitTo(attachment.size, counted), file.sink, { signal });
    await file.written();
    if (counted.bytes < attachment.size) throw new Refusal(`the download ended after ${counted.bytes} of ${attachment.size} bytes`);
    return { ok: true, path: file.path };
  } catch (error) {
    // A body nobody read (the inbox was refused) is released, not left to the collector.
    if (response?.body && !response.bodyUsed) await response.body.cancel().catch(() => {});
    // Stopped (and so exited) first; what it failed on, when it did (a full disk), says more than the broken pipe it left.
    await file?.discard();
    const failure = file ? await file.written().then(() => null, (writing: unknown) => writing) : null;
    const why = reasonOf(failure instanceof UserFileError && failure.code ? failure : error, context, signal);
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
