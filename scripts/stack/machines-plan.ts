// `npm start -- --machines`: instead of one agent VM, the Fly Machines API stand-in, whose every
// Machine runs the real agent VM on a volume of its own, and the Worker in VM_MODE=machines
// pointed at it. The flags, the settings, the stand-in's command and environment, and the
// Worker's machines settings, as data. Pure.
import { join } from "node:path";
import { z } from "zod";
import { passThroughEnv } from "../../vm/src/config";
import { modelEnv, type ModelChoice } from "./model-choice";
import type { ChildSpec, StackUrls } from "./stack-children";

/** The stand-in's one app, and the image name each Machine records (nothing is pulled). */
export const LOCAL_FLY_APP = "local-agents";
export const LOCAL_FLY_IMAGE = "local/agent-vm:dev";
/** A minute, not the contract's 15: locally one wants to see a Machine suspended, and resumed. */
export const LOCAL_IDLE_MS = 60_000;

/** `jsonLog`: the Worker's JSON log, request lines, wrangler's start-up and workerd's own notes as they come, instead of a line per message, command and run. */
export type StartOptions = { machines: boolean; jsonLog: boolean };

export const START_USAGE = "Usage: npm start [-- --machines] [--json-log]";

/** `npm start`'s flags (what follows `--`). */
export function parseStartArgs(argv: readonly string[]): { ok: true; options: StartOptions } | { ok: false; problem: string } {
  const unknown = argv.filter((arg) => arg !== "--machines" && arg !== "--json-log");
  if (unknown.length > 0) return { ok: false, problem: `Unknown argument${unknown.length > 1 ? "s" : ""}: ${unknown.join(" ")}. ${START_USAGE}` };
  return { ok: true, options: { machines: argv.includes("--machines"), jsonLog: argv.includes("--json-log") } };
}

const blankIsUnset = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

/** The relay's own rules for these (src/machines/machines-settings.ts, src/archive/archive-settings.ts), checked before anything starts. */
const MachinesSettingsSchema = z.object({
  MACHINE_IDLE_MS: z.preprocess(
    blankIsUnset,
    z.coerce.number({ error: "must be a whole number of milliseconds" }).int("must be a whole number of milliseconds").min(1000, "must be at least 1000").max(999_999_999).default(LOCAL_IDLE_MS),
  ),
  MACHINE_IDLE_ACTION: z.preprocess(blankIsUnset, z.enum(["suspend", "stop"], "must be suspend or stop").default("suspend")),
  MACHINE_RETIRE_DAYS: z.preprocess(blankIsUnset, z.coerce.number({ error: "must be a number of days" }).positive("must be more than 0").optional()),
  // Kept as written: the relay takes up to six decimals (src/archive/archive-settings.ts), which String(number) would turn into 1e-7.
  ARCHIVE_AFTER_DAYS: z.preprocess(blankIsUnset, z.string().regex(/^\d{1,4}(\.\d{1,6})?$/, "must be a number of days").refine((v) => Number(v) > 0, "must be more than 0").optional()),
});
export type MachinesSettings = z.infer<typeof MachinesSettingsSchema>;

export function readMachinesSettings(env: Readonly<Record<string, string | undefined>>): { ok: true; settings: MachinesSettings } | { ok: false; problems: string[] } {
  const parsed = MachinesSettingsSchema.safeParse(env);
  if (parsed.success) return { ok: true, settings: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) };
}

/**
 * The agent VM as vm/package.json's `start` script runs it (what `npm run vm` runs in the shared
 * mode), with this Node for `node`: what each Machine runs. Null for a script that is not one plain
 * `node …` command.
 */
export function vmCommandOf(startScript: string, nodePath: string): string[] | null {
  const words = startScript.trim().split(/\s+/);
  if (words[0] !== "node" || words.some((word) => /[|&;<>()$`"'\\*?]/.test(word))) return null;
  return [nodePath, ...words.slice(1)];
}

export type MachinesMode = {
  kind: "machines";
  /** The stand-in's directory: its volumes, and the Worker's state and settings in this mode. */
  dataDir: string;
  /** What the stand-in accepts and the Worker sends as FLY_API_TOKEN; new at every start. */
  apiToken: string;
  settings: MachinesSettings;
  vmCommand: string[];
  /** The VM's settings for the model, and IS_SANDBOX and ALLOW_SHARED_PROC as root: the app's secrets (machineSecrets). */
  secrets: Record<string, string>;
};

/** Where this mode keeps its files, under the stand-in's directory. */
export function machinesLayout(dataDir: string) {
  return {
    /** The stand-in's: `volumes/<vol id>` is each Machine's DATA_DIR. */
    volumes: join(dataDir, "volumes"),
    /** The Worker's Durable Objects in this mode (`wrangler dev --persist-to`), apart from the shared mode's. */
    workerState: join(dataDir, "wrangler-state"),
    /** The Worker's machines settings (an env file, mode 600): the API token stays out of every command line. */
    workerEnvFile: join(dataDir, "worker-machines.env"),
    /** The stand-in's saved Machines and volumes (emulator/fly/shell/state-file.ts). */
    standInState: join(dataDir, "state.json"),
  };
}

/**
 * The app's secrets (`fly secrets set`): what the shared mode's VM gets for the model and git, so
 * each Machine's VM runs its CLI as the shared one does. Fly hands a Machine no more of the host.
 */
export function machineSecrets(baseEnv: Readonly<Record<string, string | undefined>>, model: ModelChoice, runningAsRoot: boolean): Record<string, string> {
  const git = Object.fromEntries(
    (["GITHUB_TOKEN", "GIT_CREDENTIALS"] as const).flatMap((name) => (baseEnv[name] ? [[name, baseEnv[name]]] : [])),
  );
  return {
    ...passThroughEnv(baseEnv),
    ...git,
    ...modelEnv(model),
    // As root the CLI refuses its bypassPermissions mode unless IS_SANDBOX is exactly "1", and the
    // VM refuses agents on a /proc without hidepid=2 unless ALLOW_SHARED_PROC=1: the stand-in's
    // Machines are processes of one person's machine, on its /proc.
    ...(runningAsRoot ? { IS_SANDBOX: "1", ALLOW_SHARED_PROC: "1" } : {}),
  };
}

/** The Worker's settings for this mode (the contract's "Per-user agent Machines"). */
export function workerMachinesVars(urls: StackUrls, mode: MachinesMode): Record<string, string> {
  const { settings } = mode;
  return {
    VM_MODE: "machines",
    FLY_API_TOKEN: mode.apiToken,
    FLY_APP: LOCAL_FLY_APP,
    FLY_API_BASE: urls.flyApi,
    FLY_PROXY_URL: urls.flyProxy,
    FLY_IMAGE: LOCAL_FLY_IMAGE,
    MACHINE_IDLE_MS: String(settings.MACHINE_IDLE_MS),
    MACHINE_IDLE_ACTION: settings.MACHINE_IDLE_ACTION,
    ...(settings.MACHINE_RETIRE_DAYS === undefined ? {} : { MACHINE_RETIRE_DAYS: String(settings.MACHINE_RETIRE_DAYS) }),
    ...(settings.ARCHIVE_AFTER_DAYS === undefined ? {} : { ARCHIVE_AFTER_DAYS: settings.ARCHIVE_AFTER_DAYS }),
  };
}

/** dotenv lines; the values are ours (URLs, names, digits, hex), so none needs quoting. */
export function envFileText(vars: Record<string, string>): string {
  return `# Written by npm start -- --machines at each start; edits are lost.\n${Object.entries(vars).map(([key, value]) => `${key}=${value}`).join("\n")}\n`;
}

/**
 * `wrangler dev`'s extra flags: `.dev.vars`, then this mode's settings over it (a later env file
 * wins), and Durable Objects of their own, since the stand-in forgets its Machines when it stops.
 */
export function machinesWorkerArgs(root: string, mode: MachinesMode): string[] {
  const layout = machinesLayout(mode.dataDir);
  return ["--env-file", join(root, ".dev.vars"), "--env-file", layout.workerEnvFile, "--persist-to", layout.workerState];
}

/**
 * The stand-in as a child of the stack (scripts/stack/fly-stand-in.ts runs emulator/fly/main.ts):
 * the token and the secrets in its environment, which only its own user can read, never in its
 * arguments, which every local user can (ps).
 */
export function flyStandInChild(input: { root: string; nodePath: string; host: string; baseEnv: Record<string, string>; urls: StackUrls; ports: { flyApi: number; flyProxy: number }; mode: MachinesMode }): ChildSpec {
  const { mode } = input;
  return {
    name: "fly",
    command: input.nodePath,
    args: [
      "--import", "tsx", "scripts/stack/fly-stand-in.ts",
      "--api-port", String(input.ports.flyApi), "--proxy-port", String(input.ports.flyProxy), "--host", input.host,
      "--data-dir", mode.dataDir, "--app", LOCAL_FLY_APP, "--command", JSON.stringify(mode.vmCommand),
    ],
    cwd: input.root,
    env: { ...input.baseEnv, FLY_API_TOKEN: mode.apiToken, FLY_STAND_IN_SECRETS: JSON.stringify(mode.secrets) },
    // The stand-in's own control route: no token needed, and it answers once both ports listen.
    readyUrl: `${input.urls.flyApi}/__fly/faults`,
  };
}
