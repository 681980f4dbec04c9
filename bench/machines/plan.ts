// What the machines benchmark does, as data: the paths it measures, how many samples each, the
// order of one round, the relay's and the Machines' settings, the messages it sends. Pure.

/**
 * The paths from webhook to the first model request: through a started Machine whose CLI is warm,
 * through a Machine the relay's alarm suspended (its CLI kept warm across it), through a stopped
 * Machine (a new VM process, a new CLI), the turn right after that one (the first warm turn of a
 * VM process and a CLI just started), and through today's shared VM with a warm CLI.
 */
export type MeasuredPath = "warm" | "suspended" | "stopped" | "first_warm" | "shared_warm";

/**
 * One round, in order: each path once. The warm path comes first, so it is the second warm turn
 * of the VM process the last round's stop started: the first one, measured apart as
 * `first_warm`, runs code neither the VM nor the CLI has run before and is slower.
 */
export const ROUND: readonly MeasuredPath[] = ["warm", "shared_warm", "suspended", "stopped", "first_warm"];

export const PATH_LABELS: Record<MeasuredPath, string> = {
  warm: "warm Machine",
  suspended: "after an idle suspension",
  stopped: "from a stopped Machine",
  first_warm: "warm Machine, first turn after a cold start",
  shared_warm: "shared VM, warm",
};

/** Machine starts the relay must log during a sample of each path (its `machine_started` lines). */
export const EXPECTED_STARTS: Record<MeasuredPath, number> = { warm: 0, first_warm: 0, shared_warm: 0, suspended: 1, stopped: 1 };

export function samplesPerPath(quick: boolean): number {
  return quick ? 3 : 7;
}

/**
 * The relay's idle time before its alarm suspends the Machine. Short so that a round takes
 * seconds; the VM's warm timer is derived from it (machineVmTimers: idle + 60 s), so the CLI
 * outlives the suspension as it would with the default 15 minutes.
 */
export const BENCH_IDLE_MS = 3_000;

export const FLY_BENCH = {
  app: "bench-agents",
  token: "bench-fly-api-token",
  image: "registry.fly.io/bench-agents:local",
  region: "iad",
} as const;

/** One phone per relay: each relay's whole conversation is one phone's, as the figures are. */
export const BENCH_PHONES = { machines: "+15550021001", shared: "+15550021002" } as const;

/**
 * The pause before a turn that must find the CLI warm: a person reads the reply first. The CLI
 * works for up to a second after each result (about 20-90 ms of CPU, measured); a turn sent at
 * once would wait behind that, which no user does. Well under BENCH_IDLE_MS, so nothing suspends.
 */
export const THINK_MS = 1_000;

/** Turns before the rounds: the first makes the Machine (or spawns the shared VM's CLI), the others find it warm. */
export const WARM_UP_TURNS = 3;

/** A text no other turn sends, so the model request carrying it is this turn's. */
export function turnText(path: MeasuredPath | "warm_up", round: number, runId: string): string {
  return `bench machines ${path} ${round} ${runId}`;
}

/** What the Machines (Fly secrets) and the shared VM get to reach the offline model. */
export function modelEnv(modelUrl: string, runningAsRoot: boolean): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: modelUrl,
    ANTHROPIC_API_KEY: "sk-offline-bench",
    DISABLE_TELEMETRY: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    // As root the CLI refuses the relay's bypassPermissions mode unless IS_SANDBOX is exactly "1",
    // and the VM refuses agents on a /proc without hidepid=2 unless ALLOW_SHARED_PROC=1 (one machine's bench).
    ...(runningAsRoot ? { IS_SANDBOX: "1", ALLOW_SHARED_PROC: "1" } : {}),
  };
}

/** The relay's settings in machines mode against the Fly stand-in. */
export function machinesVars(fly: { apiUrl: string; proxyUrl: string }): Record<string, string> {
  return {
    VM_MODE: "machines",
    FLY_API_TOKEN: FLY_BENCH.token,
    FLY_APP: FLY_BENCH.app,
    FLY_API_BASE: fly.apiUrl,
    FLY_PROXY_URL: fly.proxyUrl,
    FLY_IMAGE: FLY_BENCH.image,
    FLY_REGIONS: FLY_BENCH.region,
    MACHINE_IDLE_MS: String(BENCH_IDLE_MS),
    MACHINE_IDLE_ACTION: "suspend",
  };
}
