// What `npm start` tells the user besides the children's logs: settings in `.dev.vars` that point
// the Worker away from the local pieces, and the URLs once everything answers. Pure.
import type { LocalVars } from "./dev-vars";
import { LOCAL_FLY_APP, type MachinesMode } from "./machines-plan";
import type { ModelChoice } from "./model-choice";
import { allowedNumbers, type StackMode } from "./stack-plan";
import { type StackUrls } from "./stack-children";

const same = (a: string, b: string) => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

export function settingNotes(vars: LocalVars, urls: StackUrls, sandboxedAsRoot: boolean, modeKind: StackMode["kind"] = "shared"): string[] {
  const notes: string[] = [];
  // In machines mode the Worker reaches each Machine through the Fly stand-in's proxy; VM_URL is unused.
  if (modeKind === "shared" && vars.VM_URL && !same(vars.VM_URL, urls.vm)) {
    notes.push(`.dev.vars has VM_URL=${vars.VM_URL}: the Worker calls that VM, not the local one at ${urls.vm}.`);
  }
  if (vars.TWILIO_API_BASE && !same(vars.TWILIO_API_BASE, urls.twilio)) {
    notes.push(`.dev.vars has TWILIO_API_BASE=${vars.TWILIO_API_BASE}: replies go there, not to the phone simulator.`);
  }
  if (vars.PUBLIC_URL && !same(vars.PUBLIC_URL, urls.worker)) {
    notes.push(
      `.dev.vars has PUBLIC_URL=${vars.PUBLIC_URL}: the Worker checks signatures for that URL, so it refuses the simulator's messages (signed for ${urls.worker}).`,
    );
  }
  const { valid, invalid } = allowedNumbers(vars.ALLOWED_SENDERS);
  if (valid.length === 0) notes.push("ALLOWED_SENDERS in .dev.vars is empty: the relay answers nobody (it fails closed).");
  if (invalid.length > 0) notes.push(`ALLOWED_SENDERS in .dev.vars has entries that are not E.164 (+15551234567): ${invalid.join(", ")}.`);
  if (sandboxedAsRoot) {
    notes.push(
      `Running as root: ${modeKind === "shared" ? "the VM's" : "each Machine's"} Claude Code CLI gets IS_SANDBOX=1, without which it refuses to run as root with bypassPermissions, and the VM ALLOW_SHARED_PROC=1 (this machine's /proc, one person's stack).`,
    );
  }
  return notes;
}

/** `machines`: the machines mode's settings, or null in the shared mode; `more`: the stand-ins' lines. */
export function readyLines(urls: StackUrls, model: ModelChoice, simulatorPhones: string[], machines: MachinesMode | null = null, more: string[] = []): string[] {
  const second = simulatorPhones[1];
  return [
    "Ready.",
    `  Phone simulator  ${urls.twilio}${second ? `   (a second user: ${urls.twilio}/?phone=${encodeURIComponent(second)})` : ""}`,
    `  Worker           ${urls.worker}   (POST /twilio/inbound, POST /twilio/status, GET /health)`,
    ...(machines
      ? [`  Fly Machines API ${urls.flyApi}   (the stand-in; volumes under ${machines.dataDir}/volumes)`, `  Fly proxy        ${urls.flyProxy}`]
      : [`  Agent VM         ${urls.vm}`]),
    ...(model.kind === "offline" ? [`  Offline model    ${urls.model}`] : []),
    ...more,
    ...(machines ? machinesLines(urls, machines) : []),
    "Ctrl-C stops everything.",
  ];
}

/** When a Machine is made and suspended, and how to watch them. */
function machinesLines(urls: StackUrls, mode: MachinesMode): string[] {
  const { MACHINE_IDLE_MS: idleMs, MACHINE_IDLE_ACTION: action } = mode.settings;
  return [
    `Each phone gets its own Machine (the agent VM on a volume of its own) at its first message; after ${idleMs / 1000} s with no run it is ${action === "suspend" ? "suspended" : "stopped"} (MACHINE_IDLE_MS, MACHINE_IDLE_ACTION).`,
    `Watch them: curl -s -H 'Authorization: Bearer ${mode.apiToken}' ${urls.flyApi}/v1/apps/${LOCAL_FLY_APP}/machines`,
  ];
}
