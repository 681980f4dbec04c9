// One temporary directory per test run. Every process of the run (miniflare, the VMs, the stacks,
// the tests' own scratch directories) inherits it as TMPDIR, and it goes when the run ends,
// however it ends: at the last project's teardown, or by the reaper's watchdog when the run is
// killed. Also the Claude Code CLI's socket directories (`/tmp/cc-socks-<uid>`), which the CLI
// keeps in /tmp whatever TMPDIR says once `$TMPDIR/cc-socks/<pid>.sock` would be too long for a
// socket path (always, under a user's tree): those of the agents' uids made during the run, and
// in root's own directory the sockets of the run's CLIs that are gone. And what the CLI keeps in
// `/tmp/claude-<uid>` whatever TMPDIR says: a directory per working directory and session (named
// after the workspace's path, under this run's directory) and empty `fswatch-probe-*` directories.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeCliScratch } from "../../scripts/stack/agent-sockets";
import { guardAgentSockets, guardPath } from "../../scripts/stack/reaper";

type RunTemp = { dir: string; startedAt: number; users: number; release: () => void; releaseSockets: () => void };
const state = globalThis as { [key: symbol]: RunTemp | undefined };
const KEY = Symbol.for("relay.run-temp");

/** Call from each project's globalSetup; returns its teardown (the last one cleans up). */
export function useRunTempDir(): () => void {
  let run = state[KEY];
  if (!run) {
    const dir = mkdtempSync(join(tmpdir(), "relay-test-run-"));
    const startedAt = Date.now();
    // The sockets too: a run killed before its teardown leaves them to the reaper's watchdog.
    run = state[KEY] = { dir, startedAt, users: 0, release: guardPath(dir), releaseSockets: guardAgentSockets(startedAt) };
    process.env.TMPDIR = dir;
  }
  run.users++;
  return () => {
    if (--run.users > 0) return;
    rmSync(run.dir, { recursive: true, force: true });
    run.release();
    run.releaseSockets();
    removeCliScratch(run.dir, run.startedAt);
    state[KEY] = undefined;
  };
}
