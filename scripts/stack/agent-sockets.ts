// The Claude Code CLI's socket directories (`/tmp/cc-socks-<uid>`), which the CLI keeps in /tmp
// whatever TMPDIR says once `$TMPDIR/cc-socks/<pid>.sock` would be too long for a socket path
// (always, under a test's or the local stack's deep data directory; docs/notes/cli-tmp-dirs.md):
// those of the agents' uids touched since a run began, and in root's own directory the sockets of
// CLIs that are gone. Called by a test run's teardown, and by the reaper's watchdog when the run
// was killed before it. Plain Node (the watchdog runs it without tsx): node: modules only.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

import { AGENT_UID_RANGE } from "../../vm/src/core/agent-ids.ts";

export function removeAgentSockets(since: number): void {
  const agents = AGENT_UID_RANGE;
  for (const name of readdirSync("/tmp")) {
    const uid = Number(/^cc-socks-(\d+)$/.exec(name)?.[1] ?? NaN);
    const path = join("/tmp", name);
    // Touched during the run (a socket added): only the VMs of test runs and the local stack use these uids.
    if (uid >= agents.first && uid < agents.first + agents.count && (statSync(path, { throwIfNoEntry: false })?.ctimeMs ?? 0) >= since) rmSync(path, { recursive: true, force: true });
    // Root's directory is shared with any CLI root runs here: only the sockets of the run's CLIs that are gone.
    if (uid === 0) for (const socket of readdirSync(path)) removeIfStale(join(path, socket), since);
  }
}

function removeIfStale(socket: string, since: number): void {
  const pid = Number(/^(\d+)\.sock$/.exec(socket.split("/").pop() ?? "")?.[1] ?? NaN);
  if (!Number.isInteger(pid) || (statSync(socket, { throwIfNoEntry: false })?.ctimeMs ?? 0) < since) return;
  try {
    process.kill(pid, 0);
  } catch {
    rmSync(socket, { force: true });
  }
}

/**
 * What the CLI keeps in `/tmp/claude-<uid>` whatever TMPDIR says: the entries named after a
 * working directory under `runDir` (its path with every "/" and "." as "-"), and, when `since` is
 * given, the empty `fswatch-probe-*` directories made since then. Called by a test run's teardown,
 * and by the watchdog for each path it removes when the run was killed first.
 */
export function removeCliScratch(runDir: string, since: number | null, tmpRoot = "/tmp"): void {
  const ofRun = `${runDir.replace(/[^A-Za-z0-9]/g, "-")}-`;
  for (const name of readdirSync(tmpRoot)) {
    if (!/^claude-\d+$/.test(name)) continue;
    const dir = join(tmpRoot, name);
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue; // another uid's, closed to this one: not this run's (it runs its agents as root only)
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      const probe = since !== null && entry.startsWith("fswatch-probe-") && (statSync(path, { throwIfNoEntry: false })?.ctimeMs ?? 0) >= since;
      if (entry.startsWith(ofRun) || probe) rmSync(path, { recursive: true, force: true });
    }
  }
}
