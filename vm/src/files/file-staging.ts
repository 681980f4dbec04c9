// `send_file`'s VM side: the agent's path resolved as the user and checked (inside the project, the
// user's own regular file, a type and size WhatsApp takes, sniffed from the bytes), then the file copied into the
// server's own area under a random id for the relay to fetch, and removed a while after the run.
import { randomBytes } from "node:crypto";
import { closeSync, constants, createReadStream, createWriteStream, fstatSync, mkdirSync, openSync, readSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { extname } from "node:path";
import { pipeline } from "node:stream/promises";
import { SendFileArgsSchema } from "../../../src/protocol/relay-tools";
import type { OutboundContentType, SendFileCallArgs } from "../../../src/protocol/vm/files";
import { outputAsUser } from "../users/as-user";
import { openUserFile } from "./checked-open";
import type { AgentIds } from "../core/agent-ids";
import { displayNameOf, outsideProjectRefusal, requestedPath, sendableRefusal, SNIFF_BYTES, sniffType } from "../core/outbound-file";
import type { Run } from "../core/run-handle";
import { resolveInside, userPathsOfKey } from "../users/user-paths";

export type StagedFile = { path: string; contentType: OutboundContentType; size: number };
export type StageOutcome = { ok: true; args: SendFileCallArgs } | { ok: false; text: string };

/** Files one run may stage: a bound on the server's disk, not a limit anyone should meet. */
const MAX_FILES_PER_RUN = 20;

class Refusal extends Error {
  override readonly name = "Refusal";
}

type Opened = { fd: number; size: number; name: string; contentType: OutboundContentType };

/** What the agent reads when nothing was sent: one line, with what to do about it. */
const refusal = (why: string): StageOutcome => ({ ok: false, text: `Not sent: ${why}.` });

/** Checks a file opened for reading and reads its head; closes it and throws a Refusal when it is not sendable. */
function checkOpened(fd: number, asked: string, real: string): Opened {
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new Refusal(`${asked} is a directory, not a file: send the files in it one by one`);
    if (!stat.isFile()) throw new Refusal(`${asked} is not a regular file`);
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, stat.size));
    const read = head.length > 0 ? readSync(fd, head, 0, head.length, 0) : 0;
    const name = displayNameOf(real);
    const sniffed = sniffType(head.subarray(0, read), extname(name).slice(1).toLowerCase());
    const refused = sendableRefusal(asked, stat.size, sniffed);
    if (refused || "refused" in sniffed) throw new Refusal(refused ?? "unsupported");
    return { fd, size: stat.size, name, contentType: sniffed.type };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Where the project and the path lead, every link followed; the path's failure as an errno name. */
type Resolved = { projectReal: string; real: string | "EACCES" | "ENOENT" };

/**
 * As its user may: realpath in-process when the agents are the server's own user; otherwise by
 * `realpath` in a child of the user's uid, so a link to another user's tree fails there as it
 * would for the agent, and nothing outside the user's reach is ever looked at for it.
 */
async function resolveAsUser(ids: AgentIds | null, projectDir: string, path: string): Promise<Resolved> {
  if (!ids) {
    const projectReal = realpathSync(projectDir);
    try {
      return { projectReal, real: realpathSync(path) };
    } catch (error) {
      return { projectReal, real: (error as NodeJS.ErrnoException).code === "EACCES" ? "EACCES" : "ENOENT" };
    }
  }
  // NUL-terminated: a file name may hold a newline, never a NUL.
  const script = [
    'realpath -ez -- "$R" || exit 1',
    'realpath -ez -- "$P" 2>/dev/null || case "$(realpath -e -- "$P" 2>&1)" in *"Permission denied"*) printf "EACCES\\0" ;; *) printf "ENOENT\\0" ;; esac',
  ].join("\n");
  const said = await outputAsUser(ids, script, { R: projectDir, P: path });
  const [projectReal, real] = (said ?? "").split("\0");
  if (!projectReal?.startsWith("/") || !real) throw new Refusal("the project's directory could not be read");
  return { projectReal, real: real.startsWith("/") ? real : real === "EACCES" ? "EACCES" : "ENOENT" };
}

/**
 * Resolves the path as the user, checks it lies inside the project's real directory, opens it
 * without blocking (a FIFO would hang the server) and reads its head from the descriptor. With
 * agents of their own uids the server opens it through a checked open (checked-open.ts): walked
 * from the user's root (`userRoot`) without following a link, the user's own regular file at
 * the very path resolved, or nothing. Throws a Refusal with the agent's line.
 */
async function openSendable(ids: AgentIds | null, userRoot: string, projectDir: string, asked: string): Promise<Opened> {
  const requested = requestedPath(projectDir, asked);
  if (!requested.ok) throw new Refusal(requested.why);
  const { projectReal, real } = await resolveAsUser(ids, projectDir, requested.path);
  // Outside as written: refused before what is there says anything (another user's path says nothing of it).
  const lexical = [projectDir, projectReal].map((root) => outsideProjectRefusal(root, requested.path, asked));
  if (lexical.every((refused) => refused !== null)) throw new Refusal(lexical[0] ?? "");
  if (real === "EACCES") throw new Refusal(`${asked} cannot be read (permission denied)`);
  if (real === "ENOENT") throw new Refusal(`${asked} does not exist`);
  const outside = outsideProjectRefusal(projectReal, real, asked);
  if (outside) throw new Refusal(outside);
  if (ids) {
    // The project itself may lie behind a link the agent made in its own tree: the walk takes the real path.
    const opened = openUserFile(ids, realpathSync(userRoot), real);
    if (opened.ok) return checkOpened(opened.fd, asked, real);
    if (opened.refusal === "directory") throw new Refusal(`${asked} is a directory, not a file: send the files in it one by one`);
    if (opened.refusal === "not_file") throw new Refusal(`${asked} is not a regular file`);
    if (opened.refusal === "not_owner") throw new Refusal(`${asked} is not the user's own file`);
    if (opened.refusal === "missing") throw new Refusal(`${asked} changed while it was being checked; try again`);
    throw new Refusal(`${asked} lies outside the user's own directories, behind a link`);
  }
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Refusal(code === "EACCES" ? `${asked} cannot be read (permission denied)` : `${asked} cannot be opened (${code ?? "error"})`);
  }
  return checkOpened(fd, asked, real);
}

export function createFileStaging(options: { dataDir: string; graceMs: number; idsOf: (userKey: string) => AgentIds | null }) {
  // The server's own: agents of their own uids cannot enter it (root's, 700). Emptied at start:
  // files of runs before a restart are gone with their runs.
  const dir = resolveInside(options.dataDir, ".files");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const staged = new Map<string, StagedFile>();
  const perRun = new Map<string, number>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const keyOf = (runId: string, fileId: string) => `${runId}/${fileId}`;

  function removeLater(run: Run, fileId: string, path: string): void {
    run.onFinished(() => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        staged.delete(keyOf(run.id, fileId));
        perRun.delete(run.id);
        rmSync(path, { force: true });
      }, options.graceMs);
      timer.unref();
      timers.add(timer);
    });
  }

  function keep(run: Run, fileId: string, path: string, file: { name: string; contentType: OutboundContentType; size: number; caption?: string | undefined }): StageOutcome {
    staged.set(keyOf(run.id, fileId), { path, contentType: file.contentType, size: file.size });
    perRun.set(run.id, (perRun.get(run.id) ?? 0) + 1);
    removeLater(run, fileId, path);
    const caption = file.caption?.trim();
    return { ok: true, args: { fileId, name: file.name, contentType: file.contentType, size: file.size, ...(caption ? { caption } : {}) } };
  }

  return {
    /** Checks and copies the agent's file; what the relay gets in the `tool_call`, or the agent's refusal. */
    async stage(run: Run, rawArgs: Record<string, unknown>): Promise<StageOutcome> {
      const args = SendFileArgsSchema.safeParse(rawArgs);
      if (!args.success) return refusal(`bad arguments (${args.error.issues.map((i) => `${i.path.join(".") || "args"}: ${i.message}`).join("; ")})`);
      if ((perRun.get(run.id) ?? 0) >= MAX_FILES_PER_RUN) return refusal(`a run may send at most ${MAX_FILES_PER_RUN} files`);
      let opened: Opened;
      try {
        opened = await openSendable(options.idsOf(run.userKey), userPathsOfKey(options.dataDir, run.userKey).root, run.cwd, args.data.path);
      } catch (error) {
        if (error instanceof Refusal) return refusal(error.message);
        throw error;
      }
      const fileId = `file_${randomBytes(16).toString("base64url")}`;
      const path = resolveInside(dir, fileId);
      try {
        // Exactly the size checked: a file that grows meanwhile is cut there, one that shrinks is refused.
        const from = createReadStream("", { fd: opened.fd, start: 0, end: opened.size - 1 });
        const to = createWriteStream(path, { flags: "wx", mode: 0o600 });
        await pipeline(from, to);
        if (to.bytesWritten !== opened.size) throw new Refusal(`${args.data.path} changed while it was being read; try again`);
      } catch (error) {
        rmSync(path, { force: true });
        return refusal(error instanceof Refusal ? error.message : `${args.data.path} could not be copied (${(error as NodeJS.ErrnoException).code ?? "error"})`);
      }
      return keep(run, fileId, path, { name: opened.name, contentType: opened.contentType, size: opened.size, caption: args.data.caption });
    },

    /** A file the VM made for the run (send_shot's picture), staged as send_file's are: what the relay gets in the `tool_call`. */
    stageBytes(run: Run, file: { name: string; contentType: OutboundContentType; bytes: Uint8Array; caption?: string | undefined }): StageOutcome {
      if ((perRun.get(run.id) ?? 0) >= MAX_FILES_PER_RUN) return refusal(`a run may send at most ${MAX_FILES_PER_RUN} files`);
      const fileId = `file_${randomBytes(16).toString("base64url")}`;
      const path = resolveInside(dir, fileId);
      writeFileSync(path, file.bytes, { flag: "wx", mode: 0o600 });
      return keep(run, fileId, path, { name: file.name, contentType: file.contentType, size: file.bytes.byteLength, caption: file.caption });
    },

    /** A staged file of that run, or null (unknown, another run's, or removed). */
    find(runId: string, fileId: string): StagedFile | null {
      return staged.get(keyOf(runId, fileId)) ?? null;
    },

    /** Shutdown: every staged file goes now. */
    close(): void {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      staged.clear();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type FileStaging = ReturnType<typeof createFileStaging>;
