// Which agent VM a phone's runs go to: in machines mode its own Fly Machine (made or started
// before each request, by the machine unit); in shared mode the one configured VM; else none.
import type { Config } from "../config/config";
import type { MachinesConfig } from "./machines-settings";
import type { Clock } from "../shared/clock";
import type { FlyNames } from "./fly-identity";
import type { Log } from "../shared/log";
import { createFlyMachinesClient } from "./fly-machines";
import { createVmClient, type VmClient, type VmConnectionSource } from "./vm-client";
import type { OutboxRepo } from "../outbox/outbox-repo";
import type { MachineRepo } from "./machine-repo";
import { createMachineUnit } from "./machine-unit";

export type PhoneMachine = ReturnType<typeof createMachineUnit>;
/** The runs' rows as far as the machine reads them (runs/runs-repo.ts, handed in by the composition): whether one is open, when the last ended. */
type RunsRead = { open(): object | null; lastFinishedAt(): number | null };
type PhoneMachineDeps = { repos: { machine: MachineRepo; outbox: OutboxRepo; runs: RunsRead }; phone: string; log: Log; clock: Clock; recordOwner: (names: FlyNames) => Promise<boolean> };

/** The phone's machine unit (machines mode only) and the client its runs talk to the VM with. */
export function agentVmFor(config: Config | null, d: PhoneMachineDeps): { machine: PhoneMachine | null; vm: VmClient | null } {
  const { machine, source } = vmSourceFor(config, d);
  return { machine, vm: source && createVmClient(source) };
}

/** Where the phone's VM is reached: its own Machine (made or started first), or the one shared VM; null when neither is configured. */
export function vmSourceFor(config: Config | null, d: PhoneMachineDeps): { machine: PhoneMachine | null; source: VmConnectionSource | null } {
  if (config?.machines) {
    const machine = createPhoneMachine(config.machines, config.publicUrl, d);
    return { machine, source: machine };
  }
  if (!config?.vm) return { machine: null, source: null };
  const target = { ok: true as const, url: config.vm.url, token: config.vm.token, headers: {} };
  return { machine: null, source: { ready: () => true, connect: () => Promise.resolve(target), unreachable: () => undefined } };
}

/** The machine unit over the Fly Machines API, reading (never writing) the runs it must not idle under. */
function createPhoneMachine(c: MachinesConfig, publicUrl: string | null, d: PhoneMachineDeps): PhoneMachine {
  return createMachineUnit({
    repo: d.repos.machine,
    fly: createFlyMachinesClient(c.api, undefined, d.clock),
    settings: { idleMs: c.idleMs, idleAction: c.idleAction, retireMs: c.retireMs, image: c.image, regions: c.regions, proxyUrl: c.proxyUrl, relayVmToken: c.relayVmToken, relayUrl: publicUrl },
    phone: d.phone,
    runs: { isOpen: () => d.repos.runs.open() !== null, lastEndedAt: () => d.repos.runs.lastFinishedAt() },
    outbox: d.repos.outbox,
    recordOwner: d.recordOwner,
    log: d.log,
    clock: d.clock,
  });
}
