// Puts the operator's git credentials where git and gh look for them, and nowhere else: one
// credential-store file on the volume (written at start), and in each user's HOME a VM-managed
// git config pointing at it and gh's hosts.yml. Never the agent's environment, never a URL.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { GitIdentity } from "../../src/protocol/vm-protocol";
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
 * VM's file), and gh's hosts.yml with the token, or none when the token is gone.
 */
export function prepareGitHome(home: string, input: GitHomeInput): void {
  writeAtomically(managedGitConfigOf(home), gitConfigText(input));
  const own = join(home, ".gitconfig");
  if (!existsSync(own)) writeFileSync(own, "", { mode: 0o600 });
  const ghDir = join(home, ".config", "gh");
  const hosts = join(ghDir, "hosts.yml");
  if (input.githubToken) {
    writeAtomically(hosts, ghHostsYaml(input.githubToken));
    if (!existsSync(join(ghDir, "config.yml"))) writeFileSync(join(ghDir, "config.yml"), GH_CONFIG_YAML, { mode: 0o600 });
  } else if (existsSync(hosts) && readFileSync(hosts, "utf8").startsWith(GH_HOSTS_MARKER)) {
    rmSync(hosts, { force: true });
  }
}
