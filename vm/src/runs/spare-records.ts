// Each user's last chat run's options, kept on DATA_DIR so the VM can start their spare as soon as
// it starts (after a restart, a Machine's stop or its suspension's end) instead of after their
// first run. One small file in the user's own root, written as the user (so nothing of the server's
// is written into a tree the agent owns) and removed with their data. Read by the server without
// following a link, never blocking on a special file, capped in size, and checked with zod: a file
// that is not one fails closed (no spare). A forged one gains nothing: a spare is handed only to a
// run whose own options and workspace match it (core/spare-agent.ts spareRefusal).
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync } from "node:fs";
import { join, relative } from "node:path";
import * as z from "zod";
import { GitIdentitySchema, RunOptionsSchema, type StartRunRequest } from "../../../src/protocol/vm/runs";
import { MAIN_WORKSPACE, WorkspaceIdSchema } from "../../../src/protocol/vm/workspaces";
import type { AgentIds } from "../core/agent-ids";
import { isUserKey } from "../core/user-keys";
import { doAsUser } from "../users/as-user";
import { resolveInside, type UserPaths, userPathsOfKey, workspaceDirOf } from "../users/user-paths";

const FILE = ".spare-run.json";
const MAX_BYTES = 64 * 1024;

const SpareRecordSchema = z.object({
  workspace: WorkspaceIdSchema,
  options: RunOptionsSchema,
  gitIdentity: z.optional(GitIdentitySchema),
});
export type SpareRecord = z.infer<typeof SpareRecordSchema>;

/** A user's spare to start at the VM's start: where, and as what. */
export type BootSpare = { paths: UserPaths; cwd: string; request: Pick<StartRunRequest, "options" | "gitIdentity"> };

/** The workspace id of a directory of the user's (null: not one of theirs). */
export function workspaceIdOf(paths: UserPaths, cwd: string): string | null {
  if (cwd === paths.workspace) return MAIN_WORKSPACE;
  const id = relative(join(paths.root, "workspaces"), cwd);
  return WorkspaceIdSchema.safeParse(id).success ? id : null;
}

/** The file's text, without following a link or waiting on a FIFO; null when absent or not a small regular file. */
function readSmallFile(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_BYTES) return null;
    const buffer = Buffer.alloc(stat.size);
    const read = readSync(fd, buffer, 0, stat.size, 0);
    return buffer.subarray(0, read).toString("utf8");
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** The record's text as parsed and checked, or null. */
export function parseSpareRecord(text: string | null): SpareRecord | null {
  if (text === null) return null;
  try {
    const parsed = SpareRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function createSpareRecords(dataDir: string) {
  /** What was last written for each user this server's life: the same record is not written twice. */
  const written = new Map<string, string>();
  const fileOf = (paths: UserPaths) => resolveInside(paths.root, FILE);

  return {
    /** Remembers the user's last run's options and workspace (as the user, once per change). */
    async save(paths: UserPaths, ids: AgentIds | null, cwd: string, request: Pick<StartRunRequest, "options" | "gitIdentity">): Promise<void> {
      const workspace = workspaceIdOf(paths, cwd);
      if (workspace === null) return;
      const { forkSession: _fork, keepWarmMs: _keep, ...options } = request.options;
      const text = JSON.stringify({ workspace, options, ...(request.gitIdentity ? { gitIdentity: request.gitIdentity } : {}) } satisfies SpareRecord);
      // A user whose data was deleted meanwhile: nothing is made again for them (the write would make its directory).
      if (written.get(paths.key) === text || !lstatSync(paths.root, { throwIfNoEntry: false })?.isDirectory()) return;
      await doAsUser(ids, [{ op: "write", path: fileOf(paths), text, mode: 0o600 }]);
      written.set(paths.key, text);
    },

    /** The users whose runs were the latest (their records' times), newest first, at most `limit`, each where its workspace still is. */
    newest(limit: number): BootSpare[] {
      if (limit <= 0) return [];
      const users = resolveInside(dataDir, "users");
      let keys: string[];
      try {
        keys = readdirSync(users).filter(isUserKey);
      } catch {
        return [];
      }
      const dated = keys.flatMap((key) => {
        const paths = userPathsOfKey(dataDir, key);
        const stat = lstatSync(fileOf(paths), { throwIfNoEntry: false });
        return stat?.isFile() ? [{ paths, at: stat.mtimeMs }] : [];
      });
      dated.sort((a, b) => b.at - a.at);
      const found: BootSpare[] = [];
      for (const { paths } of dated) {
        if (found.length >= limit) break;
        const record = parseSpareRecord(readSmallFile(fileOf(paths)));
        if (!record) continue;
        const cwd = workspaceDirOf(paths, record.workspace);
        if (!lstatSync(cwd, { throwIfNoEntry: false })?.isDirectory()) continue;
        written.set(paths.key, JSON.stringify(record));
        found.push({ paths, cwd, request: { options: record.options, ...(record.gitIdentity ? { gitIdentity: record.gitIdentity } : {}) } });
      }
      return found;
    },
  };
}

export type SpareRecords = ReturnType<typeof createSpareRecords>;
