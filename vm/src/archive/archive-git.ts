// The user's side of an archive: git and tar run as the workspace's user (never the server's ids),
// reading and writing the user's tree, with the bytes crossing to the server's files by pipes.
// A workspace becomes one bundle (every ref, the checkpoint refs, and a commit of its files on disk);
// a bundle becomes the workspace again. The user's own repository is only read while archiving.
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import type { AgentIds } from "../core/agent-ids";
import { spawnIdsOf, userChildEnv } from "../users/as-user";

/** No config but ours, no hook, no fsmonitor: nothing the workspace's config or an agent planted runs. */
const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  HOME: "/nonexistent",
  GIT_TERMINAL_PROMPT: "0",
  GIT_AUTHOR_NAME: "relay",
  GIT_AUTHOR_EMAIL: "relay@archive.invalid",
  GIT_COMMITTER_NAME: "relay",
  GIT_COMMITTER_EMAIL: "relay@archive.invalid",
  GIT_AUTHOR_DATE: "1700000000 +0000",
  GIT_COMMITTER_DATE: "1700000000 +0000",
};
const GIT = "git -c core.hooksPath=/dev/null -c core.fsmonitor=false -c safe.directory=* -c gc.auto=0 -c core.quotePath=false";

/** The ref in the bundle holding the workspace's files as they are on disk (uncommitted, untracked, the inbox). */
export const WORKTREE_REF = "refs/relay-archive/worktree";
/**
 * Where a restore keeps the checkpoint refs (`refs/relay-checkpoints/…`) until the shadow took them:
 * the shadow fetches from the restored repository only the objects they need (a fetch from the
 * bundle would store its whole pack a second time).
 */
export const CHECKPOINTS_REF = "refs/relay-archive/checkpoints/";

/**
 * `T`, a bare repository in the user's temp directory borrowing the objects of the workspace's
 * repository and its checkpoint shadow (alternates): their refs copied in, the files on disk
 * (what `git add -A` takes: not ignored; and `inbox/` even if ignored) committed on top of HEAD,
 * then every ref bundled to stdout.
 */
const BUNDLE_SCRIPT = `set -e
rm -rf "$T"
${GIT} init -q --bare "$T"
parent=""
if [ -f "$D/.git/HEAD" ] && [ ! -L "$D/.git" ]; then
  echo "$D/.git/objects" >> "$T/objects/info/alternates"
  ${GIT} --git-dir="$D/.git" for-each-ref --format='create %(refname) %(objectname)' | ${GIT} --git-dir="$T" update-ref --stdin
  parent=$(${GIT} --git-dir="$D/.git" rev-parse -q --verify 'HEAD^{commit}' || true)
fi
if [ -d "$S/objects" ]; then
  echo "$S/objects" >> "$T/objects/info/alternates"
  ${GIT} --git-dir="$S" for-each-ref --format='create %(refname) %(objectname)' refs/relay-checkpoints/ | ${GIT} --git-dir="$T" update-ref --stdin
fi
exclude=/dev/null
[ -f "$D/.git/info/exclude" ] && exclude="$D/.git/info/exclude"
export GIT_DIR="$T" GIT_WORK_TREE="$D" GIT_INDEX_FILE="$T/worktree-index"
${GIT} -c core.excludesFile="$exclude" add -A --ignore-errors . || [ $? -eq 1 ]
if [ -d "$D/inbox" ] && [ ! -L "$D/inbox" ]; then ${GIT} add -f --ignore-errors -- inbox || [ $? -eq 1 ]; fi
tree=$(${GIT} write-tree)
commit=$(${GIT} commit-tree "$tree" \${parent:+-p "$parent"} -m "files on disk when archived")
${GIT} update-ref ${WORKTREE_REF} "$commit"
unset GIT_WORK_TREE GIT_INDEX_FILE
# Files over 1 MiB are not searched for deltas (a search of large binaries took two thirds of an archive's time in the bench); smaller ones are.
${GIT} -c core.bigFileThreshold=1m bundle create -q - --all
`;

/**
 * The bundle (stdin) saved as \`B\`; the workspace \`D\` made again: a repository with the bundle's
 * refs, its config, exclude file and HEAD as they were (HAS_REPO=1), or a plain directory; then
 * the files on disk checked out from the worktree commit through an index of their own, and the
 * repository's index set to HEAD (changes show as unstaged, as an edit not yet added).
 */
const RESTORE_SCRIPT = `set -e
mkdir -p "$(dirname "$B")"
cat > "$B"
mkdir -p "$D"
if [ "$HAS_REPO" = 1 ]; then
  ${GIT} init -q "$D"
  printf '%s' "$GIT_CONFIG_TEXT" > "$D/.git/config"
  if [ -n "$EXCLUDE_TEXT" ]; then mkdir -p "$D/.git/info"; printf '%s' "$EXCLUDE_TEXT" > "$D/.git/info/exclude"; fi
  R="$D/.git"
  refs=$(${GIT} bundle list-heads "$B" | awk '$2 != "HEAD" { print "+" $2 ":" (index($2, "refs/relay-checkpoints/") == 1 ? "${CHECKPOINTS_REF}" substr($2, 24) : $2) }')
  ${GIT} --git-dir="$R" fetch -q --no-tags --update-head-ok "$B" $refs
  printf '%s\\n' "$HEAD_TEXT" > "$R/HEAD"
else
  R="$T"
  rm -rf "$T"
  ${GIT} init -q --bare "$T"
  ${GIT} --git-dir="$T" fetch -q --no-tags "$B" "+${WORKTREE_REF}:${WORKTREE_REF}" "+refs/relay-checkpoints/*:${CHECKPOINTS_REF}*"
fi
GIT_DIR="$R" GIT_WORK_TREE="$D" GIT_INDEX_FILE="$R/relay-restore-index" ${GIT} read-tree ${WORKTREE_REF}
GIT_DIR="$R" GIT_WORK_TREE="$D" GIT_INDEX_FILE="$R/relay-restore-index" ${GIT} checkout-index -a -f
rm -f "$R/relay-restore-index"
if [ "$HAS_REPO" = 1 ]; then
  GIT_DIR="$R" GIT_WORK_TREE="$D" ${GIT} read-tree HEAD 2>/dev/null || true
  ${GIT} --git-dir="$R" update-ref -d ${WORKTREE_REF}
fi
`;

/** The archive's own refs gone from the restored repository (their objects wait for git's pruning). */
const DROP_REFS_SCRIPT = `set -e
${GIT} --git-dir="$R" for-each-ref --format='delete %(refname)' refs/relay-archive/ | ${GIT} --git-dir="$R" update-ref --stdin
`;

/** The CLI's sessions (\`~/.claude/projects\`) as a tar on stdout; an empty tar when there are none. */
const SESSIONS_TAR_SCRIPT = `set -e
if [ -d "$H/.claude/projects" ]; then exec tar -cf - -C "$H/.claude" projects; fi
exec tar -cf - -T /dev/null
`;

/** The sessions tar (stdin) unpacked into \`~/.claude\`, each directory moved to the user's new path by \`X\`. */
const SESSIONS_UNTAR_SCRIPT = `set -e
mkdir -p "$H/.claude"
exec tar -xf - -C "$H/.claude" --no-same-owner --transform "$X"
`;

export type UserScript = { ids: AgentIds | null; script: string; env: Record<string, string>; stdinFile?: string; stdoutFile?: string };

/** Runs a script as the user: stdin from a file of the server's, stdout into one. Rejects with stderr's last line. */
export async function runAsUser({ ids, script, env, stdinFile, stdoutFile }: UserScript): Promise<void> {
  const child = spawn("sh", ["-c", script], {
    ...spawnIdsOf(ids),
    env: userChildEnv({ ...GIT_ENV, ...env }),
    cwd: "/",
    stdio: [stdinFile ? "pipe" : "ignore", stdoutFile ? "pipe" : "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-2048);
  });
  // A child that exits without reading all of stdin (it failed) must not leave the file's stream waiting.
  const source = stdinFile && child.stdin ? createReadStream(stdinFile) : null;
  if (source && child.stdin) {
    child.stdin.on("error", () => source.destroy());
    source.on("error", () => child.stdin?.destroy());
    source.pipe(child.stdin);
  }
  const sink = stdoutFile && child.stdout ? createWriteStream(stdoutFile, { mode: 0o600 }) : null;
  if (sink) child.stdout?.pipe(sink);
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  source?.destroy();
  if (sink) await finished(sink);
  if (status !== 0) throw new Error(`${stderr.trim().split("\n").at(-1) ?? ""} (status ${status})`.trim());
}

export type WorkspacePaths = { dir: string; shadow: string; scratch: string };

/** A workspace's bundle, written to `out` (a file of the server's). */
export function bundleWorkspace(ids: AgentIds | null, ws: WorkspacePaths, out: string): Promise<void> {
  return runAsUser({ ids, script: BUNDLE_SCRIPT, env: { D: ws.dir, S: ws.shadow, T: ws.scratch }, stdoutFile: out });
}

export type RepoState = { head: string; config: string; exclude: string } | null;

/** What a bundle does not carry: the repository's HEAD, config and exclude file (null: the workspace is no repository). */
export async function repoStateOf(ids: AgentIds | null, dir: string): Promise<RepoState> {
  const script = `[ -f "$D/.git/HEAD" ] && [ ! -L "$D/.git" ] || exit 3
printf '%s\\0' "$(cat "$D/.git/HEAD")" "$(cat "$D/.git/config" 2>/dev/null)" "$(cat "$D/.git/info/exclude" 2>/dev/null)"`;
  const out = await new Promise<string | null>((resolve) => {
    const child = spawn("sh", ["-c", script], { ...spawnIdsOf(ids), env: userChildEnv({ D: dir }), cwd: "/", stdio: ["ignore", "pipe", "ignore"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", () => resolve(null));
    child.on("close", (status) => resolve(status === 0 ? Buffer.concat(chunks).toString("utf8") : null));
  });
  if (out === null) return null;
  const [head = "", config = "", exclude = ""] = out.split("\0");
  return { head, config: config === "" ? "" : `${config}\n`, exclude: exclude === "" ? "" : `${exclude}\n` };
}

/**
 * The workspace made again from its bundle (a file of the server's); `bundleCopy` keeps it where
 * the user can read it. Returns the git directory holding the checkpoint refs under
 * CHECKPOINTS_REF (the repository's, or the scratch one), for `dropArchiveRefs` once they are taken.
 */
export async function restoreWorkspace(ids: AgentIds | null, ws: WorkspacePaths & { bundleCopy: string }, bundle: string, repo: RepoState): Promise<string> {
  const env = repo
    ? { HAS_REPO: "1", GIT_CONFIG_TEXT: repo.config, EXCLUDE_TEXT: repo.exclude, HEAD_TEXT: repo.head }
    : { HAS_REPO: "0", GIT_CONFIG_TEXT: "", EXCLUDE_TEXT: "", HEAD_TEXT: "" };
  await runAsUser({ ids, script: RESTORE_SCRIPT, env: { ...env, D: ws.dir, T: ws.scratch, B: ws.bundleCopy }, stdinFile: bundle });
  return repo ? `${ws.dir}/.git` : ws.scratch;
}

export function dropArchiveRefs(ids: AgentIds | null, gitDir: string): Promise<void> {
  return runAsUser({ ids, script: DROP_REFS_SCRIPT, env: { R: gitDir } });
}

export function tarSessions(ids: AgentIds | null, home: string, out: string): Promise<void> {
  return runAsUser({ ids, script: SESSIONS_TAR_SCRIPT, env: { H: home }, stdoutFile: out });
}

export function untarSessions(ids: AgentIds | null, home: string, tar: string, transform: string): Promise<void> {
  return runAsUser({ ids, script: SESSIONS_UNTAR_SCRIPT, env: { H: home, X: transform }, stdinFile: tar });
}
