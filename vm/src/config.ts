// The VM's configuration: parsed once with zod, from the environment (`loadVmConfig`) or from a
// caller that starts the server in-process (`VmConfigSchema.parse`). Fails closed on VM_TOKEN.
import { resolve } from "node:path";
import * as z from "zod";
import { HEARTBEAT_INTERVAL_MS } from "../../src/protocol/vm/routes";
import { resolveClaudeBin } from "./claude-bin";
import { isLoopbackHttp } from "./core/clone-policy";
import { FLY_API_SOCKET } from "./core/machine-isolation";

const Millis = z.coerce.number().int().nonnegative();

/** https://, or http:// on loopback (a local GitHub stand-in); no trailing slash. */
const GithubOrigin = z
  .string()
  .url()
  .refine((url) => url.startsWith("https://") || isLoopbackHttp(url), "must be https://, or http:// on 127.0.0.1 or localhost")
  .transform((url) => url.replace(/\/+$/, ""));

export const VmConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default("0.0.0.0"),
  vmToken: z.string().trim().min(1, "VM_TOKEN is required: the VM refuses to start without its shared secret"),
  /**
   * The relay Worker's base URL (RELAY_URL): where the VM sends its wake after a restart
   * (runs/relay-wake.ts). Unset: no wake, the relay finds the VM back by its own probes.
   */
  relayUrl: z
    .string()
    .url()
    .refine((url) => url.startsWith("https://") || isLoopbackHttp(url), "RELAY_URL must be https://, or http:// on 127.0.0.1 or localhost")
    .transform((url) => url.replace(/\/+$/, ""))
    .optional(),
  /** Absolute, so a session's working directory (and so `--resume`) is the same after a restart. */
  dataDir: z.string().min(1).transform((dir) => resolve(dir)),
  claudeBin: z.string({ error: "CLAUDE_BIN is not set and @anthropic-ai/claude-code is not installed" }).min(1),
  idleTimeoutMs: Millis.default(1_800_000),
  /** /shot's browser closes after this long with no picture (shots/shooter.ts). */
  shotIdleMs: Millis.default(60_000),
  /** How long a CLI process stays alive after its run is done, for the next message. 0 disables. */
  warmSessionMs: Millis.default(600_000),
  /**
   * Spare CLIs the VM keeps started ahead for users' next new sessions (runs/spare-agents.ts), at
   * most one per user, each for WARM_SESSION_MS. 0 here, for callers that start the server
   * in-process (tests of other behaviour); the server as run (SPARE_AGENTS) keeps 2 unless set.
   */
  spareAgents: z.coerce.number().int().min(0).max(16).default(0),
  /** The VM's own maximum for a run; a shorter `timeLimitMs` from the relay wins. */
  runTimeLimitMs: Millis.default(3_600_000),
  /** SIGTERM to a run's process group, then SIGKILL after this long. */
  stopGraceMs: Millis.default(5_000),
  heartbeatMs: Millis.default(HEARTBEAT_INTERVAL_MS),
  /** A relay tool call the relay has not answered by then returns an error to the agent. */
  toolCallTimeoutMs: z.coerce.number().int().positive().default(60_000),
  /** A CLI output line longer than this is dropped (a huge tool output), never buffered whole. */
  maxLineBytes: Millis.default(8 * 1024 * 1024),
  /** Run logs under DATA_DIR/.runs older than this are deleted at start. */
  runRetentionMs: Millis.default(7 * 24 * 3_600_000),
  /** Passed to every CLI process on top of the VM's own fixed variables (see cli-env.ts). */
  cliEnv: z.record(z.string(), z.string()).default({}),
  /** GitHub for the agent's git and gh, through a credential helper: never in its environment. */
  githubToken: z.string().trim().min(1).optional(),
  /** The git host GITHUB_TOKEN is for; plain http:// only for a stand-in on this machine (clone-policy.ts). */
  githubUrl: GithubOrigin.default("https://github.com"),
  /** GitHub's REST API, where gh's requests go. */
  githubApiBase: GithubOrigin.default("https://api.github.com"),
  /** Other hosts, in git's credential-store format (one `https://user:secret@host` per line). */
  gitCredentials: z.string().optional(),
  /**
   * `auto`: as root, each user's agent runs as a uid of its own (not root: as the server, and it
   * says so at start); `off`: every agent runs as the server's user, root included.
   */
  agentUids: z.enum(["auto", "off"]).default("auto"),
  /**
   * As root, agents are refused while /proc is mounted without hidepid=2 (each would see every
   * other's command lines), unless this is set (ALLOW_SHARED_PROC=1: one person's VM, a laptop).
   */
  allowSharedProc: z.union([z.boolean(), z.enum(["0", "1"]).transform((v) => v === "1")], { error: "ALLOW_SHARED_PROC must be 1 or unset" }).default(false),
  /** Fly's Machines API socket, which no agent uid may open (core/machine-isolation.ts); elsewhere only in tests. */
  flyApiSocket: z.string().min(1).default(FLY_API_SOCKET),
  /** Where to name agent uids in `passwd` and `group` (the image: /etc; ssh needs it), or null. */
  agentAccountsDir: z.string().min(1).nullable().default(null),
  /** Tests only: also clone from absolute local paths and file:// URLs. */
  allowLocalClones: z.boolean().default(false),
  /** A clone still running after this long is stopped (`timeout`). */
  cloneTimeoutMs: z.coerce.number().int().positive().default(300_000),
  /** A clone whose directory grows past this many MB is stopped (`too_large`). */
  cloneMaxMb: z.coerce.number().positive().default(2048),
  /** One attachment's whole download from the relay; past it the agent is told it could not be fetched. */
  mediaTimeoutMs: z.coerce.number().int().positive().default(120_000),
  /** A file `send_file` staged stays this long after its run ended, for the relay to fetch again. */
  stagedFileGraceMs: Millis.default(600_000),
  /**
   * `on`: each run's files are recorded before and after it (its change, /undo, /redo);
   * `off`: nothing is recorded, for measuring what checkpoints cost (bench/checkpoints/).
   */
  checkpoints: z.enum(["on", "off"]).default("on"),
  /**
   * `log`: each run's timing marks (received, spawned, written, model_request, …) go to stdout as
   * JSON lines with epoch ms, to trace where a warm message's time goes (bench's warm-path section).
   */
  timing: z.enum(["off", "log"]).default("off"),
});
export type VmConfig = z.infer<typeof VmConfigSchema>;
export type VmConfigInput = z.input<typeof VmConfigSchema>;

/** Variables passed through to the CLI unchanged when set. Never VM_TOKEN. */
const PASSED_THROUGH = /^(ANTHROPIC_[A-Z0-9_]+|CLAUDE_CODE_[A-Z0-9_]+|IS_SANDBOX|HTTPS?_PROXY|NO_PROXY|NODE_EXTRA_CA_CERTS)$/;

export function passThroughEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => PASSED_THROUGH.test(entry[0]) && entry[1] !== undefined),
  );
}

/** Spares of `npm run vm` and the image: two users' next new sessions start at once (docs/notes/cold-path.md). */
export const DEFAULT_SPARE_AGENTS = "2";

/** Reads the contract's variables (plus the VM's own optional ones) from an environment. */
export function loadVmConfig(env: NodeJS.ProcessEnv): VmConfig {
  const input: Record<string, unknown> = {
    port: env.PORT,
    host: env.HOST,
    vmToken: env.VM_TOKEN ?? "",
    relayUrl: env.RELAY_URL,
    dataDir: env.DATA_DIR ?? ".data",
    claudeBin: env.CLAUDE_BIN || resolveClaudeBin(),
    idleTimeoutMs: env.IDLE_TIMEOUT_MS,
    shotIdleMs: env.SHOT_IDLE_MS,
    warmSessionMs: env.WARM_SESSION_MS,
    spareAgents: env.SPARE_AGENTS ?? DEFAULT_SPARE_AGENTS,
    runTimeLimitMs: env.RUN_TIME_LIMIT_MS,
    stopGraceMs: env.STOP_GRACE_MS,
    heartbeatMs: env.HEARTBEAT_MS,
    toolCallTimeoutMs: env.TOOL_CALL_TIMEOUT_MS,
    cliEnv: passThroughEnv(env),
    githubToken: env.GITHUB_TOKEN,
    githubUrl: env.GITHUB_URL,
    githubApiBase: env.GITHUB_API_BASE,
    gitCredentials: env.GIT_CREDENTIALS,
    allowLocalClones: env.ALLOW_LOCAL_CLONES === undefined ? undefined : env.ALLOW_LOCAL_CLONES === "1",
    cloneTimeoutMs: env.CLONE_TIMEOUT_MS,
    cloneMaxMb: env.CLONE_MAX_MB,
    mediaTimeoutMs: env.MEDIA_TIMEOUT_MS,
    agentUids: env.AGENT_UIDS,
    allowSharedProc: env.ALLOW_SHARED_PROC,
    agentAccountsDir: env.AGENT_PASSWD === "1" ? "/etc" : undefined,
    checkpoints: env.CHECKPOINTS,
    timing: env.VM_TIMING,
  };
  for (const key of Object.keys(input)) if (input[key] === undefined || input[key] === "") delete input[key];
  if (input.vmToken === undefined) input.vmToken = "";
  return VmConfigSchema.parse(input);
}

/** One line per problem, for a refusal to start that a human reads in a log. */
export function describeConfigError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "config"}: ${issue.message}`).join("; ");
}
