// The operator's git credentials, parsed (they stay in the server's memory: credential-proxy.ts),
// and the files git and gh read in each user's HOME: the VM-managed git config (the proxy's URL
// rewrites, the git identity) and gh's config.yml (the proxy's socket). Pure.
import type { GitIdentity } from "../../../src/protocol/vm/runs";

export type GitCredentialsInput = { githubToken?: string; gitCredentials?: string; /** GITHUB_URL: the host the token is for; default github.com. */ githubUrl?: string };

/** `lines`: credential-store lines (the proxy's git hosts); `secrets`: values no log or message may carry. */
export type CredentialLines = { lines: string[]; secrets: string[]; skipped: number };

/**
 * GITHUB_TOKEN as `https://x-access-token:<token>@github.com` (what GitHub expects of a token
 * over HTTPS; GITHUB_URL's scheme and host instead when set), first, then each GIT_CREDENTIALS line that is a URL with a user and a secret; the
 * other lines are skipped and only counted, so a log line never quotes them.
 */
export function credentialLinesOf(input: GitCredentialsInput): CredentialLines {
  const lines: string[] = [];
  const secrets: string[] = [];
  let skipped = 0;
  if (input.githubToken) {
    const host = new URL(input.githubUrl ?? "https://github.com");
    lines.push(`${host.protocol}//x-access-token:${encodeURIComponent(input.githubToken)}@${host.host}`);
    secrets.push(input.githubToken);
  }
  for (const raw of (input.gitCredentials ?? "").split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") continue;
    let url: URL | null = null;
    try {
      url = new URL(line);
    } catch {
      // Not a URL: counted below.
    }
    if (!url || !/^https?:$/.test(url.protocol) || url.hostname === "" || url.username === "" || url.password === "") {
      skipped++;
      continue;
    }
    lines.push(line);
    secrets.push(url.password, safeDecode(url.password));
  }
  return { lines, secrets: [...new Set(secrets)], skipped };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** A value in git's config syntax: quoted, `\` and `"` escaped (newlines are refused upstream). */
function configValue(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * The user's `~/.config/git/config`, which the VM owns and rewrites before each agent process.
 * git reads `~/.gitconfig` after it, so the agent's own `git config --global` settings (which go
 * to `~/.gitconfig`, kept apart) win. `proxy`: the credential proxy's `url.….insteadOf` lines;
 * no credential helper: git never holds a credential, the proxy adds it.
 */
export function gitConfigText(input: { proxy: string | null; identity?: GitIdentity }): string {
  const parts = ["# Written by the agent VM before each agent start; changes here are lost. Use ~/.gitconfig.\n"];
  if (input.proxy) parts.push(input.proxy);
  if (input.identity) parts.push(`[user]\n\tname = ${configValue(input.identity.name)}\n\temail = ${configValue(input.identity.email)}\n`);
  return parts.join("");
}

/** The variables git reads before any config: the run's identity for commits. */
export function gitIdentityEnv(identity: GitIdentity | undefined): Record<string, string> {
  if (!identity) return {};
  return {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
  };
}

/** First line of the hosts.yml the VM wrote for gh, with a token of one agent process: removed at the next agent start (gh reads GH_TOKEN now). */
export const GH_HOSTS_MARKER = "# Written by the agent VM: a token of this agent process for the VM's credential proxy";
/** The first line of the hosts.yml earlier versions wrote, holding the VM's own GitHub token: removed at the next agent start. */
export const LEGACY_GH_HOSTS_MARKER = "# Written by the agent VM from its GITHUB_TOKEN";

export const GH_CONFIG_MARKER = "# Written by the agent VM: gh reaches GitHub through its credential proxy";

/**
 * gh's `config.yml`: `http_unix_socket` sends every request of gh as plain HTTP over the proxy's
 * socket, which adds the VM's token; "version 1" means hosts.yml is in the multi-account layout.
 */
export function ghConfigYaml(socket: string): string {
  return [GH_CONFIG_MARKER, 'version: "1"', `http_unix_socket: ${JSON.stringify(socket)}`, ""].join("\n");
}
