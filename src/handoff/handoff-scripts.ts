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
 * How the laptop resumes a session without loading the folder's settings (verified with the real
 * CLI, docs/notes/cli-observations.md), with the conversation's model (/model) when it has one. The
 * line is printed by `echo "…"`: the model is a checked name (MODEL_NAME), quoted for the shell it is pasted into.
 */
export const resumeLine = (sessionId: string | null, model: string | null = null) =>
  `claude --setting-sources user${model ? ` --model ${shQuote(model)}` : ""}${sessionId ? ` --resume ${sessionId}` : ""}`;

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
 * (`kind` files) arrives as a new repository with one commit. It touches nothing outside that
 * directory but the session's file under `~/.claude/projects/`; the bundle is kept inside `.git`.
 * What could run code (SET_ASIDE, links out of the folder) is renamed `….from-phone`, hidden from
 * git (skip-worktree, info/exclude) and named; the back script sends them as they were handed off.
 * On a relay with the offline model it also prints the settings the laptop's claude needs (and may
 * write `~/.claude.json`, see laptopModelPart).
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
here=$(pwd -P)
if [ -e .git ]; then
  if [ -n "$(git status --porcelain)" ]; then say "this repository has uncommitted changes; run in an empty directory"; exit 1; fi
elif [ -n "$(ls -A)" ]; then
  say "run this in an empty directory (or a clone of the conversation's repository)"; exit 1
else
  git init -q
fi
bundle=.git/relay-handoff.bundle
trap 'rm -f "$bundle"' EXIT
ask "$bundle" --data-urlencode "dir=$here" "$url/data"
# The conversation is on the laptop from here: a failure tells the relay (its one line), which keeps
# the conversation on the phone and says so in the chat.
why=""
say() { why="$*"; printf 'handoff: %s\n' "$*" >&2; }
trap 'st=$?; rm -f "$bundle"; if [ "$st" -ne 0 ]; then curl -s -o /dev/null --data-urlencode "why=$why" "$url/failed" || true; fi' EXIT
git fetch -q "$bundle" '+refs/heads/*:refs/remotes/relay/*' '+refs/handoff/*:refs/handoff/*'
branch=$(git show refs/handoff/session:branch)
kind=$(git show refs/handoff/session:kind 2>/dev/null || echo repo)
if git rev-parse -q --verify "refs/heads/$branch" >/dev/null && ! git merge-base --is-ancestor "refs/heads/$branch" "refs/remotes/relay/$branch"; then
  say "your branch $branch has commits the conversation does not; nothing was changed (the conversation's is at relay/$branch)"; exit 1
fi
git checkout -q -B "$branch" "refs/remotes/relay/$branch"
if ! git diff --quiet HEAD refs/handoff/wip; then git diff --binary HEAD refs/handoff/wip | git apply --whitespace=nowarn; fi
id=$(git show refs/handoff/session:id 2>/dev/null || true)
if [ -n "$id" ]; then
  project="$HOME/.claude/projects/$(git show refs/handoff/session:project)"
  mkdir -p "$project"
  git show refs/handoff/session:session.jsonl >"$project/$id.jsonl"
fi
# What /handoff back compares with: the commit and the tree handed off, and the session's id.
git config relay.branch "$branch"
git config relay.kind "$kind"
git config relay.base "$(git rev-parse HEAD)"
git config relay.wip "$(git rev-parse 'refs/handoff/wip^{tree}')"
if [ -n "$id" ]; then git config relay.session "$id"; fi
git update-ref -d refs/handoff/wip
git update-ref -d refs/handoff/session
# Written on the phone, by an agent a stranger's issue may have started: what would run code here is set aside.
aside() {
  mv -f -- "$1" "$1${FROM_PHONE}"
  git config --add relay.aside "$1"
  git update-index -q --skip-worktree -- "$1" 2>/dev/null || true
  printf '/%s\\n' "$1${FROM_PHONE}" | sed 's/[][*?!#\\\\]/\\\\&/g' >>.git/info/exclude
  set_aside="\${set_aside:+$set_aside, }$1${FROM_PHONE}"
}
set_aside=""
mkdir -p .git/info
for f in ${SET_ASIDE.join(" ")}; do
  if [ -e "$f" ] || [ -L "$f" ]; then aside "$f"; fi
done
links=$(find . -path ./.git -prune -o -type l -print | sed 's|^\\./||')
if [ -n "$links" ]; then
  while IFS= read -r l; do
    case $(readlink -- "$l") in /* | .. | ../* | */.. | */../*) aside "$l" ;; esac
  done <<EOF
$links
EOF
fi
echo "Here: branch $branch at $(git rev-parse --short HEAD)$(git status --porcelain | grep -q . && echo ', with the uncommitted changes')$([ "$kind" = files ] && echo ' (the conversation'"'"'s files, as a new repository)')."
if [ -n "$set_aside" ]; then echo "Set aside, written on the phone (read them; rename to use): $set_aside"; fi
if [ -d .claude ]; then
  other=$(find .claude \\( -type f -o -type l \\) ! -name '*${FROM_PHONE}' | tr '\\n' ' ')
  if [ -n "$other" ]; then echo "Also from the phone, used only when you ask for them: $other"; fi
fi
${laptopModelPart(s.model ?? null)}if [ -n "$id" ]; then echo "${resumeLine("$id", s.agentModel ?? null)}"; else echo "${resumeLine(null, s.agentModel ?? null)}"; fi
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
# Set aside by the hand-off and still so: sent as it was handed off.
git config --get-all relay.aside 2>/dev/null | while IFS= read -r p; do
  if [ ! -e "$p" ] && [ ! -L "$p" ]; then
    git rm -q --cached --ignore-unmatch -- "$p${FROM_PHONE}"
    entry=$(git ls-tree "$wip" -- "$p")
    if [ -n "$entry" ]; then git update-index --add --cacheinfo "$(printf '%s' "$entry" | awk '{print $1 "," $3}'),$p"; fi
  fi
done
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
