// What the relay says about a phone's own Machine (VM_MODE=machines): that it was retired after
// a long silence, and that its files were lost behind the relay's back. Pure: facts in, text out.

export function machineRetiredNotice(o: { unusedDays: number }): string {
  return `Your agent's machine was shut down after ${o.unusedDays} day${o.unusedDays === 1 ? "" : "s"} unused. Your projects are kept; write to me and I'll start a new machine with them.`;
}

export const MACHINE_FILES_LOST =
  "Your agent's disk was lost on the hosting side, so your projects and earlier agent sessions are gone. I started a new machine with an empty disk; /new <name> <repo> clones a project again.";
