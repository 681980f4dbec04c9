// Whether the machine keeps each user's agent from the others: /proc mounted with hidepid (else
// every agent reads every command line) and Fly's Machines API socket closed to agent uids (else an
// agent drives the app's Machines with the Machine's own token). Judged once at start, as root;
// the shell (users/readiness-probe.ts, server.ts) gathers the facts and carries out the answer.
import { procVisibilityOf } from "./agent-ids";
import type { StartProblem } from "./readiness";

/** Where Fly puts the Machines API's unix socket in every Machine. */
export const FLY_API_SOCKET = "/.fly/api";

export type IsolationFacts = {
  /** The server runs as root: agents get uids of their own (or are root themselves). */
  root: boolean;
  /** `/proc/self/mountinfo` (or `/proc/mounts`) text; null when it could not be read. */
  mounts: string | null;
  /** ALLOW_SHARED_PROC=1: the operator accepts agents that see each other's processes. */
  allowSharedProc: boolean;
  /** The socket: not there, there but closed to an agent uid, open to one; null where untried. */
  flyApi: "absent" | "closed" | "open" | null;
};

export type Isolation = {
  /** What stops every run (the start's line, /health's 503 name, the run's refusal). */
  problems: StartProblem[];
  /** What the operator allowed that leaves users less apart: a start line each, named on /health. */
  allowed: { name: string; line: string }[];
};

export function isolationOf(facts: IsolationFacts): Isolation {
  const isolation: Isolation = { problems: [], allowed: [] };
  if (!facts.root) return isolation;
  // Unreadable is taken as shared: refused rather than assumed safe.
  if (facts.mounts === null || procVisibilityOf(facts.mounts) === "visible") {
    if (facts.allowSharedProc) {
      isolation.allowed.push({
        name: "ALLOW_SHARED_PROC",
        line: "ALLOW_SHARED_PROC=1: /proc is not mounted with hidepid=2, and agents start anyway: each sees every other agent's processes and command lines",
      });
    } else {
      isolation.problems.push({
        name: "/proc hidepid=2",
        message:
          "/proc hidepid=2 is not in force (/proc is mounted without it): every agent would see the other users' processes and command lines; remount it (`mount -o remount,hidepid=2 /proc`, as the image's entrypoint does where the machine allows it) or, where one person uses the VM, set ALLOW_SHARED_PROC=1",
        refuses: "shared_proc",
      });
    }
  }
  if (facts.flyApi === "open") {
    isolation.problems.push({
      name: FLY_API_SOCKET,
      message: `${FLY_API_SOCKET} (Fly's Machines API socket) is open to agent uids: an agent could manage the app's Machines with this Machine's token; close it to all but root (\`chmod 700 /.fly\`, as the image's entrypoint does)`,
      refuses: "fly_api_open",
    });
  }
  return isolation;
}
