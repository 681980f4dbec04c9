// /handoff decided, pure: the code's life (15 minutes, one download of the data, ended by
// /web revoke), the shell line the phone gets, and the script that line runs on the laptop.

/** How long a hand-off code works. */
export const HANDOFF_TTL_MS = 15 * 60_000;

/** A hand-off code as the phone's object keeps it. */
export type HandoffCodeRow = { conversationId: number; direction: HandoffDirection; epoch: number; expiresAt: number; usedAt: number | null; newName: string | null };

/** Why a code opens nothing: `unknown` (404), the others (410). */
export type HandoffCodeRefusal = "unknown" | "used" | "expired" | "revoked";

/** Whether `row` may be served now: to read its script (`read`), or to download the data, which uses it up (`take`). */
export function checkHandoffCode(row: HandoffCodeRow | null, at: { now: number; epoch: number; conversationExists: boolean }, use: "read" | "take", direction?: HandoffDirection): HandoffCodeRefusal | null {
  // A /handoff new code's conversation is made when it is taken: none exists before.
  if (!row || (row.direction !== "new" && !at.conversationExists) || (direction !== undefined && row.direction !== direction)) return "unknown";
  if (row.epoch !== at.epoch) return "revoked";
  if (row.expiresAt <= at.now) return "expired";
  if (use === "take" && row.usedAt !== null) return "used";
  return null;
}

/** The one line an error answer of `/h/<code>` is (a shell prints it as it is). */
export function handoffRefusalLine(refusal: HandoffCodeRefusal): string {
  switch (refusal) {
    case "unknown":
      return "handoff: no such code. Send /handoff in the chat for a new one.";
    case "used":
      return "handoff: this code was used already. Send /handoff in the chat for a new one.";
    case "expired":
      return "handoff: this code has expired (they work for 15 minutes). Send /handoff in the chat for a new one.";
    case "revoked":
      return "handoff: this code was revoked (/web revoke). Send /handoff in the chat for a new one.";
  }
}

export const handoffStatus = (refusal: HandoffCodeRefusal): 404 | 410 => (refusal === "unknown" ? 404 : 410);

/** `https://relay.example/h/<code>`. */
export function handoffUrl(origin: string, code: string): string {
  return `${origin.replace(/\/+$/, "")}/h/${code}`;
}

/** The reply to /handoff: the line alone in a code block, and how to read the script first. */
export function handoffReply(s: { conversation: string; url: string; ttlMinutes: number }): string {
  return [
    `Run this in an empty folder on your laptop to go on with “${s.conversation}” there:`,
    "```",
    `curl -fsS ${s.url} | sh`,
    "```",
    `It brings the branch, the uncommitted changes and the Claude Code session, and ends with the claude --resume line to run. The code works once, for ${s.ttlMinutes} minutes; /web revoke ends it. To read the script first: curl -fsS ${s.url}`,
  ].join("\n");
}

/** A value for a single-quoted sh string. */
const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The script `/h/<code>` answers: run by `sh -eu` in an empty directory (or a clone of the same
 * repository), with sh, curl and git. It touches nothing outside that directory but the session's
 * file under `~/.claude/projects/`; the bundle is kept inside `.git` while it is read.
 */
export function handoffScript(s: { url: string; conversation: string }): string {
  return `#!/bin/sh
# Hands conversation ${JSON.stringify(s.conversation)} off to this directory: its git branch with every
# commit, its uncommitted changes (left uncommitted), and its Claude Code session, written to
# ~/.claude/projects/<this directory>/<id>.jsonl. Nothing else outside this directory is touched.
set -eu
url=${shQuote(s.url)}
say() { printf 'handoff: %s\\n' "$*" >&2; }
command -v git >/dev/null 2>&1 || { say "git is needed"; exit 1; }
command -v curl >/dev/null 2>&1 || { say "curl is needed"; exit 1; }
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
# The relay's one-line refusal (a used or expired code) is shown as it is.
if ! curl -sS --fail-with-body --data-urlencode "dir=$here" -o "$bundle" "$url/data"; then cat "$bundle" >&2; exit 1; fi
git fetch -q "$bundle" '+refs/heads/*:refs/remotes/relay/*' '+refs/handoff/*:refs/handoff/*'
branch=$(git show refs/handoff/session:branch)
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
git config relay.base "$(git rev-parse HEAD)"
git config relay.wip "$(git rev-parse 'refs/handoff/wip^{tree}')"
if [ -n "$id" ]; then git config relay.session "$id"; fi
git update-ref -d refs/handoff/wip
git update-ref -d refs/handoff/session
echo "Here: branch $branch at $(git rev-parse --short HEAD)$(git status --porcelain | grep -q . && echo ', with the uncommitted changes')."
if [ -n "$id" ]; then echo "claude --resume $id"; else echo "claude"; fi
`;
}

/** "14:02": when a conversation went to the laptop, on the user's clock. */
export function awayClock(since: number, timeZone: string, wallClock: (at: number, zone: string) => string): string {
  return wallClock(since, timeZone).slice(11);
}

/** The question a message to a conversation on the laptop asks first. */
export function awayQuestion(conversation: string, since: string): string {
  return `@${conversation} is on your laptop since ${since}; go on here anyway?`;
}

/** /status's line while the current conversation is on the laptop. */
export function awayStatusLine(conversation: string, since: string): string {
  return `💻 “${conversation}” is on your laptop since ${since} (/handoff back brings it back).`;
}

/** Said when the laptop took the conversation's data. */
export function handedOffNotice(conversation: string, since: string): string {
  return `💻 “${conversation}” went to your laptop at ${since}. A message to it here asks first; /handoff back gives the line that brings it back.`;
}

/** Which way a code goes: `out` to the laptop, `back` from it, `new` from it into a new conversation. */
export type HandoffDirection = "out" | "back" | "new";

/** The reply to /handoff back: the line to run in the laptop's directory. */
export function handbackReply(s: { conversation: string; url: string; ttlMinutes: number }): string {
  return [
    `Run this in the laptop's folder of “${s.conversation}” to bring it back here:`,
    "```",
    `curl -fsS ${s.url} | sh`,
    "```",
    `It sends the branch's new commits, the uncommitted changes and the Claude Code session; the next message here goes on from them. The code works once, for ${s.ttlMinutes} minutes. To read the script first: curl -fsS ${s.url}`,
  ].join("\n");
}

/**
 * The script of a /handoff back code: run by `sh -eu` in the directory a /handoff filled, it sends
 * the commits made there since (a git bundle), the uncommitted changes (a binary diff, new files
 * included, through an index of its own: the repository's is untouched) and the session's file.
 * It writes only inside `.git` (removed when it ends) and reads the session's file.
 */
export function handbackScript(s: { url: string; conversation: string }): string {
  return `#!/bin/sh
# Sends this directory's work on conversation ${JSON.stringify(s.conversation)} back to the relay: the commits
# made here since /handoff, the uncommitted changes, and the Claude Code session. Nothing is changed here.
set -eu
url=${shQuote(s.url)}
say() { printf 'handoff: %s\\n' "$*" >&2; }
branch=$(git config relay.branch 2>/dev/null || true)
if [ -z "$branch" ]; then say "run this in the directory /handoff filled"; exit 1; fi
base=$(git config relay.base)
wip=$(git config relay.wip)
id=$(git config relay.session 2>/dev/null || true)
if [ "$(git symbolic-ref --short -q HEAD || true)" != "$branch" ]; then say "check out $branch first (the conversation's branch)"; exit 1; fi
out=.git/relay-back
rm -rf "$out"
mkdir "$out"
trap 'rm -rf "$out"' EXIT
set -- -F "dir=$(pwd -P)" -F "branch=$branch" -F "base=$base" -F "wip=$wip"
if [ "$(git rev-list --count "$base..HEAD")" -gt 0 ]; then
  git bundle create -q "$out/back.bundle" "$branch" "^$base"
  set -- "$@" -F "bundle=@$out/back.bundle"
fi
GIT_INDEX_FILE="$out/index" git read-tree HEAD
GIT_INDEX_FILE="$out/index" git add -A .
GIT_INDEX_FILE="$out/index" git diff --cached --binary HEAD >"$out/back.patch"
if [ -s "$out/back.patch" ]; then set -- "$@" -F "patch=@$out/back.patch"; fi
if [ -n "$id" ]; then
  session=$(find "$HOME/.claude/projects" -mindepth 2 -maxdepth 2 -name "$id.jsonl" -type f 2>/dev/null | head -n 1)
  if [ -n "$session" ]; then cp "$session" "$out/session.jsonl"; set -- "$@" -F "session=@$out/session.jsonl" -F "id=$id"; fi
fi
curl -sS --fail-with-body "$@" "$url/back"
`;
}

/** What came back from the laptop, as the chat says it: "back from the laptop: 6 new turns, branch fix-flaky at 3e1c2a0, 2 files changed". */
export function backNotice(conversation: string, done: { turns: number; branch: string; head: string; files: number }): string {
  const turns = `${done.turns} new turn${done.turns === 1 ? "" : "s"}`;
  const files = `${done.files} file${done.files === 1 ? "" : "s"} changed`;
  return `💻→📱 “${conversation}” is back from the laptop: ${turns}, branch ${done.branch} at ${done.head}, ${files}. Your next message goes on from there.`;
}

/** Said in the chat when the laptop's work could not come back because the conversation changed here too. */
export function handbackConflictNotice(conversation: string): string {
  return `⚠️ “${conversation}” changed here too since it went to the laptop, so the laptop's work was not taken back and nothing was overwritten: both sides are as they were. Push the laptop's branch and merge it, or /handoff again to take this side to the laptop.`;
}

/** What the laptop's shell prints when its work met a conversation changed on the phone too. */
export const HANDBACK_CONFLICT_ASKED = "the conversation changed on the phone too; your work here was sent and kept there as a branch, and the chat asks which side goes on. Nothing is lost either way.";

/** Where a side not kept is: its branch, and its session's saved file (null: it had none). */
export type KeptSide = { branch: string; savedSession: string | null };
const keptWhere = (side: string, kept: KeptSide, the = "the") => `${the} ${side}'s work is on branch ${kept.branch}${kept.savedSession ? ` and its session is saved as ${kept.savedSession}` : ""}`;

/** The question a hand-back that met a conversation changed here too asks, under conflictButtons. */
export function handbackConflictQuestion(conversation: string, laptop: KeptSide): string {
  return `⚠️ “${conversation}” changed here too since it went to the laptop. Which side goes on? Nothing is lost either way: ${keptWhere("laptop", laptop)} for now; the side you do not keep stays as a branch and a saved session.`;
}

export const conflictButtons = (conversationId: number) => [
  { id: `handoff:keep-laptop:${conversationId}`, title: "Keep laptop" },
  { id: `handoff:keep-phone:${conversationId}`, title: "Keep phone" },
];

/** A tap on one of conflictButtons; null: not one. */
export function parseConflictAnswer(buttonPayload: string | null | undefined): { conversationId: number; keep: "laptop" | "phone" } | null {
  const match = buttonPayload ? /^handoff:keep-(laptop|phone):(\d{1,9})$/.exec(buttonPayload.trim()) : null;
  return match ? { conversationId: Number(match[2]), keep: match[1] === "laptop" ? "laptop" : "phone" } : null;
}

/** "Keep phone": the conversation goes on here as it is. */
export const keptPhoneReply = (conversation: string, laptop: KeptSide) => `Keeping the phone's side of “${conversation}”; ${keptWhere("laptop", laptop)}. Waiting messages go to the agent now.`;

/** "Keep laptop": the laptop's side came back, the phone's kept. */
export const keptLaptopReply = (conversation: string, done: { turns: number; branch: string; head: string; files: number }, phone: KeptSide) => `${backNotice(conversation, done)} ${keptWhere("phone", phone, "The")}.`;

/** The question was answered already (or never asked). */
export const conflictAnsweredReply = "That question was answered already.";

/** The buttons under the question a message to a conversation on the laptop asks. */
export const awayButtons = (conversationId: number) => [
  { id: `handoff:yes:${conversationId}`, title: "Go on here" },
  { id: `handoff:no:${conversationId}`, title: "Keep on laptop" },
];

/** A tap on one of awayButtons: which conversation, and the answer; null: not one. */
export function parseAwayAnswer(buttonPayload: string | null | undefined): { conversationId: number; yes: boolean } | null {
  const match = buttonPayload ? /^handoff:(yes|no):(\d{1,9})$/.exec(buttonPayload.trim()) : null;
  return match ? { conversationId: Number(match[2]), yes: match[1] === "yes" } : null;
}

/** The answers to the question. */
export const goOnHereReply = (conversation: string) => `Going on with “${conversation}” here; your message goes to the agent now. What the laptop did since stays there (a /handoff back would now be a conflict).`;
export const keepOnLaptopReply = (conversation: string) => `“${conversation}” stays on the laptop. Your message waits here and goes to the agent when /handoff back brings the work back (/stop drops it).`;

/** The reply to /handoff new <name>: the line to run in the laptop's repository. */
export function handoffNewReply(s: { name: string; url: string; ttlMinutes: number }): string {
  return [
    `Run this at the top of a git repository on your laptop to go on with it here as “${s.name}”:`,
    "```",
    `curl -fsS ${s.url} | sh`,
    "```",
    `It sends the branch with all its commits, the uncommitted changes and the newest Claude Code session of that folder (SESSION=<id> before sh picks another); “${s.name}” resumes it from your next message. The code works once, for ${s.ttlMinutes} minutes; /web revoke ends it. To read the script first: curl -fsS ${s.url}`,
  ].join("\n");
}

/** What the laptop's shell prints when the name was taken since the code was made. */
export const handoffNewNameTaken = (name: string) => `a conversation “${name}” exists now; send /handoff new with another name for a new line.`;

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
set -eu
url=${shQuote(s.url)}
say() { printf 'handoff: %s\\n' "$*" >&2; }
command -v git >/dev/null 2>&1 || { say "git is needed"; exit 1; }
command -v curl >/dev/null 2>&1 || { say "curl is needed"; exit 1; }
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
curl -sS --fail-with-body "$@" "$url/new"
`;
}

/** What arrived from the laptop in a new conversation, as the chat says it. */
export function arrivedNotice(name: string, done: { turns: number; branch: string; head: string; files: number }): string {
  const turns = `${done.turns} turn${done.turns === 1 ? "" : "s"}`;
  const files = `${done.files} file${done.files === 1 ? "" : "s"} changed`;
  return `💻→📱 @${name} arrived from the laptop: ${turns}, branch ${done.branch} at ${done.head}, ${files}. It is your current conversation; your next message goes on from there.`;
}
