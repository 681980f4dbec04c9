// Checkpoints of a workspace's files, before and after each run, as git objects in a shadow
// repository of the workspace's own (`users/<hash>/.checkpoints/<workspace>.git`, on the volume),
// whose work tree is the workspace. The user's own repository, if there is one, is never
// written: not its objects, refs, index, HEAD, stash or config. Every git runs as the workspace's
// user, with no config but ours (no system or global file), hooks off, fsmonitor off, and
// attributes overridden by the shadow's `info/attributes`: no filter, textconv or diff driver
// of the repository can run. The history (which commit is before and after which run, what is
// undone) is the server's, in `DATA_DIR/.checkpoints/<hash>/<workspace>.json`.
import { spawn } from "node:child_process";
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { RunChange, RunChangeFile } from "../../../src/protocol/vm/changes";
import { doAsUser, removeTreeAs, spawnIdsOf, userChildEnv } from "../users/as-user";
import type { AgentIds } from "../core/agent-ids";
import { INBOX_DIR } from "../core/inbox-files";
import {
  CheckpointHistorySchema,
  emptyHistory,
  liveCommits,
  pruned,
  redoTarget,
  runEnded,
  runRedone,
  runStarted,
  runUndone,
  undoTarget,
  type CheckpointHistory,
} from "../core/checkpoint-history";
import { redactSecrets } from "../core/config-problem";
import {
  cannotRestoreLines,
  capDiff,
  envDiffSection,
  envKeyChanges,
  excludePathspec,
  isEnvLike,
  oversizedMessage,
  oversizedOf,
  parseNameStatus,
  parseNumstat,
  parseSizes,
  type Oversized,
} from "../core/run-change";
import { resolveInside, userPathsOfKey, workspaceDirOf } from "../users/user-paths";
import { createKeyedQueue } from "../core/keyed-queue";

export type CheckpointDeps = {
  dataDir: string;
  idsOf: (userKey: string) => AgentIds | null;
  /** Values no diff may carry (the VM's secrets): replaced by "[redacted]". */
  secrets?: readonly string[];
  now?: () => number;
};

export type RestoreOutcome =
  | { kind: "restored"; runId: string; files: RunChangeFile[]; cannotRestore: string[] }
  | { kind: "nothing" };

/** Refs that keep each live commit from git's pruning: one per commit. */
const REF_PREFIX = "refs/relay-checkpoints/keep/";
/** Git of the shadow gives up after this long (a volume gone bad must not hang a run's end). */
const GIT_TIMEOUT_MS = 60_000;
/** The attributes every checkpoint reads: nothing the repository's `.gitattributes` says about conversion or drivers applies. */
const NEUTRAL_ATTRIBUTES = "* -text -filter -ident -working-tree-encoding !eol !diff !merge\n";
/** The shadow's whole config: a non-bare repository whose work tree comes from GIT_WORK_TREE, no reflogs. */
const SHADOW_CONFIG = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = false\n";
/** Fixed dates: the same files give the same commit, so an unchanged workspace adds no object. */
const FIXED_DATE = "1700000000 +0000";

type GitResult = { status: number | null; stdout: Buffer; stderr: string };

export function createCheckpoints(deps: CheckpointDeps) {
  const now = deps.now ?? Date.now;
  const secrets = deps.secrets ?? [];
  /** One chain per workspace: its checkpoints, undos and pruning never interleave. */
  const serial = createKeyedQueue();

  const shadowOf = (userKey: string, workspace: string) => resolveInside(userPathsOfKey(deps.dataDir, userKey).root, ".checkpoints", `${workspace}.git`);
  const historyFileOf = (userKey: string, workspace: string) => resolveInside(deps.dataDir, ".checkpoints", userKey, `${workspace}.json`);

  function loadHistory(userKey: string, workspace: string): CheckpointHistory {
    try {
      const parsed = CheckpointHistorySchema.safeParse(JSON.parse(readFileSync(historyFileOf(userKey, workspace), "utf8")));
      return parsed.success ? parsed.data : emptyHistory();
    } catch {
      return emptyHistory();
    }
  }

  function saveHistory(userKey: string, workspace: string, history: CheckpointHistory): void {
    const file = historyFileOf(userKey, workspace);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(`${file}.tmp`, JSON.stringify(history), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }

  /** The git of one workspace's shadow, as its user. */
  function gitOf(userKey: string, workspace: string) {
    const ids = deps.idsOf(userKey);
    const shadow = shadowOf(userKey, workspace);
    const workTree = workspaceDirOf(userPathsOfKey(deps.dataDir, userKey), workspace);
    const env = userChildEnv({
      GIT_DIR: shadow,
      GIT_WORK_TREE: workTree,
      GIT_INDEX_FILE: `${shadow}/relay-index`,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      HOME: shadow,
      GIT_TERMINAL_PROMPT: "0",
      GIT_AUTHOR_NAME: "relay",
      GIT_AUTHOR_EMAIL: "relay@checkpoint.invalid",
      GIT_AUTHOR_DATE: FIXED_DATE,
      GIT_COMMITTER_NAME: "relay",
      GIT_COMMITTER_EMAIL: "relay@checkpoint.invalid",
      GIT_COMMITTER_DATE: FIXED_DATE,
    });
    // Read as data, never run: the user's own excludes still keep their files out.
    const config = [
      "core.hooksPath=/dev/null",
      "core.fsmonitor=false",
      "core.autocrlf=false",
      "core.safecrlf=false",
      "core.quotePath=false",
      "core.untrackedCache=true",
      "core.symlinks=true",
      `core.excludesFile=${workTree}/.git/info/exclude`,
      "safe.directory=*",
      "gc.auto=0",
      "gc.autoDetach=false",
    ].flatMap((pair) => ["-c", pair]);

    function run(args: readonly string[], input?: string | Buffer, cwd: string = shadow): Promise<GitResult> {
      return new Promise((resolve) => {
        const child = spawn("git", [...config, ...args], { ...spawnIdsOf(ids), env, cwd, stdio: ["pipe", "pipe", "pipe"] });
        const out: Buffer[] = [];
        let stderr = "";
        const timer = setTimeout(() => child.kill("SIGKILL"), GIT_TIMEOUT_MS);
        child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
        child.stderr.setEncoding("utf8");
        child.stderr.on("data", (chunk: string) => {
          stderr = (stderr + chunk).slice(-4096);
        });
        child.stdin.on("error", () => {});
        child.stdin.end(input ?? "");
        child.on("error", (error) => {
          clearTimeout(timer);
          resolve({ status: null, stdout: Buffer.alloc(0), stderr: error.message });
        });
        child.on("close", (status) => {
          clearTimeout(timer);
          resolve({ status, stdout: Buffer.concat(out), stderr });
        });
      });
    }

    async function ok(args: readonly string[], input?: string | Buffer): Promise<string> {
      const result = await run(args, input);
      if (result.status !== 0) throw new Error(`checkpoint: git ${args[0]} failed (${result.status}): ${result.stderr.trim().split("\n").at(-1) ?? ""}`);
      return result.stdout.toString("utf8");
    }

    /** Files over the size limit, not ignored: `find` as the user, `.git` directories left out. */
    function oversized(): Promise<Oversized> {
      return new Promise<Oversized>((resolve) => {
        const child = spawn("find", [".", "-name", ".git", "-prune", "-o", "-type", "f", "-size", "+1024k", "-printf", "%s %P\\0"], {
          ...spawnIdsOf(ids),
          env: userChildEnv({}),
          cwd: workTree,
          stdio: ["ignore", "pipe", "ignore"],
        });
        const out: Buffer[] = [];
        child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
        child.on("error", () => resolve({}));
        child.on("close", () => resolve(parseSizes(Buffer.concat(out).toString("utf8"))));
      }).then(async (found: Oversized) => {
        const paths = Object.keys(found);
        if (paths.length === 0) return found;
        const ignored = await run(["check-ignore", "--no-index", "-z", "--stdin"], paths.join("\0"));
        for (const path of ignored.stdout.toString("utf8").split("\0")) delete found[path];
        return found;
      });
    }

    return { run, ok, oversized, shadow, workTree, ids };
  }

  /**
   * The shadow repository, made on first use; then, before every checkpoint, its config and
   * attributes written again as ours: it is in the user's tree, and what an agent planted there
   * (a filter driver, a `commondir` elsewhere) must never run when the VM records or restores.
   */
  async function ensureShadow(git: ReturnType<typeof gitOf>): Promise<void> {
    if (lstatSync(join(git.shadow, "HEAD"), { throwIfNoEntry: false })) {
      await doAsUser(git.ids, [
        { op: "write", path: join(git.shadow, "config"), text: SHADOW_CONFIG, mode: 0o600 },
        { op: "write", path: join(git.shadow, "info", "attributes"), text: NEUTRAL_ATTRIBUTES, mode: 0o600 },
        { op: "write", path: join(git.shadow, "info", "exclude"), text: "", mode: 0o600 },
        { op: "remove", path: join(git.shadow, "commondir") },
      ]);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      // Made as the user, in a child: `git init`, then our own attributes, which override the repository's.
      const script = 'git init -q --bare "$SHADOW" && printf "%s" "$CONFIG" > "$SHADOW/config" && printf "%s" "$ATTRS" > "$SHADOW/info/attributes" && : > "$SHADOW/info/exclude"';
      const child = spawn("sh", ["-c", script], {
        ...spawnIdsOf(git.ids),
        env: userChildEnv({ SHADOW: git.shadow, CONFIG: SHADOW_CONFIG, ATTRS: NEUTRAL_ATTRIBUTES, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", HOME: "/nonexistent" }),
        cwd: "/",
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      child.on("error", reject);
      child.on("close", (status) => (status === 0 ? resolve() : reject(new Error(`checkpoint: could not make the shadow repository: ${stderr.trim()}`))));
    });
  }

  /** Records the workspace's files now: its commit (the private index then holds the same files). */
  async function snapshot(git: ReturnType<typeof gitOf>): Promise<string> {
    await ensureShadow(git);
    const big = await git.oversized();
    const bigPaths = Object.keys(big);
    if (bigPaths.length > 0) {
      // Grown past the limit since the last checkpoint: out of the index, or its old bytes would stand for it.
      await git.run(["rm", "--cached", "-q", "--ignore-unmatch", "--pathspec-from-file=-", "--pathspec-file-nul"], bigPaths.map((p) => `:(literal)${p}`).join("\0"));
    }
    // What the user sent (the project's inbox/) is never the agent's change: out of every checkpoint.
    await git.run(["rm", "-r", "--cached", "-q", "--ignore-unmatch", "--", `:(literal)${INBOX_DIR}`]);
    const pathspecs = [".", excludePathspec(INBOX_DIR), ...bigPaths.map(excludePathspec)].join("\0");
    const added = await git.run(["add", "-A", "--ignore-errors", "--pathspec-from-file=-", "--pathspec-file-nul"], pathspecs);
    // --ignore-errors: an unreadable file stays out (status 1), the rest is recorded.
    if (added.status !== 0 && added.status !== 1) throw new Error(`checkpoint: git add failed: ${added.stderr.trim()}`);
    const tree = (await git.ok(["write-tree"])).trim();
    return (await git.ok(["commit-tree", tree, "-m", oversizedMessage(big)])).trim();
  }

  const treeOf = async (git: ReturnType<typeof gitOf>, commit: string) => (await git.ok(["rev-parse", `${commit}^{tree}`])).trim();

  /** One ref per live commit; the others' refs deleted and their objects pruned (only when some went). */
  async function keepOnly(git: ReturnType<typeof gitOf>, history: CheckpointHistory): Promise<void> {
    const live = liveCommits(history);
    const existing = new Set((await git.ok(["for-each-ref", "--format=%(objectname)", REF_PREFIX])).split("\n").filter(Boolean));
    const lines = [
      ...[...live].filter((c) => !existing.has(c)).map((c) => `update ${REF_PREFIX}${c} ${c}`),
      ...[...existing].filter((c) => !live.has(c)).map((c) => `delete ${REF_PREFIX}${c}`),
    ];
    if (lines.length > 0) await git.ok(["update-ref", "--stdin"], `${lines.join("\n")}\n`);
    if ([...existing].some((c) => !live.has(c))) await git.run(["-c", "gc.pruneExpire=now", "-c", "gc.auto=6700", "gc", "--auto", "--quiet"]);
  }

  async function changeBetween(git: ReturnType<typeof gitOf>, before: string, after: string): Promise<RunChange | null> {
    const [numstat, nameStatus] = await Promise.all([
      git.ok(["diff", "--numstat", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", "--ignore-submodules=all", before, after]),
      git.ok(["diff", "--name-status", "-z", "--no-renames", "--ignore-submodules=all", before, after]),
    ]);
    const files = parseNumstat(numstat, parseNameStatus(nameStatus));
    if (files.length === 0) return null;
    const envFiles = files.filter((file) => isEnvLike(file.path));
    const blob = async (commit: string, path: string) => {
      const shown = await git.run(["cat-file", "blob", `${commit}:${path}`]);
      return shown.status === 0 ? shown.stdout.toString("utf8") : "";
    };
    const envSections = await Promise.all(envFiles.map(async (file) => envDiffSection(file.path, envKeyChanges(await blob(before, file.path), await blob(after, file.path)))));
    const patch = await git.ok([
      "diff", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--ignore-submodules=all", before, after,
      "--", ".", ...envFiles.map((file) => excludePathspec(file.path)),
    ]);
    const oversized = Object.keys(oversizedOf(await git.ok(["log", "-1", "--format=%B", after])));
    const { diff, truncated } = capDiff(redactSecrets(patch + envSections.join(""), secrets));
    return { files, diff, truncated, ...(oversized.length > 0 ? { oversized } : {}) };
  }

  /** The change with its diff as HTML for the page, drawn from the same redacted, cut text. */
  async function withHtml(change: RunChange | null): Promise<RunChange | null> {
    if (!change || change.diff === "") return change;
    try {
      // Loaded with the first change: diff2html costs an idle VM nothing (docs/vm.md, idle memory).
      const { diffToHtml } = await import("../core/diff-html");
      const diffHtml = diffToHtml(change.diff);
      return diffHtml ? { ...change, diffHtml } : change;
    } catch (error) {
      // The page then says the diff has no HTML; the change itself is never lost to a drawing.
      console.error(`vm: a diff's HTML could not be made: ${error instanceof Error ? error.message : String(error)}`);
      return change;
    }
  }

  /** Puts the work tree back to `target`'s files; the private index must hold the files on disk now. */
  async function restore(git: ReturnType<typeof gitOf>, target: string): Promise<void> {
    await git.ok(["read-tree", "--reset", "-u", target]);
  }

  /** The ignored paths in the work tree (a directory once, as `dir/`): what an undo leaves as it is. */
  async function ignoredPaths(git: ReturnType<typeof gitOf>): Promise<string[]> {
    const listed = await git.run(["ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z"]);
    return listed.status === 0 ? listed.stdout.toString("utf8").split("\0").filter((p) => p !== "") : [];
  }

  type Step = { runId: string; target: string; record: (current: string) => CheckpointHistory };

  /**
   * An undo or a redo: the files on disk recorded first (the state an undo keeps for /redo), then
   * the work tree put back to the step's target.
   */
  function stepTo(userKey: string, workspace: string, pick: (history: CheckpointHistory) => Step | null): Promise<RestoreOutcome> {
    return serial(`${userKey}/${workspace}`, async () => {
      const step = pick(loadHistory(userKey, workspace));
      if (!step) return { kind: "nothing" } as const;
      const git = gitOf(userKey, workspace);
      const current = await snapshot(git);
      const change = await changeBetween(git, current, step.target);
      await restore(git, step.target);
      const history = step.record(current);
      saveHistory(userKey, workspace, history);
      await keepOnly(git, history);
      const oversized = Object.keys(oversizedOf(await git.ok(["log", "-1", "--format=%B", current])));
      return { kind: "restored", runId: step.runId, files: change?.files ?? [], cannotRestore: cannotRestoreLines({ oversized, ignored: await ignoredPaths(git) }) } as const;
    });
  }

  return {
    /** Before a run: its workspace's files as they are. Resolves once recorded (the run may start then). */
    before(userKey: string, workspace: string, runId: string): Promise<void> {
      return serial(`${userKey}/${workspace}`, async () => {
        const git = gitOf(userKey, workspace);
        const commit = await snapshot(git);
        const history = pruned(runStarted(loadHistory(userKey, workspace), runId, commit, now()));
        saveHistory(userKey, workspace, history);
        await keepOnly(git, history);
      });
    },

    /** After a run: its files as they are, and what it changed, with its diff's HTML (null: nothing, or no checkpoint before it). */
    after(userKey: string, workspace: string, runId: string): Promise<RunChange | null> {
      return serial(`${userKey}/${workspace}`, async () => {
        const started = loadHistory(userKey, workspace).runs.find((run) => run.runId === runId);
        if (!started) return null;
        const git = gitOf(userKey, workspace);
        const commit = await snapshot(git);
        const sameTree = commit === started.before || (await treeOf(git, commit)) === (await treeOf(git, started.before));
        // A repository inside the workspace that moved on alone is no change of files (its files are not recorded).
        const change = sameTree ? null : await withHtml(await changeBetween(git, started.before, commit));
        const history = runEnded(loadHistory(userKey, workspace), runId, commit, change !== null);
        saveHistory(userKey, workspace, history);
        await keepOnly(git, history);
        return change;
      });
    },

    /** The workspace back to before its last run that changed files (not undone yet); the state before is kept for /redo. */
    undo: (userKey: string, workspace: string): Promise<RestoreOutcome> =>
      stepTo(userKey, workspace, (history) => {
        const run = undoTarget(history);
        return run && { runId: run.runId, target: run.before, record: (current) => runUndone(history, run.runId, current) };
      }),

    /** Takes back the last undo: the files as they were just before it. */
    redo: (userKey: string, workspace: string): Promise<RestoreOutcome> =>
      stepTo(userKey, workspace, (history) => {
        const entry = redoTarget(history);
        return entry && { runId: entry.runId, target: entry.restore, record: () => runRedone(history) };
      }),

    /** The workspace was deleted: its shadow repository (as the user) and its history go too. */
    remove(userKey: string, workspace: string): Promise<void> {
      return serial(`${userKey}/${workspace}`, async () => {
        await removeTreeAs(deps.idsOf(userKey), shadowOf(userKey, workspace));
        rmSync(historyFileOf(userKey, workspace), { force: true });
      });
    },

    /** The history an archive carries beside the shadow's refs. */
    historyOf: (userKey: string, workspace: string): CheckpointHistory => loadHistory(userKey, workspace),

    /**
     * A restore from an archive: the shadow made as ours, the checkpoints fetched from the
     * repository the archive was restored into (a git directory its user can read; its refs under
     * `from.refs` are the archive's checkpoint refs), then the history. Again from the start when repeated.
     */
    adopt(userKey: string, workspace: string, from: { repo: string; refs: string }, history: CheckpointHistory): Promise<void> {
      return serial(`${userKey}/${workspace}`, async () => {
        const git = gitOf(userKey, workspace);
        await ensureShadow(git);
        await git.ok(["fetch", "-q", "--no-tags", from.repo, `+${from.refs}*:${REF_PREFIX}*`]);
        saveHistory(userKey, workspace, history);
      });
    },

    /** The shadow repository of a workspace (tests and the bench look into it). */
    shadowOf,
  };
}

export type Checkpoints = ReturnType<typeof createCheckpoints>;
