// What approvals/ does when a run says what happened (runs/run-happenings.ts): an approval_request
// applied is asked once; a VM run over closes its open prompts; decisions it no longer waited for
// are told too late. Joined in agent/run-happenings.ts. The request's page link (prepare) is not
// here: it is a step the stream's read awaits before the event's transaction (runs/run-ports.ts).
import type { RunHappeningHandler } from "../runs/run-happenings";
import type { Approvals } from "./approvals-unit";

export function approvalsRunHappenings(approvals: Pick<Approvals, "request" | "vmRunOver" | "heardLate">) {
  return {
    approval_asked: (e) => approvals.request(e.run, e.event, e.now, e.spoken),
    vm_run_over: (e) => approvals.vmRunOver(e.vmRunId, e.now),
    decisions_late: (e) => approvals.heardLate(e.late, e.now),
  } satisfies RunHappeningHandler;
}
