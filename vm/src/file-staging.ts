// `send_file`'s VM side: the agent's path checked as the user (inside the project, a regular
// file, a type and size WhatsApp takes, sniffed from the bytes), then the file copied into the
// server's own area under a random id for the relay to fetch, and removed a while after the run.
import { randomBytes } from "node:crypto";
import { closeSync, constants, createReadStream, createWriteStream, fstatSync, mkdirSync, openSync, readSync, realpathSync, rmSync } from "node:fs";
import { extname } from "node:path";
import { pipeline } from "node:stream/promises";
import { SendFileArgsSchema } from "../../src/protocol/relay-tools";
import type { OutboundContentType, SendFileCallArgs } from "../../src/protocol/vm-protocol";
import { asUser } from "./as-user";
import type { AgentIds } from "./core/agent-ids";
import { displayNameOf, outsideProjectRefusal, requestedPath, sendableRefusal, SNIFF_BYTES, sniffType } from "./core/outbound-file";
import type { Run } from "./run";
import { resolveInside } from "./user-paths";

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

/**
 * As the user: resolves the path (realpath, so every link is followed as that user may), checks it
 * lies inside the project's real directory, opens it without blocking (a FIFO would hang the
 * server) and reads its head from the descriptor. Throws a Refusal with the agent's line.
 */
function openSendable(ids: AgentIds | null, projectDir: string, asked: string): Opened {
  return asUser(ids, () => {
    const requested = requestedPath(projectDir, asked);
    if (!requested.ok) throw new Refusal(requested.why);
    const projectReal = realpathSync(projectDir);
    // Outside as written: refused before anything there is looked at (another user's path says nothing of it).
    const lexical = [projectDir, projectReal].map((root) => outsideProjectRefusal(root, requested.path, asked));
    if (lexical.every((refused) => refused !== null)) throw new Refusal(lexical[0] ?? "");
    let real: string;
    try {
      real = realpathSync(requested.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Refusal(code === "EACCES" ? `${asked} cannot be read (permission denied)` : `${asked} does not exist`);
    }
    const outside = outsideProjectRefusal(projectReal, real, asked);
    if (outside) throw new Refusal(outside);
    let fd: number;
    try {
      fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Refusal(code === "EACCES" ? `${asked} cannot be read (permission denied)` : `${asked} cannot be opened (${code ?? "error"})`);
    }
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
  });
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

  return {
    /** Checks and copies the agent's file; what the relay gets in the `tool_call`, or the agent's refusal. */
    async stage(run: Run, rawArgs: Record<string, unknown>): Promise<StageOutcome> {
      const args = SendFileArgsSchema.safeParse(rawArgs);
      if (!args.success) return refusal(`bad arguments (${args.error.issues.map((i) => `${i.path.join(".") || "args"}: ${i.message}`).join("; ")})`);
      if ((perRun.get(run.id) ?? 0) >= MAX_FILES_PER_RUN) return refusal(`a run may send at most ${MAX_FILES_PER_RUN} files`);
      let opened: Opened;
      try {
        opened = openSendable(options.idsOf(run.userKey), run.cwd, args.data.path);
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
      staged.set(keyOf(run.id, fileId), { path, contentType: opened.contentType, size: opened.size });
      perRun.set(run.id, (perRun.get(run.id) ?? 0) + 1);
      removeLater(run, fileId, path);
      const caption = args.data.caption?.trim();
      return { ok: true, args: { fileId, name: opened.name, contentType: opened.contentType, size: opened.size, ...(caption ? { caption } : {}) } };
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
