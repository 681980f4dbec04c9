// Every variable of the VM's environment that carries a secret, in one place, and what becomes of
// it: held by the server (used by the credential proxy or the server itself, never in an agent's
// environment) or not passed at all. cliEnv (core/cli-command.ts) applies it to every CLI, and
// secret-env.test.ts walks the list with the real CLI.

export type SecretHandling =
  /** The server uses it; the agent gets, at most, a stand-in of its own process (the proxy's token). */
  | "held"
  /** Not passed to the agent: nothing on the VM's side needs it. */
  | "dropped";

export type SecretVariable = { name: string; handling: SecretHandling; why: string };

/** The model credentials the credential proxy presents upstream, in the order the VM prefers them. */
export const MODEL_CREDENTIAL_VARIABLES = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"] as const;

export const SECRET_VARIABLES: readonly SecretVariable[] = [
  ...MODEL_CREDENTIAL_VARIABLES.map((name) => ({ name, handling: "held" as const, why: "the model credential: the credential proxy presents it upstream; the agent's CLI gets its process's own token in its place" })),
  { name: "ANTHROPIC_CUSTOM_HEADERS", handling: "held", why: "headers for the model's upstream (a gateway's key, often): the credential proxy adds them to each model request" },
  { name: "ANTHROPIC_FOUNDRY_API_KEY", handling: "dropped", why: "Microsoft Foundry's key: the credential proxy speaks only the Anthropic API upstream, so the VM does not reach Foundry" },
  { name: "CLAUDE_CODE_CLIENT_KEY_PASSPHRASE", handling: "dropped", why: "an mTLS key's passphrase: the CLI's model calls go to the credential proxy on loopback, without client certificates" },
  { name: "VM_TOKEN", handling: "held", why: "the relay's bearer token for the VM: the server checks it" },
  { name: "GITHUB_TOKEN", handling: "held", why: "GitHub's token: the credential proxy presents it to GitHub for git and gh" },
  { name: "GIT_CREDENTIALS", handling: "held", why: "git hosts' credentials: the credential proxy presents them" },
];

/**
 * Any other pass-through variable named like a secret is not passed either: a variable a later CLI
 * adds (`ANTHROPIC_<something>_API_KEY`) is kept out until someone decides otherwise here.
 * `CLAUDE_CODE_MAX_OUTPUT_TOKENS` and the like are counts, not secrets: the names must end so.
 */
const SECRET_NAME = /(?:_API_KEY|_AUTH_TOKEN|_ACCESS_TOKEN|_BEARER_TOKEN|_SESSION_TOKEN|_SECRET|_SECRET_KEY|_PASSWORD|_PASSPHRASE|_CREDENTIALS)$/;

const HELD_OR_DROPPED = new Set(SECRET_VARIABLES.map((v) => v.name));
const MODEL = new Set<string>(MODEL_CREDENTIAL_VARIABLES);

/**
 * A URL's `user:pass@` is a secret of the URL (an operator's `HTTPS_PROXY`): the URL is passed
 * without it. Text that is not such a URL is returned as it is.
 */
export function withoutUserinfo(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value.trim())) return value;
  try {
    const url = new URL(value.trim());
    url.username = "";
    url.password = "";
    return url.href.replace(/\/$/, value.trim().endsWith("/") ? "/" : "");
  } catch {
    return value;
  }
}

/**
 * The pass-through variables an agent may see: without any variable of the list (but the model
 * credential's, which by then holds the proxy's stand-in token: credential-proxy.ts), without any
 * other named like a secret, and every URL without its `user:pass@`.
 */
export function agentSafeEnv(passThrough: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(passThrough)) {
    if (MODEL.has(name)) out[name] = value;
    else if (HELD_OR_DROPPED.has(name) || SECRET_NAME.test(name)) continue;
    else out[name] = withoutUserinfo(value);
  }
  return out;
}

/** The values of `env` the list marks as secrets (and a URL's password): what no message, log or diff may carry. */
export function secretValuesOf(env: Record<string, string | undefined>): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (HELD_OR_DROPPED.has(name) || SECRET_NAME.test(name)) values.push(value);
    if (name === "ANTHROPIC_CUSTOM_HEADERS") values.push(...Object.values(customHeadersOf({ [name]: value })));
    const password = /^[a-z][a-z0-9+.-]*:\/\/[^/?#:@]*:([^/?#@]+)@/i.exec(value.trim())?.[1];
    if (password) values.push(password, decodeURIComponent(password));
  }
  return values;
}

/**
 * `ANTHROPIC_CUSTOM_HEADERS` as headers (one `Name: value` a line, as the CLI reads it), for the
 * proxy to add upstream. A line that is no header is skipped; so is one the proxy sets itself.
 */
export function customHeadersOf(cliEnv: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of (cliEnv.ANTHROPIC_CUSTOM_HEADERS ?? "").split(/\r?\n/)) {
    const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*?)\s*$/.exec(line);
    if (!match?.[1]) continue;
    const name = match[1].toLowerCase();
    if (["host", "content-length", "x-api-key", "authorization", "connection", "transfer-encoding"].includes(name)) continue;
    headers[name] = match[2] ?? "";
  }
  return headers;
}
