// Spare agent processes: a CLI started ahead, before its run is known, so a new session starts as
// fast as a warm one (docs/notes/cold-path.md). Pure: whether a spare may be handed to a run (it
// must carry nothing of another user's or conversation's state), and when one is started.
import type { ProcessAdmission } from "./process-budget";

/** Who a process runs for and as, where, and with what: a spare and the run that takes it must share all of it. */
export type AgentIdentity = {
  userKey: string;
  /** The OS user it runs as; null: the server's. */
  uid: number | null;
  cwd: string;
  home: string;
  /** Its options and run variables (cli-command.ts optionsFingerprint). */
  fingerprint: string;
  /** The user's "always" rules file it was given (`--settings`), or null. */
  settingsPath: string | null;
};

/** What a spare was started with, and what it has become since. */
export type SpareFacts = AgentIdentity & {
  /** The session the CLI reported (init or result): a spare has none until its first turn. */
  sessionId: string | null;
  /** It served a run already: whatever that run left in it is that run's. */
  served: boolean;
  alive: boolean;
  stopping: boolean;
  retired: boolean;
};

/**
 * What the run that would take it needs; `sessionId`: the session it resumes, null for a new one.
 * A spare started for a new session (none yet) takes only a new session; one started with
 * `--resume` of a session (a run the VM's restart cut, resumeSparesOf) takes only the run resuming that session.
 */
export type SpareWant = AgentIdentity & { sessionId: string | null };

/** Null when the spare may take the run; otherwise why not, checked in this order. */
export function spareRefusal(spare: SpareFacts, want: SpareWant): string | null {
  if (!spare.alive || spare.stopping) return "it is no longer running";
  if (spare.retired) return "its workspace's settings changed";
  if (spare.userKey !== want.userKey) return "another user's";
  if (spare.uid !== want.uid) return "another uid's";
  if (spare.home !== want.home) return "another HOME";
  if (spare.cwd !== want.cwd) return "another workspace";
  if (spare.served) return "it holds a session already";
  if (want.sessionId !== spare.sessionId) return want.sessionId === null ? "it holds a session already" : spare.sessionId === null ? "the run resumes a session" : "it resumes another session";
  if (spare.fingerprint !== want.fingerprint) return "other options or run variables";
  if (spare.settingsPath !== want.settingsPath) return "other approval rules";
  return null;
}

export type SpareDemand = {
  /** SPARE_AGENTS: spares the VM keeps at most, over all users (0: none). */
  limit: number;
  /** How long a spare waits for its run (WARM_SESSION_MS): 0 keeps no process after its run, a spare neither. */
  lifetimeMs: number;
  /** Spares alive now, and this user's: none, one for this run's workspace and options, or one elsewhere. */
  spares: number;
  userSpare: "none" | "here" | "elsewhere";
  shuttingDown: boolean;
  /** The run that just ended: a fork or someone else's text gets no spare after it. */
  forked: boolean;
  untrusted: boolean;
  /** What the memory budget says of one more process now (process-budget.ts). */
  admission: ProcessAdmission;
};

/**
 * After a user's run: a spare in its workspace for that user's next new session. `replace`: the
 * user's spare waits in another workspace (or with other options): it goes, and one starts here,
 * where the user is now. `start`: a first one, unless the VM keeps its limit already. Never while
 * the VM is stopping, after a fork or someone else's text, or when one more process would cost any
 * warm process its place (a spare never evicts one: it only uses memory left over; a replacement
 * is judged once the old one is gone).
 */
export function spareWanted(d: SpareDemand): "start" | "replace" | "none" {
  if (d.limit <= 0 || d.lifetimeMs <= 0 || d.shuttingDown || d.forked || d.untrusted || d.userSpare === "here") return "none";
  if (d.userSpare === "elsewhere") return "replace";
  return d.spares < d.limit && d.admission.kind === "spawn" ? "start" : "none";
}

/** A run the VM's last process left live (its log has no end): what it ran, from its log. */
export type CutRunFacts = {
  userKey: string;
  /** What its start request carried (absent in logs written before it was kept). */
  request: { workspace: string; sessionId: string | null; options: { forkSession?: boolean | undefined; approvals?: { untrusted?: boolean | undefined } | undefined } } | null;
  /** The session its CLI reported (its last `session` event), if any. */
  sessionSeen: string | null;
};

/**
 * The cut runs whose CLI is worth starting ahead with `--resume` at boot, at most `limit`: the
 * relay restarts each on the session it last heard of (the one the run reported, else the one it
 * resumed), so that CLI takes the restart. None for a run that knew no session yet (its restart is
 * a new session), a fork or someone else's text (as after any such run: no spare), or a second one
 * of a session already planned.
 */
export function resumeSparesOf<T extends CutRunFacts>(cut: readonly T[], limit: number): { run: T; sessionId: string }[] {
  const planned: { run: T; sessionId: string }[] = [];
  for (const run of cut) {
    if (planned.length >= limit) break;
    const request = run.request;
    if (!request || request.options.forkSession === true || request.options.approvals?.untrusted === true) continue;
    const sessionId = run.sessionSeen ?? request.sessionId;
    if (sessionId === null || planned.some((p) => p.run.userKey === run.userKey && p.sessionId === sessionId)) continue;
    planned.push({ run, sessionId });
  }
  return planned;
}
