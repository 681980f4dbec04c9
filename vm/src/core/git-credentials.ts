// The operator's git credentials as the files git and gh read: the credential-store file, each
// user's VM-managed git config (a get-only helper, the git identity) and gh's hosts.yml. Pure.
import type { GitIdentity } from "../../../src/protocol/vm-protocol";

export type GitCredentialsInput = { githubToken?: string; gitCredentials?: string };

/** `lines`: the credential-store file; `secrets`: values no log or message may carry. */
export type CredentialLines = { lines: string[]; secrets: string[]; skipped: number };

/**
 * GITHUB_TOKEN as `https://x-access-token:<token>@github.com` (what GitHub expects of a token
 * over HTTPS), first, then each GIT_CREDENTIALS line that is a URL with a user and a secret; the
 * other lines are skipped and only counted, so a log line never quotes them.
 */
export function credentialLinesOf(input: GitCredentialsInput): CredentialLines {
  const lines: string[] = [];
  const secrets: string[] = [];
  let skipped = 0;
  if (input.githubToken) {
    lines.push(`https://x-access-token:${encodeURIComponent(input.githubToken)}@github.com`);
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

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A helper that only answers `get` from the shared file. git's `store` helper also *writes* it:
 * after a refused login it erases the matching line (observed: one agent's failed push would
 * delete the operator's token for everyone), and after a success it adds what was typed.
 */
export function credentialHelperOf(credentialsFile: string): string {
  return `!f() { if [ "$1" = get ]; then exec git credential-store --file ${shellQuote(credentialsFile)} get; fi; }; f`;
}

/** A value in git's config syntax: quoted, `\` and `"` escaped (newlines are refused upstream). */
function configValue(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * The user's `~/.config/git/config`, which the VM owns and rewrites before each agent process.
 * git reads `~/.gitconfig` after it, so the agent's own `git config --global` settings (which go
 * to `~/.gitconfig`, kept apart) win.
 */
export function gitConfigText(input: { credentialsFile: string | null; identity?: GitIdentity }): string {
  const parts = ["# Written by the agent VM before each agent start; changes here are lost. Use ~/.gitconfig.\n"];
  if (input.credentialsFile) parts.push(`[credential]\n\thelper = ${configValue(credentialHelperOf(input.credentialsFile))}\n`);
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

/** First line of the files the VM writes for gh: how it knows a file is its own to replace or remove. */
export const GH_HOSTS_MARKER = "# Written by the agent VM from its GITHUB_TOKEN";

/**
 * gh's `hosts.yml` for github.com (gh reads `~/.config/gh/hosts.yml`; GH_TOKEN would put the token
 * in the agent's environment). Both layouts at once: the per-user `users:` map of gh 2.40 and
 * later, and the host-level `oauth_token`/`user` that older gh reads (the image's 2.23 included).
 */
export function ghHostsYaml(token: string): string {
  const quoted = JSON.stringify(token);
  return [
    GH_HOSTS_MARKER,
    "github.com:",
    "    users:",
    "        x-access-token:",
    `            oauth_token: ${quoted}`,
    "    git_protocol: https",
    `    oauth_token: ${quoted}`,
    "    user: x-access-token",
    "",
  ].join("\n");
}

/** gh's `config.yml`, written only when there is none: "version 1" means hosts.yml is already in the multi-account layout. */
export const GH_CONFIG_YAML = 'version: "1"\n';
