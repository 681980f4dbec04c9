// Puts the operator's git credentials where git and gh look for them, and nowhere else: one
// credential-store file on the volume (written at start), and in each user's HOME a VM-managed
// git config pointing at it and gh's hosts.yml. Never the agent's environment, never a URL.
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { GitIdentity } from "../../src/protocol/vm-protocol";
import { doAsUser } from "./as-user";
import type { AgentIds } from "./core/agent-ids";
import type { UserFileOp } from "./core/user-file-ops";
import { GH_CONFIG_YAML, GH_HOSTS_MARKER, ghHostsYaml, gitConfigText } from "./core/git-credentials";
import { resolveInside } from "./user-paths";

/** Writes via a temporary file and a rename: a reader never sees half a file. */
function writeAtomically(path: string, text: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const partial = `${path}.partial-${process.pid}`;
  writeFileSync(partial, text, { mode });
  renameSync(partial, path);
}

/**
 * `DATA_DIR/.secrets/git-credentials`, or null and no file when the operator set no credentials.
 * Every agent reads it by design (the operator shares these credentials): with agents of their
 * own uids (`sharedWithAgents`) the directory is 711 (passed through, not listed) and the file
 * 644, since a child started with a uid keeps no supplementary group to share it through;
 * otherwise 700 and 600, the agents being the server's user.
 */
export function writeCredentialsFile(dataDir: string, lines: string[], sharedWithAgents = false): string | null {
  const path = resolveInside(dataDir, ".secrets", "git-credentials");
  if (lines.length === 0) {
    rmSync(path, { force: true });
    return null;
  }
  writeAtomically(path, `${lines.join("\n")}\n`, sharedWithAgents ? 0o644 : 0o600);
  chmodSync(dirname(path), sharedWithAgents ? 0o711 : 0o700);
  return path;
}

export type GitHomeInput = { credentialsFile: string | null; identity?: GitIdentity; githubToken?: string };

/** The user's git config file that the VM owns (`~/.config/git/config`). */
export function managedGitConfigOf(home: string): string {
  return join(home, ".config", "git", "config");
}

/**
 * Before each agent process: the VM's git config (helper, identity), an empty `~/.gitconfig` for
 * the agent's own settings if there is none (else `git config --global` would write into the
 * VM's file), and gh's hosts.yml with the token, or none when the token is gone (a hosts.yml of
 * the user's own stays). As steps for a child of the user's uid (as-user.ts).
 */
export function gitHomeOps(home: string, input: GitHomeInput): UserFileOp[] {
  const ghDir = join(home, ".config", "gh");
  const hosts = join(ghDir, "hosts.yml");
  return [
    { op: "write", path: managedGitConfigOf(home), text: gitConfigText(input), mode: 0o600 },
    { op: "create", path: join(home, ".gitconfig"), text: "", mode: 0o600 },
    ...(input.githubToken
      ? ([
          { op: "write", path: hosts, text: ghHostsYaml(input.githubToken), mode: 0o600 },
          { op: "create", path: join(ghDir, "config.yml"), text: GH_CONFIG_YAML, mode: 0o600 },
        ] satisfies UserFileOp[])
      : ([{ op: "removeIfStarts", path: hosts, prefix: GH_HOSTS_MARKER }] satisfies UserFileOp[])),
  ];
}

/** Writes them as the user (as the server itself when `ids` is null). */
export function prepareGitHome(ids: AgentIds | null, home: string, input: GitHomeInput): Promise<void> {
  return doAsUser(ids, gitHomeOps(home, input));
}
