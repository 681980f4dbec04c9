// What the Claude Code CLI keeps in /tmp/claude-<uid> whatever TMPDIR says goes with the run that
// made it: the entries named after its working directories, and the probes made during it, never
// another run's or an older probe. The teardown and the reaper's watchdog (a run killed first) both
// call this; here over a root of the test's own.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { removeCliScratch } from "../../scripts/stack/agent-sockets";

let root: string | null = null;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = null;
});

function scratch(entries: string[]): string {
  root = mkdtempSync(join(tmpdir(), "cli-scratch-"));
  for (const entry of entries) mkdirSync(join(root, "claude-0", entry), { recursive: true });
  mkdirSync(join(root, "claude-x", "-tmp-relay-test-run-AbC123-a"), { recursive: true });
  return root;
}

describe("removeCliScratch", () => {
  const run = "/tmp/relay-test-run-AbC123";
  const ofRun = "-tmp-relay-test-run-AbC123-handoff-laptop-Xy9-main-copy";
  const other = "-tmp-relay-test-run-ZzZ999-handoff-laptop-Xy9-main-copy";

  it("removes the run's working directories' entries and the probes made since it began", () => {
    const at = scratch([ofRun, other, "fswatch-probe-new"]);
    removeCliScratch(run, Date.now() - 60_000, at);
    expect(readdirSync(join(at, "claude-0")).sort()).toEqual([other]);
    // Only claude-<uid> directories are read.
    expect(readdirSync(join(at, "claude-x"))).toEqual(["-tmp-relay-test-run-AbC123-a"]);
  });

  it("without a start time (a guarded path alone), keeps every probe", () => {
    const at = scratch([ofRun, "fswatch-probe-new"]);
    removeCliScratch(run, null, at);
    expect(readdirSync(join(at, "claude-0"))).toEqual(["fswatch-probe-new"]);
  });

  // A probe's age is its ctime, which a test cannot set back: one made before the run is one the run began after.
  it("keeps probes made before the run began", () => {
    const at = scratch(["fswatch-probe-before"]);
    removeCliScratch(run, Date.now() + 60_000, at);
    expect(readdirSync(join(at, "claude-0"))).toEqual(["fswatch-probe-before"]);
  });
});
