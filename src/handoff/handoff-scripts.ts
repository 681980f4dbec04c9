// The scripts a /handoff line runs on the laptop, pure text: out (the conversation into this
// directory), back (this directory's work into the conversation), new (a local repository into a new
// conversation). Each runs under `sh -eu` with sh, curl and git; every value it sends goes as
// `--form-string` (never `-F`, which reads `<file` and `@file`); a refusal ends it with one plain line
// (the relay's own, without curl's), and nothing the agent wrote runs on the laptop unasked.

/** A value for a single-quoted sh string. */
export const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Files that make the CLI run code when it starts in a folder (hooks, `env`, `apiKeyHelper` and
 * `statusLine` in settings; MCP servers): a hand-off sets them aside as `<file>.from-phone`.
 */
export const SET_ASIDE = [".claude/settings.json", ".claude/settings.local.json", ".mcp.json"] as const;

/** The suffix of what a hand-off set aside. */
export const FROM_PHONE = ".from-phone";

/**
 * Flags of the printed `claude` line (docs/notes/cli-observations.md): the user's settings only (never
 * the folder's), and no self-update while the hand-off's session starts (DISABLE_AUTOUPDATER, which
 * the CLI reads when it checks, given through `--settings`'s `env` so the line still begins with `claude`).
 */
export const RESUME_FLAGS = `--setting-sources user --settings ${shQuote(JSON.stringify({ env: { DISABLE_AUTOUPDATER: "1" } }))}`;

/**
 * The line the out script prints last: with the conversation's model (/model) when it has one, a
 * checked name (MODEL_NAME) quoted for the shell it is pasted into; `ownMode`: the user's settings
 * name their own permission mode.
 */
export const resumeLine = (sessionId: string | null, o: { model?: string | null; ownMode?: boolean } = {}) =>
  `${claudeWithModel(o.model ?? null)}${o.ownMode ? "" : " --permission-mode default"}${sessionId ? ` --resume ${sessionId}` : ""}`;

/** `claude`, the hand-off's flags and the conversation's model: what the out script prints before the mode and the id. */
const claudeWithModel = (model: string | null) => `claude ${RESUME_FLAGS}${model ? ` --model ${shQuote(model)}` : ""}`;

/** A session id's shape (SESSION_UUID) as a sh `case` pattern. */
const SESSION_ID_GLOB = [8, 4, 4, 4, 12].map((n) => "[0-9a-f]".repeat(n)).join("-");

/** sh text with `@{` for `${` (String.raw keeps sh's backslashes as they are written). */
const sh = (strings: TemplateStringsArray, ...values: unknown[]) => String.raw(strings, ...values).replaceAll("@{", "${");

/**
 * Functions the out script and the `find -exec` shells it starts share, each name taken whole (a
 * newline, a space, a leading `-` or a glob in it changes nothing). `q`: a value as it is printed,
 * shell-quoted (as it is when only safe characters; else in single quotes, a control character shown
 * as `?`, so one value is one line). `pat`: a name as an exact pattern of `.git/info/exclude`.
 * `inside`: whether a path's folder is this directory or under it. `aside`: a name set aside as
 * `<name>.from-phone`, hidden from git, remembered for /handoff back, and printed (quoted, then ", ").
 */
const NAME_FUNCTIONS = sh`nl='
'
q() {
  case $1 in
    "" | *[!A-Za-z0-9._/:=@%+,-]*) printf "'%s'" "$(printf '%s' "$1" | LC_ALL=C tr '\001-\037\177' '[?*]' | sed "s/'/'\\\\''/g")" ;;
    *) printf '%s' "$1" ;;
  esac
}
pat() {
  r=$1 o=
  while [ -n "$r" ]; do
    c=@{r%"@{r#?}"}
    r=@{r#?}
    case $c in
      "$nl") o="$o?" ;;
      '[' | ']' | '*' | '?' | '!' | '#' | '\' | ' ') o="$o\\$c" ;;
      *) o="$o$c" ;;
    esac
  done
  printf '/%s\n' "$o"
}
inside() {
  d=$(dirname -- "$1"; printf x)
  d=$(cd -P -- "@{d%?x}" 2>/dev/null && pwd -P) || return 1
  case $d in "$here" | "$here"/*) return 0 ;; esac
  return 1
}
aside() {
  if ! inside "$1"; then printf 'handoff: %s is reached through a link out of this folder; stopped\n' "$(q "$1")" >&2; exit 1; fi
  mv -f -- "$1" "$1${FROM_PHONE}"
  git config --add relay.aside "$1"
  git update-index -q --skip-worktree -- "$1" 2>/dev/null || true
  pat "$1${FROM_PHONE}" >>.git/info/exclude
  q "$1${FROM_PHONE}"
  printf ', '
}`;

/** Run by `find -exec` over every link: one that points out of this folder (absolute, or through `..`) is set aside. */
const LINKS_OUT = sh`for l; do
  l=@{l#./}
  t=$(readlink -- "$l"; printf x)
  case @{t%?x} in /* | .. | ../* | */.. | */../*) aside "$l" ;; esac
done`;

/** The offline model a local stack's laptop resumes against (LAPTOP_MODEL_URL), and the key it takes (any). */
export type LaptopModel = { url: string; key: string };

/**
 * What the out script says and does for a relay on the offline model: the two settings the laptop's
 * claude needs, and, in a HOME without `~/.claude.json`, that file with the CLI's first-run answers
 * (onboarding done, this key approved by its last 20 characters, as the CLI keeps it): a fresh HOME
 * otherwise stops at "Unable to connect to Anthropic services" and then at the key question, whose
 * default is No (docs/notes/cli-observations.md). A HOME that has the file is not touched.
 */
function laptopModelPart(model: LaptopModel | null): string {
  if (!model) return "";
  const exportLine = `export ANTHROPIC_BASE_URL=${shQuote(model.url)} ANTHROPIC_API_KEY=${shQuote(model.key)}`;
  const answers = JSON.stringify({ hasCompletedOnboarding: true, customApiKeyResponses: { approved: [model.key.trim().slice(-20)], rejected: [] } });
  return `echo "This relay runs the offline model; in this shell, first:"
echo ${shQuote(exportLine)}
if [ ! -e "$HOME/.claude.json" ]; then
  (umask 077 && printf '%s\n' ${shQuote(answers)} >"$HOME/.claude.json")
  echo "Wrote $HOME/.claude.json (there was none): claude starts without its first-run questions and uses that key."
fi
`;
}

/** `say`, and `ask`: one request to the relay; 200 leaves its answer in file $1, anything else prints one line and ends the script. */
const PRELUDE = `set -eu
say() { printf 'handoff: %s\\n' "$*" >&2; }
ask() {
  answer=$1; shift
  status=$(curl -s -o "$answer" -w '%{http_code}' "$@") || { say "could not reach the relay (curl exit $?); nothing was changed"; exit 1; }
  if [ "$status" != 200 ]; then head -n 1 "$answer" 2>/dev/null | grep '^handoff: ' >&2 || say "the relay answered $status"; exit 1; fi
}
command -v git >/dev/null 2>&1 || { say "git is needed"; exit 1; }
command -v curl >/dev/null 2>&1 || { say "curl is needed"; exit 1; }`;

/**
 * The script `/h/<code>` answers: run by `sh -eu` in an empty directory (or a clone of the same
 * repository), it takes the bundle (handoff.ts on the VM) and leaves the branch, the uncommitted
 * changes (left uncommitted) and the session there. A folder that was not a repository on the VM
 * (`kind` files) arrives as a new repository with one commit. It trusts nothing in the bundle: the
 * branch, the kind, the session's id and its project folder must each have their shape, or it stops
 * and says which, before anything is checked out; every value it prints is shell-quoted (`q`); every
 * path it writes is checked to stay inside its folder. It touches nothing outside that directory but
 * the session's file under `~/.claude/projects/<project>/`; the bundle is kept inside `.git`. It
 * needs `claude`, checked before anything is written. A failure leaves the folder as it found it (an
 * empty folder empty again) and tells the relay (`/failed`); the end tells it too (`/done`), and only
 * then does the chat say the conversation is on the laptop. What could run code (SET_ASIDE, links out
 * of the folder) is renamed `….from-phone`, hidden from git (skip-worktree, info/exclude) and named;
 * the back script sends them as they were handed off. On a relay with the offline model it also
 * prints the settings the laptop's claude needs (and may write `~/.claude.json`, see laptopModelPart).
 */
export function handoffScript(s: { url: string; conversation: string; model?: LaptopModel | null; agentModel?: string | null }): string {
  return `#!/bin/sh
# Hands conversation ${JSON.stringify(s.conversation)} off to this directory: its git branch with every
# commit (or, for a folder that is not a repository, its files as one commit), its uncommitted changes
# (left uncommitted), and its Claude Code session, written to ~/.claude/projects/<this directory>/<id>.jsonl.
# Nothing else outside this directory is touched${s.model ? " (but ~/.claude.json, made when there is none)" : ""}. Files that would make claude run code here
# (${SET_ASIDE.join(", ")}, links out of this directory) are set aside as <name>${FROM_PHONE} and named.
url=${shQuote(s.url)}
${PRELUDE}
command -v claude >/dev/null 2>&1 || { say "claude (Claude Code) is not installed on this laptop; nothing was changed. Install it (npm install -g @anthropic-ai/claude-code, or see https://docs.anthropic.com/en/docs/claude-code/setup), then run this line again: the code is not used yet"; exit 1; }
here=$(pwd -P)
export here
fns=${shQuote(NAME_FUNCTIONS)}
eval "$fns"
made=""
if [ -e .git ]; then
  if [ -n "$(git status --porcelain)" ]; then say "this repository has uncommitted changes; run in an empty directory"; exit 1; fi
elif [ -n "$(ls -A)" ]; then
  say "run this in an empty directory (or a clone of the conversation's repository)"; exit 1
else
  made=1
  git init -q
fi
# A failure leaves the folder as it was: emptied again if it was empty, the hand-off's refs gone otherwise.
undo() {
  if [ -n "$made" ]; then find . ! -name . -prune -exec rm -rf -- {} + 2>/dev/null || true
  else git update-ref -d refs/handoff/wip 2>/dev/null || true; git update-ref -d refs/handoff/session 2>/dev/null || true; fi
}
bundle=.git/relay-handoff.bundle
trap 'st=$?; rm -f "$bundle"; if [ "$st" -ne 0 ]; then undo; fi' EXIT
ask "$bundle" --data-urlencode "dir=$here" "$url/data"
# The conversation is on the laptop from here: the end tells the relay (done), which then says so in
# the chat; a failure tells it too (its one line), and the conversation stays on the phone.
why=""
say() { why="$*"; printf 'handoff: %s\\n' "$*" >&2; }
trap 'st=$?; rm -f "$bundle"; if [ "$st" -ne 0 ]; then undo; curl -s -o /dev/null --data-urlencode "why=$why" "$url/failed" || true; else curl -s -o /dev/null -X POST "$url/done" || true; fi' EXIT
git fetch -q "$bundle" '+refs/heads/*:refs/remotes/relay/*' '+refs/handoff/*:refs/handoff/*'
# Written on the VM, where an agent runs: each value has its shape, or nothing is checked out.
value() { git cat-file blob "refs/handoff/session:$1" 2>/dev/null || true; }
bad() { say "the hand-off's $1 is not $2; nothing was changed (send /handoff for a new line)"; exit 1; }
branch=$(value branch)
case $branch in -* | *@{*) bad branch "a branch name" ;; esac
{ [ \${#branch} -le 255 ] && git check-ref-format "refs/heads/$branch" && git rev-parse -q --verify "refs/remotes/relay/$branch^{commit}" >/dev/null; } || bad branch "a branch name"
kind=$(value kind)
case \${kind:-repo} in repo | files) ;; *) bad kind "repo or files" ;; esac
kind=\${kind:-repo}
id=$(value id)
project=$(value project)
if [ -n "$id" ]; then
  case $id in ${SESSION_ID_GLOB}) ;; *) bad "session id" "a session id" ;; esac
  case $project in "" | *[!A-Za-z0-9-]*) bad "project folder" "a project folder's name" ;; esac
  [ \${#project} -le 255 ] || bad "project folder" "a project folder's name"
fi
git rev-parse -q --verify 'refs/handoff/wip^{commit}' >/dev/null || bad "uncommitted changes" "a commit"
if git rev-parse -q --verify "refs/heads/$branch" >/dev/null && ! git merge-base --is-ancestor "refs/heads/$branch" "refs/remotes/relay/$branch"; then
  say "your branch $(q "$branch") has commits the conversation does not; nothing was changed (the conversation's is at relay/$(q "$branch"))"; exit 1
fi
git checkout -q -B "$branch" "refs/remotes/relay/$branch"
if ! git diff --quiet HEAD refs/handoff/wip; then git diff --binary HEAD refs/handoff/wip | git apply --whitespace=nowarn; fi
if [ -n "$id" ]; then
  projects="$HOME/.claude/projects"
  mkdir -p -- "$projects/$project"
  # Inside ~/.claude/projects: the folder is that one's own child, not a link elsewhere.
  [ "$(cd -P -- "$projects/$project" && pwd -P)" = "$(cd -P -- "$projects" && pwd -P)/$project" ] || { say "$(q "$projects/$project") is a link; the session was not written"; exit 1; }
  git cat-file blob refs/handoff/session:session.jsonl >"$projects/$project/$id.jsonl"
fi
# What /handoff back compares with: the commit and the tree handed off, and the session's id.
git config relay.branch "$branch"
git config relay.kind "$kind"
git config relay.base "$(git rev-parse HEAD)"
git config relay.wip "$(git rev-parse 'refs/handoff/wip^{tree}')"
if [ -n "$id" ]; then git config relay.session "$id"; fi
git update-ref -d refs/handoff/wip
git update-ref -d refs/handoff/session
# Written on the phone, by an agent a stranger's issue may have started: what would run code here is
# set aside. Links out first, so a .claude that points elsewhere is set aside before anything in it is.
mkdir -p .git/info
links=$(find . -path ./.git -prune -o -type l -exec sh -c "$fns$nl"${shQuote(LINKS_OUT)} sh {} +)
files=$(for f in ${SET_ASIDE.join(" ")}; do if [ -e "$f" ] || [ -L "$f" ]; then aside "$f"; fi; done)
set_aside="$files$links"
echo "Here: branch $(q "$branch") at $(git rev-parse --short HEAD)$(git status --porcelain | grep -q . && echo ', with the uncommitted changes')$([ "$kind" = files ] && echo ' (the conversation'"'"'s files, as a new repository)')."
if [ -n "$set_aside" ]; then echo "Set aside, written on the phone (read them; rename to use): \${set_aside%, }"; fi
if [ -d .claude ] && [ ! -L .claude ]; then
  other=$(find .claude \\( -type f -o -type l \\) ! -name '*${FROM_PHONE}' -exec sh -c "$fns$nl"'for f; do q "$f"; printf " "; done' sh {} +)
  if [ -n "$other" ]; then echo "Also from the phone, used only when you ask for them: \${other% }"; fi
fi
${laptopModelPart(s.model ?? null)}# The user's own permission mode: theirs when their settings name one, else the one that asks first.
mode=" --permission-mode default"
if grep -qs '"defaultMode"' "$HOME/.claude/settings.json"; then mode=""; fi
echo "claude first asks whether you trust this folder (“No, exit” is preselected): its files came from the phone, and what would run code when claude starts was set aside above. Choose “Yes, I trust this folder” to go on, or read the files first."
if [ -n "$id" ]; then resume=" --resume $(q "$id")"; else resume=""; fi
printf '%s%s%s\n' ${shQuote(claudeWithModel(s.agentModel ?? null))} "$mode" "$resume"
`;
}

/**
 * The script of a /handoff back code: run by `sh -eu` in the directory a /handoff filled, it sends
 * the commits made there since (a git bundle; the whole branch for a folder handed off as its
 * files, whose commit the VM did not keep), the uncommitted changes (a binary diff, new files
 * included, through an index of its own: the repository's is untouched) and the session's file.
 * What the hand-off set aside and the laptop left so goes back as it came. It writes only inside
 * `.git` (removed when it ends) and reads the session's file.
 */
export function handbackScript(s: { url: string; conversation: string }): string {
  return `#!/bin/sh
# Sends this directory's work on conversation ${JSON.stringify(s.conversation)} back to the relay: the commits
# made here since /handoff, the uncommitted changes, and the Claude Code session. Nothing is changed here.
url=${shQuote(s.url)}
${PRELUDE}
branch=$(git config relay.branch 2>/dev/null || true)
if [ -z "$branch" ]; then say "run this in the directory /handoff filled"; exit 1; fi
base=$(git config relay.base)
wip=$(git config relay.wip)
kind=$(git config relay.kind 2>/dev/null || echo repo)
id=$(git config relay.session 2>/dev/null || true)
if [ "$(git symbolic-ref --short -q HEAD || true)" != "$branch" ]; then say "check out $branch first (the conversation's branch)"; exit 1; fi
out=.git/relay-back
rm -rf "$out"
mkdir "$out"
trap 'rm -rf "$out"' EXIT
set -- --form-string "dir=$(pwd -P)" --form-string "branch=$branch" --form-string "base=$base" --form-string "wip=$wip"
if [ "$kind" = files ]; then
  git bundle create -q "$out/back.bundle" "refs/heads/$branch"
  set -- "$@" -F "bundle=@$out/back.bundle"
elif [ "$(git rev-list --count "$base..HEAD")" -gt 0 ]; then
  git bundle create -q "$out/back.bundle" "refs/heads/$branch" "^$base"
  set -- "$@" -F "bundle=@$out/back.bundle"
fi
export GIT_INDEX_FILE="$out/index"
git read-tree HEAD
git add -A .
# Set aside by the hand-off and still so: sent as it was handed off (each name whole: NUL-separated).
export wip
git config -z --get-all relay.aside 2>/dev/null | xargs -0 sh -c 'for p; do
  if [ ! -e "$p" ] && [ ! -L "$p" ]; then
    git rm -q --cached --ignore-unmatch -- "$p${FROM_PHONE}"
    entry=$(git ls-tree "$wip" -- "$p")
    if [ -n "$entry" ]; then m=\${entry%% *}; o=\${entry#* * }; git update-index --add --cacheinfo "$m,\${o%%[!0-9a-f]*},$p"; fi
  fi
done' sh
git diff --cached --binary HEAD >"$out/back.patch"
unset GIT_INDEX_FILE
if [ -s "$out/back.patch" ]; then set -- "$@" -F "patch=@$out/back.patch"; fi
if [ -n "$id" ]; then
  session=$(find "$HOME/.claude/projects" -mindepth 2 -maxdepth 2 -name "$id.jsonl" -type f 2>/dev/null | head -n 1)
  if [ -n "$session" ]; then cp "$session" "$out/session.jsonl"; set -- "$@" -F "session=@$out/session.jsonl" --form-string "id=$id"; fi
fi
ask "$out/answer" "$@" "$url/back"
cat "$out/answer"
`;
}

/**
 * The script of a /handoff new code: run by `sh -eu` at the top of a git repository with a commit,
 * it sends the current branch (a bundle of all its commits), the uncommitted changes (a binary diff,
 * untracked files included, through an index of its own) and the directory's newest Claude Code
 * session, or the one `SESSION=<id>` names. The session's folder is the CLI's name for the directory
 * (every byte not an ASCII letter or digit as "-"): for a path with other characters the CLI names
 * it differently, so none is found; the script says so and sends without one (SESSION=<id> finds it).
 * It writes only inside the git directory (removed when it ends).
 */
export function handoffNewScript(s: { url: string; name: string }): string {
  return `#!/bin/sh
# Sends this repository and its Claude Code session into a new conversation ${JSON.stringify(s.name)}: the current
# branch with all its commits, the uncommitted changes (untracked files too), and the newest session of
# this directory (or SESSION=<id>). Nothing is changed here.
url=${shQuote(s.url)}
${PRELUDE}
if ! git rev-parse --verify -q HEAD >/dev/null 2>&1; then say "run this in a git repository with at least one commit"; exit 1; fi
if [ -n "$(git rev-parse --show-prefix)" ]; then say "run this at the top of the repository: $(git rev-parse --show-toplevel)"; exit 1; fi
branch=$(git symbolic-ref --short -q HEAD || true)
if [ -z "$branch" ]; then say "check out a branch first (HEAD is detached)"; exit 1; fi
here=$(pwd -P)
out="$(git rev-parse --git-dir)/relay-new"
rm -rf "$out"
mkdir "$out"
trap 'rm -rf "$out"' EXIT
git bundle create -q "$out/new.bundle" "refs/heads/$branch"
set -- --form-string "dir=$here" --form-string "branch=$branch" -F "bundle=@$out/new.bundle"
GIT_INDEX_FILE="$out/index" git read-tree HEAD
GIT_INDEX_FILE="$out/index" git add -A .
GIT_INDEX_FILE="$out/index" git diff --cached --binary HEAD >"$out/new.patch"
if [ -s "$out/new.patch" ]; then set -- "$@" -F "patch=@$out/new.patch"; fi
projects="$HOME/.claude/projects"
if [ -n "\${SESSION:-}" ]; then
  session=$(find "$projects" -mindepth 2 -maxdepth 2 -name "$SESSION.jsonl" -type f 2>/dev/null | head -n 1)
  if [ -z "$session" ]; then say "no session $SESSION in $projects; nothing was sent"; exit 1; fi
else
  folder="$projects/$(printf '%s' "$here" | LC_ALL=C sed 's/[^A-Za-z0-9]/-/g')"
  session=$(ls -t -- "$folder"/*.jsonl 2>/dev/null | head -n 1)
  if [ -z "$session" ]; then say "no Claude Code session in $folder; sending without one (SESSION=<id> sh names one)"; fi
fi
if [ -n "$session" ]; then
  cp "$session" "$out/session.jsonl"
  set -- "$@" -F "session=@$out/session.jsonl" --form-string "id=$(basename "$session" .jsonl)"
fi
ask "$out/answer" "$@" "$url/new"
cat "$out/answer"
`;
}

/** What GET /h/<code> answers for a code that opens nothing: a script that prints the relay's one line and fails (the line is `curl -sS … | sh`). */
export function refusalScript(line: string): string {
  return `#!/bin/sh\nprintf '%s\\n' ${shQuote(line)} >&2\nexit 1\n`;
}
