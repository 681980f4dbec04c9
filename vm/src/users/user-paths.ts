// Where a user's HOME, workspaces and temp files live, and where run logs go: every path is
// built from a keyed hash or a checked id and verified to stay inside DATA_DIR, whatever the input.
import { chownSync, existsSync, lstatSync, mkdirSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { MAIN_WORKSPACE, WorkspaceIdSchema } from "../../../src/protocol/vm/workspaces";
import { doAsUser } from "./as-user";
import type { AgentIds } from "../core/agent-ids";
import { isUserKey, userKeyOf as keyedUserKeyOf } from "../core/user-keys";
import { userKeysOf } from "./user-key-secret";
import { keyOf } from "./user-slots";

/** `workspace`: the "main" workspace, the one directory every user had before conversations. */
export type UserPaths = { key: string; root: string; home: string; workspace: string; tmp: string };

const RUN_ID = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * A user's directory name: a keyed hash of the id under DATA_DIR's own secret (user-key-secret.ts),
 * so no id can name a path, and no name (in `/etc/passwd`, a command line) gives the id back; or,
 * for a user whose first run took a slot made ahead (user-slots.ts), that slot's random key.
 */
export function userKeyOf(dataDir: string, userId: string): string {
  return keyOf(dataDir, ownKeyOf(dataDir, userId));
}

/** The keyed hash of the id itself, before any slot (user-slots.ts): what a new user's first run binds to one. */
export function ownKeyOf(dataDir: string, userId: string): string {
  return keyedUserKeyOf(userKeysOf(dataDir).secret, userId);
}

/** Joins under `root` and refuses any result that is not strictly inside it. */
export function resolveInside(root: string, ...segments: string[]): string {
  const base = resolve(root);
  const target = resolve(base, ...segments);
  const rel = relative(base, target);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
    throw new Error(`path escapes ${base}: ${JSON.stringify(segments)}`);
  }
  return target;
}

export function userPathsOf(dataDir: string, userId: string): UserPaths {
  return userPathsOfKey(dataDir, userKeyOf(dataDir, userId));
}

export function userPathsOfKey(dataDir: string, key: string): UserPaths {
  if (!isUserKey(key)) throw new Error(`not a user key: ${JSON.stringify(key)}`);
  const root = resolveInside(dataDir, "users", key);
  return {
    key,
    root,
    home: resolveInside(root, "home"),
    workspace: resolveInside(root, "workspace"),
    tmp: resolveInside(root, "tmp"),
  };
}

/**
 * A workspace's directory: "main" is `users/<hash>/workspace`, where Claude Code already keeps
 * today's sessions (it keys them by the working directory); any other id is
 * `users/<hash>/workspaces/<id>`.
 */
export function workspaceDirOf(paths: UserPaths, workspace: string): string {
  if (workspace === MAIN_WORKSPACE) return paths.workspace;
  if (!WorkspaceIdSchema.safeParse(workspace).success) throw new Error(`invalid workspace id: ${JSON.stringify(workspace)}`);
  return resolveInside(paths.root, "workspaces", workspace);
}

/**
 * Creates a user's HOME and temp directory and one workspace (all owner-only) on first use. The
 * user's root is made by the server (in `users/`, which only the server writes) and given to the
 * user; everything inside it is made as the user, by a child of its uid, only when one is missing.
 */
export async function ensureUserDirs(paths: UserPaths, workspaceDir: string = paths.workspace, ids: AgentIds | null = null): Promise<void> {
  if (!existsSync(paths.root)) {
    const users = dirname(paths.root);
    // Passed through (not listed) by agents of their own uids on the way to their own tree.
    if (!existsSync(users)) mkdirSync(users, { recursive: true, mode: ids ? 0o711 : 0o700 });
    mkdirSync(paths.root, { mode: 0o700 });
    if (ids) chownSync(paths.root, ids.uid, ids.gid);
  }
  // The usual case, every one there already: no child at all. Anything else (missing, a link) is left to `mkdir -p` as the user.
  const dirs = [paths.home, paths.tmp, workspaceDir];
  if (dirs.every((dir) => lstatSync(dir, { throwIfNoEntry: false })?.isDirectory())) return;
  await doAsUser(ids, dirs.map((path) => ({ op: "mkdir", path })));
}

export function isRunId(runId: string): boolean {
  return RUN_ID.test(runId);
}

export function runsDirOf(dataDir: string): string {
  return resolveInside(dataDir, ".runs");
}

/** `DATA_DIR/.runs/<runId>.<suffix>`, for a run id the protocol allows and nothing else. */
export function runFileOf(dataDir: string, runId: string, suffix: "ndjson" | "meta.json"): string {
  if (!isRunId(runId)) throw new Error(`invalid run id: ${JSON.stringify(runId)}`);
  return resolveInside(runsDirOf(dataDir), `${runId}.${suffix}`);
}
