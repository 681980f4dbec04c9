// Can this VM run an agent at all? Judged once at start from the model's credentials and from what
// the machine let the server do when it tried (readiness-probe.ts): each problem is one log line,
// a name for GET /health (never a value), and, for what no run can get past, the reason a run is
// refused with.
import type { ConfigProblemReason } from "../../../src/protocol/vm/health";

/** What the server needs from the machine to give each user's agent a uid of its own, and why. */
export const MACHINE_NEEDS = {
  chown: { name: "CAP_CHOWN", use: "hand each user's directories to its agent's uid" },
  fowner: { name: "CAP_FOWNER", use: "set the modes of files its agents own" },
  read: { name: "CAP_DAC_READ_SEARCH", use: "read its agents' directories (checkpoints, staged files, /ship)" },
  switch: { name: "CAP_SETUID/CAP_SETGID", use: "start each agent as its own uid" },
  kill: { name: "CAP_KILL", use: "stop its agents' processes" },
} as const;
export type MachineNeed = keyof typeof MACHINE_NEEDS;

export type ReadinessFacts = {
  /** The model credential variables set and non-empty (ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, CLAUDE_CODE_OAUTH_TOKEN). */
  credentials: readonly string[];
  /**
   * Each need tried for real, with the error code it met (EPERM, EACCES…) or null when it worked;
   * null as a whole where agents run as the server's own user and nothing is switched.
   */
  machine: Record<MachineNeed, string | null> | null;
};

export type StartProblem = {
  /** What /health names: a setting or a capability, never a value. */
  name: string;
  /** The start line's words after "vm: cannot run an agent: ". */
  message: string;
  /** Set when every run would fail on it: the run is refused with this reason instead. */
  refuses: ConfigProblemReason | null;
};

export function readinessProblems(facts: ReadinessFacts): StartProblem[] {
  const problems: StartProblem[] = [];
  if (facts.credentials.length === 0) {
    problems.push({
      name: "ANTHROPIC_API_KEY",
      message: "no model credentials: set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN (with ANTHROPIC_BASE_URL for another endpoint); every run fails until then",
      // The CLI itself says so on each run (auth_failed, no_credentials), as it always has.
      refuses: null,
    });
  }
  for (const need of Object.keys(MACHINE_NEEDS) as MachineNeed[]) {
    const code = facts.machine?.[need];
    if (code === null || code === undefined) continue;
    const { name, use } = MACHINE_NEEDS[need];
    problems.push({
      name,
      message: `${name} is missing (tried: ${code}): the server runs as root but cannot ${use}; grant it to the container (docs/vm.md, capabilities) or set AGENT_UIDS=off`,
      refuses: "missing_capabilities",
    });
  }
  return problems;
}

/** The one problem a run is refused with: the first that refuses, or null. */
export function refusalOf(problems: readonly StartProblem[]): StartProblem | null {
  return problems.find((p) => p.refuses !== null) ?? null;
}

const CREDENTIAL_NAMES = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"] as const;

/** The credential variables a CLI environment sets (names only). */
export function credentialsIn(cliEnv: Record<string, string>): string[] {
  return CREDENTIAL_NAMES.filter((name) => (cliEnv[name] ?? "").trim() !== "");
}
