// What the local stack runs: each child's command, arguments, environment and health URL, built
// from the ports, `.dev.vars`, the model choice and the mode (one shared VM, or a Machine per
// phone: machines-plan.ts). Pure, so the wiring is tested without processes.
import type { LocalVars } from "./dev-vars";
import { HOST, localUrls, type ChildName, type ChildSpec, type Ports, type StackUrls } from "./stack-children";
import { githubChild, githubVmEnv, type GithubPlan } from "./github-plan";
import { flyStandInChild, machinesWorkerArgs, type MachinesMode } from "./machines-plan";
import { modelEnv, type ModelChoice } from "./model-choice";
import { simulatorTelegramUsers, telegramWorkerArgs, type TelegramPlan } from "./telegram-plan";
import { SPEECH_PATH } from "./speech-path";
import { TRANSCRIBE_PATH } from "./transcribe-path";

/** `shared`: one agent VM serves every phone; `machines`: the Fly stand-in gives each phone a Machine. */
export type StackMode =
  | {
      kind: "shared";
      /** The VM's DATA_DIR; absolute, so its sessions stay where they are whatever its working directory. */
      dataDir: string;
    }
  | MachinesMode;

export type StackInput = {
  root: string;
  ports: Ports;
  vars: LocalVars;
  model: ModelChoice;
  mode: StackMode;
  /** The shell's environment: every child inherits it, under the stack's own settings. */
  baseEnv: Readonly<Record<string, string | undefined>>;
  nodePath: string;
  wranglerCli: string;
  runningAsRoot: boolean;
  /** The Bot API stand-in and what the Worker uses; none: neither runs (tests that do without). */
  telegram?: TelegramPlan;
  /** The GitHub stand-in and whether the VM uses it; none: it does not run. */
  github?: GithubPlan;
  /**
   * The port of wrangler's inspector. Unset (`npm start`): wrangler takes 9229 or the next free
   * one. Stacks that start side by side (the end-to-end tests) each give one of their own: wrangler
   * checks that a port is free and binds it later, so two starting together could both take 9229,
   * and the second exits with "Address already in use (socket direct:1:default)" (seen with two
   * `npm test` side by side).
   */
  inspectorPort?: number;
};

const E164 = /^\+[1-9]\d{6,14}$/;
const KNOWN_NAMES: Record<string, string> = { "+15551230001": "Alice", "+15551230002": "Bob" };

export function allowedNumbers(allowedSenders: string): { valid: string[]; invalid: string[] } {
  const entries = allowedSenders.split(",").map((entry) => entry.trim()).filter(Boolean);
  return { valid: entries.filter((e) => E164.test(e)), invalid: entries.filter((e) => !E164.test(e)) };
}

/** The simulator offers exactly the allowed numbers, so every identity it offers gets answers. */
export function simulatorUsers(allowedSenders: string): string | undefined {
  const { valid } = allowedNumbers(allowedSenders);
  if (valid.length === 0) return undefined;
  return valid.map((phone) => `${phone}:${KNOWN_NAMES[phone] ?? phone}`).join(",");
}

function definedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The offline model's long run lasts about a minute; the relay's first update comes after a minute by default. */
export const OFFLINE_PROGRESS_VARS = ["--var", "PROGRESS_AFTER_MS:20000", "--var", "PROGRESS_EVERY_MS:20000"] as const;

export function planStack(input: StackInput): ChildSpec[] {
  const urls = localUrls(input.ports);
  const base = definedEnv(input.baseEnv);
  const { mode } = input;
  const tsx = (script: string) => ({ command: input.nodePath, args: ["--import", "tsx", script], cwd: input.root });
  const children: ChildSpec[] = [];

  children.push({
    name: "worker",
    command: input.nodePath,
    // Settings from `.dev.vars`, Durable Object state persisted under `.wrangler/state` (shared mode).
    args: [
      input.wranglerCli, "dev", "--ip", HOST, "--port", String(input.ports.worker), "--show-interactive-dev-session=false",
      ...(input.inspectorPort === undefined ? [] : ["--inspector-port", String(input.inspectorPort)]),
      // Offline, voice notes are heard by the offline model's stand-in of Workers AI's Whisper, and
      // spoken replies made by its stand-in of the speech model; updates come every 20 s: its
      // minute of long work ("take a minute to …") shows them. And a /handoff line tells the
      // laptop's claude where the offline model is.
      ...(input.model.kind === "offline"
        ? ["--var", `TRANSCRIBER_URL:${urls.model}${TRANSCRIBE_PATH}`, "--var", `SPEECH_URL:${urls.model}${SPEECH_PATH}`, ...OFFLINE_PROGRESS_VARS, "--var", `LAPTOP_MODEL_URL:${urls.model}`]
        : []),
      ...(mode.kind === "machines" ? machinesWorkerArgs(input.root, mode) : []),
      ...(input.telegram ? telegramWorkerArgs(input.telegram, urls.telegram) : []),
      // The GitHub stand-in the VM uses: /github watch registers its webhook there itself.
      ...(input.github?.vmUsesStandIn ? ["--var", `GITHUB_STAND_IN_URL:${urls.github}`] : []),
    ],
    cwd: input.root,
    env: {
      // The Worker reads request.cf nowhere; fetching it only fails (noisily) offline.
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      ...base,
      WRANGLER_SEND_METRICS: "false",
      // The machines settings come in env files, which a shell's `false` here would have wrangler skip.
      ...(mode.kind === "machines" ? { CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true" } : {}),
    },
    readyUrl: `${urls.worker}/health`,
  });

  children.push(
    mode.kind === "shared"
      ? sharedVmChild(input, mode.dataDir, base, urls)
      : // Each Machine's VM gets the GitHub stand-in as the shared VM does, among the app's secrets.
        flyStandInChild({ root: input.root, nodePath: input.nodePath, host: HOST, baseEnv: base, urls, ports: input.ports, mode: input.github ? { ...mode, secrets: { ...mode.secrets, ...githubVmEnv(input.github, urls.github) } } : mode }),
  );

  // An EMULATOR_USERS from the shell (`+1555…:Name,…`) names the simulator's people itself.
  const users = base.EMULATOR_USERS ?? simulatorUsers(input.vars.ALLOWED_SENDERS);
  children.push({
    name: "twilio",
    ...tsx("emulator/main.ts"),
    env: {
      ...base,
      EMULATOR_PORT: String(input.ports.twilio),
      EMULATOR_HOST: HOST,
      TWILIO_ACCOUNT_SID: input.vars.TWILIO_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: input.vars.TWILIO_AUTH_TOKEN,
      TWILIO_WHATSAPP_FROM: input.vars.TWILIO_WHATSAPP_FROM,
      ...(input.vars.TWILIO_TEMPLATE_SID ? { TWILIO_TEMPLATE_SID: input.vars.TWILIO_TEMPLATE_SID } : {}),
      RELAY_URL: urls.worker,
      ...(users ? { EMULATOR_USERS: users } : {}),
      // The simulator's Telegram view reaches the Bot API stand-in through the emulator (one origin).
      ...(input.telegram ? { TELEGRAM_STAND_IN_URL: urls.telegram, TELEGRAM_USERS: simulatorTelegramUsers(input.telegram) } : {}),
    },
    readyUrl: `${urls.twilio}/`,
  });

  if (input.telegram) {
    children.push({
      name: "telegram",
      ...tsx("emulator/telegram/main.ts"),
      // The token in the environment, not the arguments (which every local user can read with ps).
      env: { ...base, TELEGRAM_BOT_TOKEN: input.telegram.token, TELEGRAM_EMULATOR_PORT: String(input.ports.telegram), TELEGRAM_EMULATOR_HOST: HOST },
      readyUrl: `${urls.telegram}/`,
    });
  }
  if (input.github) {
    children.push(githubChild({ root: input.root, nodePath: input.nodePath, host: HOST, port: input.ports.github, url: urls.github, baseEnv: base, plan: input.github }));
  }

  if (input.model.kind === "offline") {
    children.push({
      name: "model",
      ...tsx("test/stand-ins/anthropic-api-main.ts"),
      env: { ...base, ANTHROPIC_STAND_IN_PORT: String(input.ports.model), ANTHROPIC_STAND_IN_HOST: HOST },
      readyUrl: `${urls.model}/`,
    });
  }
  return children;
}

/** The shared mode's one agent VM, run as a user runs it (`npm run vm`). */
function sharedVmChild(input: StackInput, dataDir: string, base: Record<string, string>, urls: StackUrls): ChildSpec {
  const vmEnv: Record<string, string> = {
    ...base,
    PORT: String(input.ports.vm),
    // Loopback only: the VM runs commands for whoever holds the token.
    HOST,
    VM_TOKEN: input.vars.VM_TOKEN,
    DATA_DIR: dataDir,
    // After a restart the VM wakes the objects whose runs it cut (POST {RELAY_URL}/vm/wake).
    RELAY_URL: urls.worker,
    // Nothing restarts a local VM that exits when idle, as Fly does; keep it up unless asked.
    IDLE_TIMEOUT_MS: base.IDLE_TIMEOUT_MS ?? "0",
    ...modelEnv(input.model),
    ...(input.github ? githubVmEnv(input.github, urls.github) : {}),
  };
  // As root the CLI refuses its bypassPermissions mode unless IS_SANDBOX is exactly "1", and the VM
  // refuses agents on a /proc without hidepid=2 unless ALLOW_SHARED_PROC=1: a local stack is one
  // person's, whose /proc is the host's.
  if (input.runningAsRoot) Object.assign(vmEnv, { IS_SANDBOX: "1", ALLOW_SHARED_PROC: "1" });
  return { name: "vm", command: "npm", args: ["run", "--silent", "vm"], cwd: input.root, env: vmEnv, readyUrl: `${urls.vm}/health` };
}
