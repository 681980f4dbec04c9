// What a run changed, from git's own outputs: the files with their insertions and deletions
// (`git diff --numstat -z`), the unified diff cut to a size with a note, and `.env`-like files
// told as the keys that changed, never their values. Pure; checkpoints.ts runs git.
import type { RunChange, RunChangeFile } from "../../../src/protocol/vm/changes";

/** A run's diff is cut here (bytes of UTF-8), at a line's end, with a note saying how much was left out. */
export const DIFF_MAX_BYTES = 2 * 1024 * 1024;

/** Files larger than this are recorded by size only: never hashed into a checkpoint, never restored. */
export const OVERSIZED_BYTES = 1024 * 1024;

/**
 * Files that hold secrets as `KEY=value` lines: `.env`, `.env.local`, `prod.env`, `.envrc`,
 * wrangler's `.dev.vars`. Their diff shows which keys changed, not the values.
 */
export function isEnvLike(path: string): boolean {
  const name = path.split("/").at(-1) ?? path;
  return /^\.env(\..+)?$/.test(name) || /\.env$/.test(name) || name === ".envrc" || /^\.dev\.vars(\..+)?$/.test(name);
}

/** `KEY=value` lines (with an optional `export `), the last value of a key winning, as shells and dotenv read them. */
export function envValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$/.exec(line);
    if (match?.[1] !== undefined) values.set(match[1], match[2] ?? "");
  }
  return values;
}

export type EnvKeyChanges = { added: string[]; changed: string[]; removed: string[] };

export function envKeyChanges(before: string, after: string): EnvKeyChanges {
  const was = envValues(before);
  const now = envValues(after);
  return {
    added: [...now.keys()].filter((key) => !was.has(key)),
    changed: [...now.keys()].filter((key) => was.has(key) && was.get(key) !== now.get(key)),
    removed: [...was.keys()].filter((key) => !now.has(key)),
  };
}

/** The part of the diff standing for an `.env`-like file: a header like git's, then the keys, no value. */
export function envDiffSection(path: string, changes: EnvKeyChanges): string {
  const lines = [`diff --git a/${path} b/${path}`, `# ${path}: values hidden; keys that changed:`];
  for (const key of changes.added) lines.push(`# + ${key} (added)`);
  for (const key of changes.changed) lines.push(`# ~ ${key} (value changed)`);
  for (const key of changes.removed) lines.push(`# - ${key} (removed)`);
  if (changes.added.length + changes.changed.length + changes.removed.length === 0) lines.push("# (no key changed; comments or layout only)");
  return `${lines.join("\n")}\n`;
}

/**
 * `git diff --numstat -z` (renames off): `ins\tdel\tpath\0` per file, `-\t-` for a binary one.
 * `kinds`, from `--name-status -z`, says which were added or deleted.
 */
export function parseNumstat(numstat: string, kinds: ReadonlyMap<string, RunChangeFile["status"]>): RunChangeFile[] {
  const files: RunChangeFile[] = [];
  for (const record of numstat.split("\0")) {
    const match = /^(\d+|-)\t(\d+|-)\t([\s\S]+)$/.exec(record);
    if (!match?.[3]) continue;
    const binary = match[1] === "-";
    const path = match[3];
    files.push({
      path,
      status: kinds.get(path) ?? "modified",
      insertions: binary ? 0 : Number(match[1]),
      deletions: binary ? 0 : Number(match[2]),
      ...(binary ? { binary: true } : {}),
    });
  }
  return files;
}

/** `git diff --name-status -z` (renames off): `A\0path\0M\0path\0…`. */
export function parseNameStatus(nameStatus: string): Map<string, RunChangeFile["status"]> {
  const fields = nameStatus.split("\0");
  const kinds = new Map<string, RunChangeFile["status"]>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const letter = fields[i];
    const path = fields[i + 1];
    if (!path) continue;
    kinds.set(path, letter === "A" ? "added" : letter === "D" ? "deleted" : "modified");
  }
  return kinds;
}

/** The diff cut at a line's end within `maxBytes`, with a last line saying what was left out. */
export function capDiff(diff: string, maxBytes: number = DIFF_MAX_BYTES): { diff: string; truncated: boolean } {
  const bytes = Buffer.byteLength(diff, "utf8");
  if (bytes <= maxBytes) return { diff, truncated: false };
  const kept = Buffer.from(diff, "utf8").subarray(0, maxBytes).toString("utf8");
  // A cut inside a multi-byte character decodes to U+FFFD: drop the partial line with it.
  const end = kept.lastIndexOf("\n");
  const head = end >= 0 ? kept.slice(0, end + 1) : "";
  const leftOut = diff.slice(head.length).split("\n").length - (diff.endsWith("\n") ? 1 : 0);
  return { diff: `${head}[diff cut at ${Math.round(maxBytes / 1024)} KiB: ${leftOut} more lines not shown]\n`, truncated: true };
}

/** The one-line summary a reply ends with: `2 files changed, +14 −3`. */
export function changeSummary(change: Pick<RunChange, "files">): string {
  const insertions = change.files.reduce((sum, file) => sum + file.insertions, 0);
  const deletions = change.files.reduce((sum, file) => sum + file.deletions, 0);
  const count = change.files.length;
  return `${count} file${count === 1 ? "" : "s"} changed, +${insertions} \u2212${deletions}`;
}

/** The oversized files a checkpoint recorded by size only, in its commit message (`oversized: {...}`). */
export type Oversized = Record<string, number>;

export function oversizedMessage(oversized: Oversized): string {
  return `relay checkpoint\n\noversized: ${JSON.stringify(oversized)}\n`;
}

export function oversizedOf(message: string): Oversized {
  const line = message.split("\n").find((l) => l.startsWith("oversized: "));
  if (!line) return {};
  try {
    const parsed: unknown = JSON.parse(line.slice("oversized: ".length));
    if (!parsed || typeof parsed !== "object") return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, number] => typeof entry[1] === "number"));
  } catch {
    return {};
  }
}

/**
 * `find -printf '%s %P\0'`: each file's size and path. Only those over `limit` count (find's
 * `-size +1024k` rounds up to whole KiB).
 */
export function parseSizes(found: string, limit: number = OVERSIZED_BYTES): Oversized {
  const out: Oversized = {};
  for (const record of found.split("\0")) {
    const space = record.indexOf(" ");
    if (space <= 0) continue;
    const size = Number(record.slice(0, space));
    const path = record.slice(space + 1);
    if (path && Number.isFinite(size) && size > limit) out[path] = size;
  }
  return out;
}

/** A literal pathspec that leaves one path out (`--pathspec-from-file`, NUL-separated: no quoting needed). */
export const excludePathspec = (path: string): string => `:(exclude,literal)${path}`;

/** How many paths a line of an undo's report names. */
const NAMED_PATHS = 20;
const named = (paths: readonly string[]) => `${paths.slice(0, NAMED_PATHS).join(", ")}${paths.length > NAMED_PATHS ? ", …" : ""}`;

/**
 * What an undo or redo left as it was, from what is there (never the general limits, which the
 * relay's question says before: a report names only what happened). `ignored`: the ignored
 * paths in the work tree (git ls-files --ignored, directories once).
 */
export function cannotRestoreLines(f: { oversized: readonly string[]; ignored: readonly string[] }): string[] {
  return [
    ...(f.oversized.length > 0 ? [`files over 1 MiB were left as they are: ${named(f.oversized)}`] : []),
    ...(f.ignored.length > 0 ? [`ignored files (.gitignore) were left as they are: ${named(f.ignored)}`] : []),
  ];
}
