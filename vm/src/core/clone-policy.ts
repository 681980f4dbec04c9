// Which repositories the VM clones, and how git is told to stay within that: pure, so the
// rules are table-tested and the VM stand-in applies exactly the same ones.

export type CloneSource = { kind: "https" | "http" | "scp" | "local" | "file"; url: string };
export type Checked<T> = { ok: true; value: T } | { ok: false; why: string };

/** scp-like `user@host:owner/repo(.git)`: no option-looking user, host or path, no `..`. */
const SCP_LIKE = /^([A-Za-z0-9_][A-Za-z0-9._-]*)@([A-Za-z0-9][A-Za-z0-9.-]*):((?:[A-Za-z0-9_][A-Za-z0-9._-]*\/)*[A-Za-z0-9_][A-Za-z0-9._-]*?)(?:\.git)?\/?$/;
const HOSTNAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$/;
// Whitespace and control characters never belong in a URL git is given.
const UNPRINTABLE = /[\s\x00-\x1f\x7f]/;

const refuse = (why: string): { ok: false; why: string } => ({ ok: false, why });

function checkHttps(url: string): Checked<CloneSource> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse("not a valid URL");
  }
  if (parsed.username !== "" || parsed.password !== "" || /^https:\/\/[^/]*@/i.test(url)) {
    return refuse("credentials in the URL are refused: the VM's credential helper supplies them");
  }
  if (!HOSTNAME.test(parsed.hostname)) return refuse("not a valid host name");
  if (parsed.pathname === "/" || parsed.pathname === "") return refuse("the URL names no repository");
  if (parsed.pathname.split("/").includes("..")) return refuse("the path may not contain ..");
  return { ok: true, value: { kind: "https", url } };
}

function checkLocal(url: string, allowLocal: boolean): Checked<CloneSource> {
  if (!allowLocal) return refuse("local repositories are refused");
  const path = url.startsWith("file://") ? url.slice("file://".length) : url;
  // file://host/path names another machine; only file:///absolute is local.
  if (!path.startsWith("/")) return refuse("only absolute local paths are allowed");
  if (path.split("/").includes("..")) return refuse("the path may not contain ..");
  return { ok: true, value: { kind: url.startsWith("file://") ? "file" : "local", url } };
}

/** A plain-HTTP origin on this machine (a local GitHub stand-in): the one case where http:// is cloned. */
export function isLoopbackHttp(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
  } catch {
    return false;
  }
}

/**
 * `https://` without credentials, and scp-like `git@host:owner/repo`, by default; absolute local
 * paths and `file:///…` only with ALLOW_LOCAL_CLONES. Everything else is refused: `file://`, `ext::`
 * and `fd::` (they run or read local things), `ssh://` (options injection through the host), `http://`,
 * `git://`, anything starting with `-` (read by git as an option). `plainHttpOrigin`: a loopback
 * GitHub stand-in (GITHUB_URL), whose repositories are cloned over http:// as over https://.
 */
export function checkCloneUrl(url: string, allowLocal: boolean, plainHttpOrigin: string | null = null): Checked<CloneSource> {
  if (url.length === 0 || url.length > 2048) return refuse("the URL is empty or too long");
  if (UNPRINTABLE.test(url)) return refuse("the URL contains spaces or control characters");
  if (url.startsWith("-")) return refuse("the URL may not start with -");
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(url)) return refuse("git remote helpers (ext::, fd::…) are refused");
  if (/^https:\/\//i.test(url)) return checkHttps(url);
  if (plainHttpOrigin && isLoopbackHttp(plainHttpOrigin) && url.toLowerCase().startsWith(`${new URL(plainHttpOrigin).origin}/`)) {
    const checked = checkHttps(url);
    return checked.ok ? { ok: true, value: { kind: "http", url } } : checked;
  }
  if (/^file:/i.test(url) || url.startsWith("/") || url.startsWith(".") || url.startsWith("~")) return checkLocal(url, allowLocal);
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url)) return refuse("only https:// and git@host:owner/repo URLs are allowed");
  if (SCP_LIKE.test(url)) return { ok: true, value: { kind: "scp", url } };
  return refuse("only https:// and git@host:owner/repo URLs are allowed");
}

/** git's rules for a branch name (`git check-ref-format --branch`), and no leading `-`. */
export function checkBranch(branch: string): Checked<string> {
  if (branch.length === 0 || branch.length > 255) return refuse("the branch name is empty or too long");
  if (branch.startsWith("-")) return refuse("the branch name may not start with -");
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(branch)) return refuse("the branch name contains a character git refuses");
  if (branch.includes("..") || branch.includes("@{") || branch.includes("//") || branch === "@") return refuse("not a valid branch name");
  if (branch.startsWith("/") || branch.endsWith("/") || branch.endsWith(".")) return refuse("not a valid branch name");
  if (branch.split("/").some((part) => part.startsWith(".") || part.endsWith(".lock"))) return refuse("not a valid branch name");
  return { ok: true, value: branch };
}

/**
 * The transports git may use for a clone (GIT_ALLOW_PROTOCOL): scp-like URLs are ssh; local
 * paths and file:// are `file`, only when local clones are allowed. Submodules and redirects
 * fall under the same list.
 */
export function allowedProtocols(allowLocal: boolean): string {
  return allowLocal ? "https:ssh:file" : "https:ssh";
}

/** The clone's `git -c …` settings: `protocol.file.allow=never` unless local clones are allowed. */
export function cloneConfigArgs(allowLocal: boolean): string[] {
  return allowLocal ? [] : ["-c", "protocol.file.allow=never"];
}
