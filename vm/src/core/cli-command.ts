// The CLI's argument vector and environment for one user's session. Pure: the shell spawns
// exactly this, never through a shell, so no input is ever interpreted as shell syntax.
import { READ_ONLY_RELAY_TOOLS, RELAY_TOOL_NAMES } from "../../../src/protocol/relay-tools";
import type { InputMessage, RunOptions } from "../../../src/protocol/vm/runs";
import { APPROVE_TOOL, MCP_SERVER_NAME } from "./relay-tool-wire";
import { agentSafeEnv } from "./secret-env";

/** Claude Code session ids are UUIDs; `--resume` also accepts a session *title*, which we never want. */
export const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type CliOptions = Pick<RunOptions, "permissionMode" | "appendSystemPrompt" | "scheduleTools" | "approvals" | "forkSession" | "model" | "effort">;

/** The CLI's name for the relay's permission prompt tool. */
export const APPROVE_TOOL_FULL_NAME = `mcp__${MCP_SERVER_NAME}__${APPROVE_TOOL}`;

/**
 * With approvals the mode follows them (`edits`: acceptEdits, `on`: default) and the relay's
 * `permissionMode` is ignored; without, it is the relay's, as before approvals existed.
 */
export function permissionModeOf(options: CliOptions): RunOptions["permissionMode"] {
  // Plan mode changes nothing whatever the approvals: the plan's answer decides what follows.
  if (!options.approvals || options.permissionMode === "plan") return options.permissionMode;
  return options.approvals.mode === "edits" && !options.approvals.untrusted ? "acceptEdits" : "default";
}

/** Whether the run's CLI needs the relay's MCP server: for the schedule tools, or to ask for approvals. */
export function needsRelayMcp(options: CliOptions): boolean {
  return options.scheduleTools || options.approvals !== undefined;
}

/**
 * The CLI's own schedulers (session crons, wake-ups) live and die with its process; with the
 * relay's tools on offer they would only be a wrong turn for the agent.
 */
const CLI_SCHEDULERS = ["CronCreate", "CronDelete", "CronList", "ScheduleWakeup"];

/**
 * The relay tools a run may call without being asked. A run of someone else's text (an event, a
 * trigger: `approvals.untrusted`) may only read them unasked: a task, a time zone or a file it
 * asks for could otherwise be planted by that text and run later as the user's own.
 */
export function relayToolsAllowedUnasked(options: Pick<CliOptions, "approvals">): string[] {
  return options.approvals?.untrusted ? RELAY_TOOL_NAMES.filter((name) => READ_ONLY_RELAY_TOOLS.includes(name)) : [...RELAY_TOOL_NAMES];
}

/**
 * The relay's MCP server: its tools allowed without a prompt as relayToolsAllowedUnasked says (`-p`
 * cannot ask; with approvals the others go to the prompt tool), and with approvals its `approve`
 * tool as the CLI's permission prompt tool, which the model itself may not call.
 */
export function relayToolArgs(mcpConfigPath: string, options: Pick<CliOptions, "scheduleTools" | "approvals"> = { scheduleTools: true }): string[] {
  // `--flag=value`: these options take several values and would swallow the next argument.
  const args = [`--mcp-config=${mcpConfigPath}`];
  const disallowed: string[] = [];
  if (options.scheduleTools) {
    const unasked = relayToolsAllowedUnasked(options);
    if (unasked.length > 0) args.push(`--allowedTools=${unasked.map((name) => `mcp__${MCP_SERVER_NAME}__${name}`).join(",")}`);
    disallowed.push(...CLI_SCHEDULERS);
  }
  if (options.approvals) {
    args.push(`--permission-prompt-tool=${APPROVE_TOOL_FULL_NAME}`);
    disallowed.push(APPROVE_TOOL_FULL_NAME);
  }
  if (disallowed.length > 0) args.push(`--disallowedTools=${disallowed.join(",")}`);
  return args;
}

/**
 * `mcpConfigPath`: the relay tools' MCP config, when the run offers them. `settingsPath`: the
 * user's own "always" rules for the workspace, a file the server keeps (approval-rules.ts), when
 * there are any.
 */
export function cliArgs(options: CliOptions, resume: string | null, mcpConfigPath: string | null = null, settingsPath: string | null = null, projectDir: string | null = null): string[] {
  const args = [
    "-p",
    "--output-format",
    "stream-json",
    "--verbose",
    "--input-format",
    "stream-json",
    // Echoes each consumed user message and reports command_lifecycle events: how the VM
    // knows which input a result answered and which was never read.
    "--replay-user-messages",
    "--permission-mode",
    permissionModeOf(options),
    // What the agent may do unasked is the mode and the user's own answers, nothing it can write:
    // no settings file of the CLI's own (user, project, local: every one in the agent's reach, with
    // its rules, hooks, env, apiKeyHelper, commands' allowed-tools), and no MCP server but the
    // relay's (observed: docs/notes/cli-observations.md, "Settings the agent writes").
    "--setting-sources=",
    "--strict-mcp-config",
  ];
  if (settingsPath) args.push(`--settings=${settingsPath}`);
  // The project's CLAUDE.md is instructions, not permissions: with no project settings source the
  // CLI would skip it, so the workspace is added as a directory whose CLAUDE.md it reads
  // (CLAUDE_CODE_ADDITIONAL_DIRECTORIES_CLAUDE_MD in cliEnv); its settings files stay unread
  // (observed: docs/notes/cli-observations.md, "Settings the agent writes").
  if (projectDir) args.push(`--add-dir=${projectDir}`);
  // `--flag=value` so a value that starts with "-" is never read as an option.
  if (options.appendSystemPrompt) args.push(`--append-system-prompt=${options.appendSystemPrompt}`);
  // The conversation's model and effort, at every start (a resume takes the session's history, not its model).
  if (options.model) args.push(`--model=${options.model}`);
  if (options.effort) args.push(`--effort=${options.effort}`);
  if (resume) args.push(`--resume=${resume}`);
  // A new session id that starts from the resumed one's history; the resumed session's file is
  // left as it was (observed: docs/notes/cli-observations.md, "--fork-session").
  if (resume && options.forkSession) args.push("--fork-session");
  if (mcpConfigPath) args.push(...relayToolArgs(mcpConfigPath, options));
  return args;
}

/**
 * Same process, same options: a warm CLI may take the next run only if this matches. `env`: what
 * the process was started with beyond the fixed allow-list (the run's git identity).
 */
export function optionsFingerprint(options: CliOptions, env: Record<string, string> = {}): string {
  const base = [options.permissionMode, options.appendSystemPrompt ?? "", options.scheduleTools, Object.entries(env).sort()];
  // Without approvals the fingerprint is what it was before them.
  // An untrusted run's process has none of the user's rules: it never takes a trusted run, nor the reverse.
  const approvals = options.approvals ? [options.approvals.mode, options.approvals.timeoutMs, ...(options.approvals.untrusted ? ["untrusted"] : [])] : [];
  // A forked run's process must never take up the session it forked from (nor the reverse): it
  // would write into the user's own session.
  const fork = options.forkSession ? ["fork"] : [];
  // A warm process runs the model and effort it started with: another conversation's choice needs its own.
  const steer = options.model || options.effort ? [`model:${options.model ?? ""}`, `effort:${options.effort ?? ""}`] : [];
  return JSON.stringify(options.approvals || options.forkSession || steer.length > 0 ? [...base, ...approvals, ...fork, ...steer] : base);
}

/**
 * How long the run's process stays warm after it (undefined: the VM's own WARM_SESSION_MS). A plan
 * run's ends with it: the plan's answer set the process's mode (acceptEdits, default), which its
 * fingerprint ("plan") no longer says, so it must never take the next plan run.
 */
export function keepWarmAfter(options: Pick<RunOptions, "permissionMode" | "keepWarmMs">): number | undefined {
  return options.permissionMode === "plan" ? 0 : options.keepWarmMs;
}

/** What the CLI runs as one of its own commands: `/name` or `/plugin:name`, alone or with arguments. */
const SLASH_COMMAND = /^\/[A-Za-z0-9][\w:.-]*(\s|$)/;

export function isSlashCommand(text: string): boolean {
  return SLASH_COMMAND.test(text);
}

/**
 * A request's messages as stdin turns: one turn, joined with blank lines, except that a first
 * message that is a slash command goes alone. The CLI reads a whole turn's text as the command
 * and its arguments, so "/compact" joined with "fix the test" would run /compact with the
 * instructions "fix the test" and never answer it (observed, docs/vm.md).
 */
export function turnsOf(messages: InputMessage[]): InputMessage[][] {
  const [first, ...rest] = messages;
  if (first && rest.length > 0 && isSlashCommand(first.text)) return [[first], rest];
  return messages.length > 0 ? [messages] : [];
}

export type CliEnvInput = {
  /** The VM's own PATH and locale, so the agent finds git, node and a shell. */
  inherited: { PATH?: string; LANG?: string; TZ?: string };
  home: string;
  /** The user's own temporary directory: TMPDIR and the CLI's CLAUDE_CODE_TMPDIR, whatever the operator passes. */
  tmp: string;
  /** ANTHROPIC_*, CLAUDE_CODE_*, IS_SANDBOX, proxies: passed through unchanged. */
  passThrough: Record<string, string>;
  /** The run's own variables (its git identity); never a secret. */
  run?: Record<string, string>;
};

/**
 * An allow-list, not the VM's environment: VM_TOKEN and anything else the server holds never
 * reach the agent's shell. The fixed values keep a headless server quiet (no auto-update, no
 * telemetry); the operator's pass-through variables may override them.
 */
export function cliEnv(input: CliEnvInput): Record<string, string> {
  const env: Record<string, string> = {
    PATH: input.inherited.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    LANG: input.inherited.LANG ?? "C.UTF-8",
    HOME: input.home,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_TELEMETRY: "1",
    // No terminal to ask on: git fails at once where it would wait for a username.
    GIT_TERMINAL_PROMPT: "0",
    // With --add-dir of the workspace (cliArgs): its CLAUDE.md is read, nothing else of its settings.
    CLAUDE_CODE_ADDITIONAL_DIRECTORIES_CLAUDE_MD: "1",
    ...input.run,
    // Without the secrets the server holds or drops (core/secret-env.ts).
    ...agentSafeEnv(input.passThrough),
    // The CLI's temporary root (`<CLAUDE_CODE_TMPDIR or TMPDIR>/claude-<uid>`, refused when another
    // uid owns it) in the user's own tree, after the pass-through: an operator's shared value
    // (`/tmp`) would let one agent make every other uid's directory first.
    TMPDIR: input.tmp,
    CLAUDE_CODE_TMPDIR: input.tmp,
  };
  if (input.inherited.TZ) env.TZ = input.inherited.TZ;
  return env;
}
