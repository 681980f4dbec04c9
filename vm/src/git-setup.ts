// Puts what git and gh need in each user's HOME, and no credential anywhere: a VM-managed git
// config whose URL rewrites send the credential hosts through the credential proxy, and gh's
// hosts.yml and config.yml with the agent process's proxy token and socket. The operator's
// credentials stay in the server's memory (credential-proxy.ts).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { GitIdentity } from "../../src/protocol/vm-protocol";
import { GH_CONFIG_MARKER, GH_HOSTS_MARKER, LEGACY_GH_HOSTS_MARKER, ghConfigYaml, ghHostsYaml, gitConfigText } from "./core/git-credentials";
import { resolveInside } from "./user-paths";

/** Writes via a temporary file and a rename: a reader never sees half a file. */
function writeAtomically(path: string, text: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const partial = `${path}.partial-${process.pid}`;
  writeFileSync(partial, text, { mode });
  renameSync(partial, path);
}

/** The credentials file earlier versions kept on the volume (`DATA_DIR/.secrets/git-credentials`): removed at start. */
export function removeCredentialsFile(dataDir: string): boolean {
  const dir = resolveInside(dataDir, ".secrets");
  if (!existsSync(dir)) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}

export type GitHomeInput = {
  /** The proxy's `url.….insteadOf` lines for this agent process, or null when no git host has a credential. */
  gitProxy: string | null;
  identity?: GitIdentity;
  /** gh's way through the proxy (its socket and this process's token), or null without a GitHub token. */
  gh: { socket: string; token: string } | null;
};

/** The user's git config file that the VM owns (`~/.config/git/config`). */
export function managedGitConfigOf(home: string): string {
  return join(home, ".config", "git", "config");
}

/** Replaces or removes a file the VM wrote (its first line says so); never a file of the agent's own. */
function writeManaged(path: string, markers: string[], text: string | null): void {
  const ours = !existsSync(path) || markers.some((marker) => readFileSync(path, "utf8").startsWith(marker));
  if (!ours) return;
  if (text === null) rmSync(path, { force: true });
  else writeAtomically(path, text);
}

/**
 * Before each agent process: the VM's git config (proxy rewrites, identity), an empty
 * `~/.gitconfig` for the agent's own settings if there is none (else `git config --global` would
 * write into the VM's file), and gh's files with this process's token, or none without GitHub.
 */
export function prepareGitHome(home: string, input: GitHomeInput): void {
  writeAtomically(managedGitConfigOf(home), gitConfigText({ proxy: input.gitProxy, identity: input.identity }));
  const own = join(home, ".gitconfig");
  if (!existsSync(own)) writeFileSync(own, "", { mode: 0o600 });
  const ghDir = join(home, ".config", "gh");
  if (!input.gh && !existsSync(ghDir)) return;
  writeManaged(join(ghDir, "hosts.yml"), [GH_HOSTS_MARKER, LEGACY_GH_HOSTS_MARKER], input.gh ? ghHostsYaml(input.gh.token) : null);
  // An earlier version's config.yml was only `version: "1"`: taken over as well.
  writeManaged(join(ghDir, "config.yml"), [GH_CONFIG_MARKER, 'version: "1"\n'], input.gh ? ghConfigYaml(input.gh.socket) : null);
}
