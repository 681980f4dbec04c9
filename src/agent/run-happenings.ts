// What happened in a run (runs/run-happenings.ts) joined to the capabilities that act on it: each
// declares its handler in its own folder, and a happening reaches every handler that names its
// kind, in the order of the list below, synchronously, inside the caller's transaction (a lookup
// by kind: nothing awaited, no row, no request added). A capability that must act on a run's end
// adds its handler and one line here.
import type { RunHappened, RunHappening, RunHappeningHandler } from "../runs/run-happenings";
import { conversationsRunHappenings } from "../conversations/conversations-run-happenings";
import { approvalsRunHappenings } from "../approvals/approvals-run-happenings";
import { changesRunHappenings } from "../changes/changes-run-happenings";
import { livePagesRunHappenings } from "../web/live-pages-run-happenings";
import { retentionRunHappenings } from "./retention";

/** The units whose handlers are joined. */
export type RunHappeningUnits = {
  conversations: Parameters<typeof conversationsRunHappenings>[0];
  approvals: Parameters<typeof approvalsRunHappenings>[0];
  changes: Parameters<typeof changesRunHappenings>[0];
  livePages: Parameters<typeof livePagesRunHappenings>[0];
  /** Retention's pruning (retention.ts, pruneIfDue). */
  prune: Parameters<typeof retentionRunHappenings>[0];
};

/** The one sink the runs unit is handed: every capability's handler, one line each, in order. */
export function runHappeningsOf(u: RunHappeningUnits): RunHappened {
  return joinRunHappenings([
    conversationsRunHappenings(u.conversations),
    approvalsRunHappenings(u.approvals),
    changesRunHappenings(u.changes),
    livePagesRunHappenings(u.livePages),
    retentionRunHappenings(u.prune),
  ]);
}

/** One sink over `handlers`: a happening goes to each that names its kind, in their order. */
export function joinRunHappenings(handlers: readonly RunHappeningHandler[]): RunHappened {
  const byKind = new Map<RunHappening["kind"], ((e: RunHappening) => void)[]>();
  for (const handler of handlers)
    for (const [kind, act] of Object.entries(handler) as [RunHappening["kind"], ((e: RunHappening) => void) | undefined][]) if (act) byKind.set(kind, [...(byKind.get(kind) ?? []), act]);
  return (happening) => {
    for (const act of byKind.get(happening.kind) ?? []) act(happening);
  };
}
