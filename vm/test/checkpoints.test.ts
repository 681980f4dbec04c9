// Checkpoints with the real git, driven around scripted runs (files written as an agent would):
// the user's own git state never changes, undo and redo put files back on disk, across a new
// instance (a VM restart) between them, and nothing of the repository's own code ever runs.
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createCheckpoints } from "../src/checkpoints/checkpoints";
import type { AgentIds } from "../src/core/agent-ids";
import { KEPT_RUNS } from "../src/core/checkpoint-history";
import { userKeyOf } from "../src/core/user-keys";
import { replaceUserKeysFile } from "../src/users/user-key-secret";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { git } from "./helpers/git-repo";
import { tempDir } from "./helpers/temp-dir";

const USER = "+15550001111";
// Every data dir here gets the same key secret, so the user has one key in all of them.
const SECRET = "5e".repeat(32);
const KEY = userKeyOf(SECRET, USER);

function setup(ids: AgentIds | null = null) {
  // Under /tmp itself when another uid must pass through (the test run's own temp dir is root's alone).
  const dataDir = ids ? ownTempDir() : tempDir("vm-checkpoints-");
  chmodSync(dataDir, 0o755);
  replaceUserKeysFile(dataDir, { version: 1, secret: SECRET, legacy: [] });
  const paths = userPathsOf(dataDir, USER);
  const ws = workspaceDirOf(paths, "main");
  mkdirSync(ws, { recursive: true });
  if (ids) for (const dir of [join(dataDir, "users"), paths.root, ws]) chownSync(dir, ids.uid, ids.gid);
  const open = () => createCheckpoints({ dataDir, idsOf: () => ids, secrets: ["sk-ant-very-secret-value"] });
  return { dataDir, ws, open };
}

const madeHere: string[] = [];
afterAll(() => {
  for (const dir of madeHere.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function ownTempDir(): string {
  const dir = mkdtempSync("/tmp/vm-checkpoints-uid-");
  madeHere.push(dir);
  return dir;
}

const write = (ws: string, path: string, text: string) => {
  mkdirSync(join(ws, path, ".."), { recursive: true });
  writeFileSync(join(ws, path), text);
};
const read = (ws: string, path: string) => (existsSync(join(ws, path)) ? readFileSync(join(ws, path), "utf8") : null);

/** The test's own look at the repository: with its planted code switched off, so only a checkpoint could run it. */
const INERT = ["-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "filter.evil.clean=cat", "-c", "filter.evil.smudge=cat", "-c", "diff.evil.textconv=cat"];
function look(ws: string, ...args: string[]): string {
  const env = { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_OPTIONAL_LOCKS: "0" };
  const out = spawnSync("git", [...INERT, ...args], { cwd: ws, encoding: "utf8", env });
  if (out.status !== 0) throw new Error(`git ${args.join(" ")}: ${out.stderr}`);
  return out.stdout;
}

/** Everything of the user's repository a checkpoint must leave alone. */
function userGitState(ws: string) {
  const file = (path: string) => (existsSync(join(ws, ".git", path)) ? readFileSync(join(ws, ".git", path)).toString("base64") : null);
  return {
    branch: look(ws, "branch", "--show-current"),
    head: look(ws, "rev-parse", "HEAD"),
    status: look(ws, "status", "--porcelain=v2", "--untracked-files=all"),
    refs: look(ws, "for-each-ref", "--format=%(refname) %(objectname)"),
    stash: look(ws, "stash", "list"),
    index: file("index"),
    config: file("config"),
    headFile: file("HEAD"),
    objects: look(ws, "count-objects", "-v"),
  };
}

describe("the user's git state", () => {
  it("branch, HEAD, index, stash, config, refs, objects and `git status` are the same before and after runs, undo and redo; no hook or filter runs", async () => {
    const { ws, open } = setup();
    git(ws, "init", "-q", "-b", "trunk");
    write(ws, "a.txt", "one\n");
    write(ws, ".gitignore", "ignored/\n");
    write(ws, ".gitattributes", "*.txt filter=evil diff=evil\n");
    git(ws, "add", ".");
    git(ws, "commit", "-q", "-m", "first");
    write(ws, "a.txt", "one\nstashed\n");
    git(ws, "stash", "-q");
    write(ws, "staged.txt", "staged\n");
    git(ws, "add", "staged.txt");
    write(ws, "a.txt", "one\nunstaged\n");
    // Code the repository would run, if anything ran it: each leaves a marker.
    const marker = join(ws, "..", "ran-repository-code");
    git(ws, "config", "filter.evil.clean", `touch ${marker}; cat`);
    git(ws, "config", "filter.evil.smudge", `touch ${marker}; cat`);
    git(ws, "config", "diff.evil.textconv", `touch ${marker}; cat`);
    git(ws, "config", "core.fsmonitor", `touch ${marker}; false`);
    writeFileSync(join(ws, ".git", "hooks", "post-index-change"), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    const before = userGitState(ws);

    const checkpoints = open();
    await checkpoints.before(KEY, "main", "run1");
    write(ws, "a.txt", "one\nunstaged\nby the agent\n");
    write(ws, "new.txt", "new\n");
    write(ws, "ignored/cache.txt", "cache\n");
    const change = await checkpoints.after(KEY, "main", "run1");
    expect(change?.files.map((f) => f.path).sort()).toEqual(["a.txt", "new.txt"]);

    // What an undo left as it is is named from what is there: the ignored directory, once.
    const undone = await checkpoints.undo(KEY, "main");
    expect(undone.kind === "restored" && undone.cannotRestore).toEqual(["ignored files (.gitignore) were left as they are: ignored/"]);
    expect((await checkpoints.redo(KEY, "main")).kind).toBe("restored");
    expect((await checkpoints.undo(KEY, "main")).kind).toBe("restored");
    expect(read(ws, "new.txt")).toBeNull();
    expect(read(ws, "ignored/cache.txt")).toBe("cache\n");
    rmSync(join(ws, "ignored"), { recursive: true });

    expect(userGitState(ws)).toEqual(before);
    expect(existsSync(marker)).toBe(false);

    // The shadow repository is in the user's tree: a filter driver planted there does not run either.
    const shadow = checkpoints.shadowOf(KEY, "main");
    writeFileSync(join(shadow, "config"), `[core]\n\tbare = false\n[filter "evil"]\n\tclean = touch ${marker}; cat\n`);
    writeFileSync(join(shadow, "info", "attributes"), "* filter=evil\n");
    await checkpoints.before(KEY, "main", "run2");
    write(ws, "c.txt", "c\n");
    expect((await checkpoints.after(KEY, "main", "run2"))?.files.map((f) => f.path)).toContain("c.txt");
    expect(existsSync(marker)).toBe(false);
  });
});

describe("undo and redo", () => {
  it("undo removes what the run added, brings back what it deleted, restores what it changed; redo puts the run's files back; across a restart", async () => {
    const { ws, open } = setup();
    write(ws, "keep.txt", "kept\n");
    write(ws, "edit.txt", "before\n");
    write(ws, "gone.txt", "deleted by the run\n");
    const first = open();
    await first.before(KEY, "main", "run1");
    write(ws, "edit.txt", "after\n");
    write(ws, "dir/added.txt", "added by the run\n");
    rmSync(join(ws, "gone.txt"));
    const change = await first.after(KEY, "main", "run1");
    expect(change?.files).toEqual([
      { path: "dir/added.txt", status: "added", insertions: 1, deletions: 0 },
      { path: "edit.txt", status: "modified", insertions: 1, deletions: 1 },
      { path: "gone.txt", status: "deleted", insertions: 0, deletions: 1 },
    ]);
    expect(change?.diff).toContain("+after");
    expect(change?.diff).toContain("-before");

    const undone = await first.undo(KEY, "main");
    expect(undone).toMatchObject({ kind: "restored", runId: "run1" });
    expect(read(ws, "edit.txt")).toBe("before\n");
    expect(read(ws, "dir/added.txt")).toBeNull();
    expect(read(ws, "gone.txt")).toBe("deleted by the run\n");
    expect(read(ws, "keep.txt")).toBe("kept\n");

    // A VM restart: a new instance reads the same volume.
    const second = open();
    expect(await second.redo(KEY, "main")).toMatchObject({ kind: "restored", runId: "run1" });
    expect(read(ws, "edit.txt")).toBe("after\n");
    expect(read(ws, "dir/added.txt")).toBe("added by the run\n");
    expect(read(ws, "gone.txt")).toBeNull();
    expect((await second.redo(KEY, "main")).kind).toBe("nothing");
  });

  it("repeated undo walks back one run at a time, skipping runs that changed nothing; a new run that changes files clears redo", async () => {
    const { ws, open } = setup();
    const checkpoints = open();
    write(ws, "f.txt", "0\n");
    for (const [runId, text] of [["r1", "1\n"], ["r2", null], ["r3", "3\n"]] as const) {
      await checkpoints.before(KEY, "main", runId);
      if (text) write(ws, "f.txt", text);
      const change = await checkpoints.after(KEY, "main", runId);
      expect(change === null).toBe(text === null);
    }
    expect(await checkpoints.undo(KEY, "main")).toMatchObject({ runId: "r3" });
    expect(read(ws, "f.txt")).toBe("1\n");
    expect(await checkpoints.undo(KEY, "main")).toMatchObject({ runId: "r1" });
    expect(read(ws, "f.txt")).toBe("0\n");
    expect((await checkpoints.undo(KEY, "main")).kind).toBe("nothing");

    // A run that changes nothing leaves redo; one that changes files clears it.
    await checkpoints.before(KEY, "main", "r4");
    await checkpoints.after(KEY, "main", "r4");
    expect(await checkpoints.redo(KEY, "main")).toMatchObject({ runId: "r1" });
    expect(read(ws, "f.txt")).toBe("1\n");
    await checkpoints.before(KEY, "main", "r5");
    write(ws, "f.txt", "5\n");
    await checkpoints.after(KEY, "main", "r5");
    expect((await checkpoints.redo(KEY, "main")).kind).toBe("nothing");
  });

  it("oversized files are recorded by size only and left as they are; .env shows keys, not values; secrets redacted, in the diff and its HTML", async () => {
    const { ws, open } = setup();
    const checkpoints = open();
    write(ws, ".env", "TOKEN=old-value\n");
    write(ws, "big.bin", "x".repeat(1024 * 1024 + 1));
    await checkpoints.before(KEY, "main", "r1");
    write(ws, ".env", "TOKEN=new-value\nNEW_KEY=v\n");
    write(ws, "big.bin", "y".repeat(1024 * 1024 + 1));
    write(ws, "code.ts", "const key = 'sk-ant-very-secret-value';\n");
    const change = await checkpoints.after(KEY, "main", "r1");
    expect(change?.files.map((f) => f.path).sort()).toEqual([".env", "code.ts"]);
    expect(change?.oversized).toEqual(["big.bin"]);
    expect(change?.diff).toContain("# ~ TOKEN (value changed)");
    expect(change?.diff).toContain("# + NEW_KEY (added)");
    expect(change?.diff).not.toMatch(/old-value|new-value/);
    expect(change?.diff).toContain("[redacted]");
    expect(change?.diff).not.toContain("sk-ant-very-secret-value");
    // The page's HTML is drawn from that same text: the keys, no value, no secret.
    expect(change?.diffHtml).toContain("~ TOKEN (value changed)");
    expect(change?.diffHtml).toContain("+ NEW_KEY (added)");
    expect(change?.diffHtml).toContain("[redacted]");
    expect(change?.diffHtml).not.toMatch(/old-value|new-value|sk-ant-very-secret-value/);

    const undone = await checkpoints.undo(KEY, "main");
    expect(undone.kind === "restored" && undone.cannotRestore.join("\n")).toContain("big.bin");
    expect(read(ws, ".env")).toBe("TOKEN=old-value\n");
    expect(read(ws, "big.bin")?.[0]).toBe("y");
  });

  it("a repository inside the workspace is left alone: not in the change, not removed by undo", async () => {
    const { ws, open } = setup();
    const checkpoints = open();
    await checkpoints.before(KEY, "main", "r1");
    mkdirSync(join(ws, "sub"));
    git(join(ws, "sub"), "init", "-q");
    write(ws, "sub/f.txt", "inner\n");
    git(join(ws, "sub"), "add", ".");
    git(join(ws, "sub"), "commit", "-q", "-m", "inner");
    write(ws, "top.txt", "top\n");
    expect((await checkpoints.after(KEY, "main", "r1"))?.files.map((f) => f.path)).toEqual(["top.txt"]);
    expect(await checkpoints.undo(KEY, "main")).toMatchObject({ files: [{ path: "top.txt", status: "deleted" }] });
    expect([read(ws, "top.txt"), read(ws, "sub/f.txt"), existsSync(join(ws, "sub", ".git"))]).toEqual([null, "inner\n", true]);
  });

  it(`keeps the last ${KEPT_RUNS} runs and prunes the rest`, async () => {
    const { ws, open, dataDir } = setup();
    const checkpoints = open();
    for (let i = 0; i < KEPT_RUNS + 3; i++) {
      await checkpoints.before(KEY, "main", `r${i}`);
      write(ws, "n.txt", `${i}\n`);
      await checkpoints.after(KEY, "main", `r${i}`);
    }
    const history = JSON.parse(readFileSync(join(dataDir, ".checkpoints", KEY, "main.json"), "utf8")) as { runs: { runId: string }[] };
    expect(history.runs).toHaveLength(KEPT_RUNS);
    expect(history.runs[0]?.runId).toBe("r3");
    const refs = git(checkpoints.shadowOf(KEY, "main"), "--git-dir=.", "for-each-ref", "refs/relay-checkpoints/").split("\n");
    // Each run's after is the next one's before (nothing changed between runs).
    expect(refs).toHaveLength(KEPT_RUNS + 1);
  });
});

describe("as the workspace's user", () => {
  it("the shadow repository belongs to the user's uid", async () => {
    if (process.getuid?.() !== 0) return;
    const ids = { uid: 65534, gid: 65534 };
    const { ws, open } = setup(ids);
    const checkpoints = open();
    writeFileSync(join(ws, "a.txt"), "a\n");
    chownSync(join(ws, "a.txt"), ids.uid, ids.gid);
    await checkpoints.before(KEY, "main", "r1");
    expect(statSync(join(checkpoints.shadowOf(KEY, "main"), "objects")).uid).toBe(ids.uid);
    expect(statSync(join(checkpoints.shadowOf(KEY, "main"), "relay-index")).uid).toBe(ids.uid);
  });
});
