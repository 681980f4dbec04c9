// Puts what git and gh need in each user's HOME, and no credential anywhere: a VM-managed git
// config whose URL rewrites send the credential hosts through the credential proxy, and gh's
// config.yml with the proxy's socket. No token anywhere: the proxy knows an agent's git and gh by
// their process (peer-agent.ts), and every process of the user reads the HOME. The
// operator's credentials stay in the server's memory (credential-proxy.ts). The files are written
// by a child of the user's uid (as-user.ts), never by switching the server's ids.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { GitIdentity } from "../../../src/protocol/vm/runs";
import { doAsUser } from "../users/as-user";
import type { AgentIds } from "../core/agent-ids";
import type { UserFileOp } from "../core/user-file-ops";
import { GH_CONFIG_MARKER, GH_HOSTS_MARKER, LEGACY_GH_HOSTS_MARKER, ghConfigYaml, gitConfigText } from "../core/git-credentials";
import { resolveInside } from "../users/user-paths";

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
  /** gh's way through the proxy (its socket; its GH_TOKEN is a placeholder), or null without a GitHub token. */
  gh: { socket: string } | null;
};

/** The user's git config file that the VM owns (`~/.config/git/config`). */
export function managedGitConfigOf(home: string): string {
  return join(home, ".config", "git", "config");
}

/**
 * Before each agent process: the VM's git config (proxy rewrites, identity), an empty
 * `~/.gitconfig` for the agent's own settings if there is none (else `git config --global` would
 * write into the VM's file), and gh's config.yml with the proxy's socket; without GitHub, the
 * config.yml the VM wrote earlier is removed (a gh config of the user's own stays). The hosts.yml
 * earlier versions wrote (a process's token, or before that the VM's own) is removed either way:
 * gh takes its placeholder token from GH_TOKEN. As steps for a child of the user's uid.
 */
export function gitHomeOps(home: string, input: GitHomeInput): UserFileOp[] {
  const ghDir = join(home, ".config", "gh");
  const hosts = join(ghDir, "hosts.yml");
  const config = join(ghDir, "config.yml");
  const gh: UserFileOp[] = input.gh ? [{ op: "write", path: config, text: ghConfigYaml(input.gh.socket), mode: 0o600 }] : [{ op: "removeIfStarts", path: config, prefix: GH_CONFIG_MARKER }];
  return [
    { op: "write", path: managedGitConfigOf(home), text: gitConfigText({ proxy: input.gitProxy, identity: input.identity }), mode: 0o600 },
    { op: "create", path: join(home, ".gitconfig"), text: "", mode: 0o600 },
    { op: "removeIfStarts", path: hosts, prefix: GH_HOSTS_MARKER },
    { op: "removeIfStarts", path: hosts, prefix: LEGACY_GH_HOSTS_MARKER },
    ...gh,
  ];
}

/** Writes them as the user (as the server itself when `ids` is null). */
export function prepareGitHome(ids: AgentIds | null, home: string, input: GitHomeInput): Promise<void> {
  return doAsUser(ids, gitHomeOps(home, input));
}
