// The user's own "always" answers, kept by the server where no agent can write them:
// `DATA_DIR/.permissions/<userKey>/<workspace>.json`, a Claude Code settings file that holds only
// `permissions.allow`. Each CLI of that workspace gets it with `--settings` and reads no settings
// file of its own (`--setting-sources=`, core/cli-command.ts), so a rule, hook, `env` or
// `apiKeyHelper` the agent writes into its workspace or home changes nothing, and a script that
// deletes or edits the agent's settings cannot lose the user's choices (docs/vm.md, approvals).
// Written by the server as itself, never as the user: the agent can read its own file (the CLI
// runs as the agent) but not write it, nor any directory on the way.
import { chmodSync, chownSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { MAIN_WORKSPACE, WorkspaceIdSchema } from "../../../src/protocol/vm/workspaces";
import type { AgentIds } from "../core/agent-ids";
import { allowRulesOf, withAllowRule, withoutAllowRules } from "../core/approvals";
import { resolveInside, userPathsOfKey } from "../users/user-paths";

export type ApprovalRules = ReturnType<typeof createApprovalRules>;

/**
 * Owners and modes. With agents of their own uids: `.permissions` root 711 (passed through, never
 * listed), each user's directory and file root:<the agent's gid> 750/640, so its agent reads them
 * and no other agent does. Agents as the server's user (not root, or AGENT_UIDS=off): 700/600,
 * which keeps other OS users out but not the agent: it is the server's own uid (docs/vm.md).
 */
function modesOf(ids: AgentIds | null) {
  return ids ? { top: 0o711, dir: 0o750, file: 0o640 } : { top: 0o700, dir: 0o700, file: 0o600 };
}

/** The workspace a CLI's working directory is: "main" (`users/<key>/workspace`) or `workspaces/<id>`. */
export function workspaceOfDir(dataDir: string, userKey: string, cwd: string): string {
  const paths = userPathsOfKey(dataDir, userKey);
  if (cwd === paths.workspace) return MAIN_WORKSPACE;
  const id = relative(join(paths.root, "workspaces"), cwd);
  if (id === MAIN_WORKSPACE || !WorkspaceIdSchema.safeParse(id).success) throw new Error(`not a workspace directory: ${cwd}`);
  return id;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return null;
  }
}

export function createApprovalRules(options: { dataDir: string; idsOf: (userKey: string) => AgentIds | null }) {
  const top = resolveInside(options.dataDir, ".permissions");
  const dirOf = (userKey: string) => resolveInside(top, userPathsOfKey(options.dataDir, userKey).key);
  const fileOf = (userKey: string, cwd: string) => resolveInside(dirOf(userKey), `${workspaceOfDir(options.dataDir, userKey, cwd)}.json`);

  /** Made (or put right) before each write: the server's, readable by the user's agent only. */
  function ensureDirs(userKey: string, ids: AgentIds | null): void {
    const modes = modesOf(ids);
    mkdirSync(top, { recursive: true, mode: modes.top });
    chmodSync(top, modes.top);
    const dir = dirOf(userKey);
    mkdirSync(dir, { recursive: true, mode: modes.dir });
    if (ids) chownSync(dir, process.getuid?.() ?? 0, ids.gid);
    chmodSync(dir, modes.dir);
  }

  /** Through a temporary file and a rename: a CLI starting meanwhile never reads half of it. */
  function replace(userKey: string, file: string, text: string): void {
    const ids = options.idsOf(userKey);
    ensureDirs(userKey, ids);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, text, { mode: modesOf(ids).file });
    if (ids) chownSync(temporary, process.getuid?.() ?? 0, ids.gid);
    chmodSync(temporary, modesOf(ids).file);
    renameSync(temporary, file);
  }

  return {
    /** What the CLI gets as `--settings`: the file, or null when the workspace never had a rule (a missing file stops the CLI). */
    settingsFileFor(userKey: string, cwd: string): string | null {
      const file = fileOf(userKey, cwd);
      return readText(file) === null ? null : file;
    },

    /** Adds an "always" rule; written before the allow that carries it reaches the CLI. */
    remember(userKey: string, cwd: string, rule: string): void {
      const file = fileOf(userKey, cwd);
      replace(userKey, file, withAllowRule(readText(file), rule));
    },

    list(userKey: string, cwd: string): string[] {
      return allowRulesOf(readText(fileOf(userKey, cwd)));
    },

    /**
     * Removes every rule of the workspace; returns them. The file stays, emptied: a CLI starting
     * meanwhile was told its path and would stop on a missing one.
     */
    forget(userKey: string, cwd: string): string[] {
      const file = fileOf(userKey, cwd);
      const { text, removed } = withoutAllowRules(readText(file));
      if (text !== null) replace(userKey, file, text);
      return removed;
    },

    /** The workspace is gone (no run can start there meanwhile): so is its file. */
    drop(userKey: string, cwd: string): void {
      rmSync(fileOf(userKey, cwd), { force: true });
    },
  };
}
