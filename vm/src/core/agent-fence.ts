// Keeps one run's processes out of another's of the same user: each agent process starts in a
// Landlock domain of its own, and the kernel lets a process in a domain ptrace, read the memory or
// environment of, or take a file from, only processes of its own domain or one nested in it. So a
// run (an issue's, say) cannot act from inside a sibling run whose requests the credential proxy
// trusts by process. Node cannot make the calls; a `perl` line does (perl-base is in every Debian
// image, and the proxy's peer lookup uses it already), then execs the CLI: same pid, the domain
// kept across exec and inherited by all it starts. Pure: the script and the reading of its answers.
import { constants } from "node:os";

/** The launcher that puts the CLI in a domain of its own, where the kernel has Landlock (ABI 2 or later). */
export type AgentFence = { bin: string; script: string };

/** prctl's syscall number; Landlock's three are the same on every architecture (444-446). */
const PRCTL: Record<string, number> = { x64: 157, arm64: 167 };
const PR_SET_NO_NEW_PRIVS = 38;
// Handled: making block devices (no agent may anyway) and moving a file across directories, which
// Landlock denies to every domain unless a rule grants it: the rule beneath / grants it everywhere.
// So the domain restricts nothing of the file system, only reach into other domains' processes.
const MAKE_BLOCK = 1 << 11;
const REFER = 1 << 13;
/** Before ABI 2 a domain can never move files across directories (git could not write objects). */
export const FENCE_MIN_ABI = 2;
const EXEC_FAILED = "relay-fence-exec-failed:";

/** The perl script for `arch` (process.arch), or null where its syscall numbers are not known. */
export function fenceScript(arch: string): string | null {
  const prctl = PRCTL[arch];
  if (prctl === undefined) return null;
  return [
    // no_new_privs, which Landlock requires of an unprivileged caller (the image's server has it already).
    `syscall(${prctl}, ${PR_SET_NO_NEW_PRIVS}, 1, 0, 0, 0) == 0 or die "relay-fence: no_new_privs: $!\\n";`,
    `if (@ARGV && $ARGV[0] eq "--abi") { print syscall(444, 0, 0, 1); exit 0 }`,
    // perl passes a string argument as a pointer: they must be variables, not temporaries.
    `my $attr = pack("Q", ${MAKE_BLOCK | REFER});`,
    `my $ruleset = syscall(444, $attr, 8, 0);`,
    `$ruleset >= 0 or die "relay-fence: landlock_create_ruleset: $!\\n";`,
    `sysopen(my $root, "/", 0) or die "relay-fence: /: $!\\n";`,
    `my $rule = pack("Ql", ${REFER}, fileno($root));`,
    `syscall(445, $ruleset, 1, $rule, 0) == 0 or die "relay-fence: landlock_add_rule: $!\\n";`,
    `syscall(446, $ruleset, 0) == 0 or die "relay-fence: landlock_restrict_self: $!\\n";`,
    `exec { $ARGV[0] } @ARGV;`,
    // The errno by number: the CLI's own spawn error (ENOENT, EACCES) is then named as before.
    `print STDERR "${EXEC_FAILED} " . ($! + 0) . "\\n";`,
    `exit 127;`,
  ].join("\n");
}

/** What to spawn for `bin args`: the same, or the launcher with them after it. */
export function fencedCommand(fence: AgentFence | null, bin: string, args: readonly string[]): { bin: string; args: string[] } {
  return fence ? { bin: fence.bin, args: ["-e", fence.script, "--", bin, ...args] } : { bin, args: [...args] };
}

/** The errno code (ENOENT…) of an exec the launcher could not make, from its exit and stderr; else null. */
export function fenceExecError(code: number | null, stderrTail: string): string | null {
  if (code !== 127) return null;
  const errno = new RegExp(`^${EXEC_FAILED} (\\d+)$`, "m").exec(stderrTail)?.[1];
  if (errno === undefined) return null;
  return Object.entries(constants.errno).find(([, n]) => n === Number(errno))?.[0] ?? `errno ${errno}`;
}

export type FenceFacts = {
  /** The ABI the launcher's probe printed; null where it did not run (no perl, no Landlock). */
  landlockAbi: number | null;
  /** /proc/sys/kernel/yama/ptrace_scope; null where the kernel has no Yama. */
  ptraceScope: number | null;
};

/** How the VM's agents are kept from each other's processes: its start line, and whether to fence. */
export function fenceReport(facts: FenceFacts): { fence: boolean; line: string } {
  const yama =
    facts.ptraceScope === null
      ? "the kernel has no Yama"
      : facts.ptraceScope >= 1
        ? `Yama's ptrace_scope is ${facts.ptraceScope}: a process may attach only to its own descendants`
        : "Yama's ptrace_scope is 0";
  if (facts.landlockAbi !== null && facts.landlockAbi >= FENCE_MIN_ABI) {
    return { fence: true, line: `vm: each agent process starts in a Landlock domain of its own (ABI ${facts.landlockAbi}): no run reads the memory or environment of another, or attaches to it; ${yama}` };
  }
  const landlock = facts.landlockAbi === null ? "the kernel has no Landlock (or perl is missing)" : `Landlock's ABI ${facts.landlockAbi} is older than ${FENCE_MIN_ABI}`;
  if (facts.ptraceScope !== null && facts.ptraceScope >= 1) return { fence: false, line: `vm: ${landlock}; ${yama}, so no run attaches to another; each can still read the environment of the others of its user` };
  return { fence: false, line: `vm: ${landlock} and ${yama}: a run can attach to, and read the memory of, another run of the same user (docs/vm.md, what the agent can reach)` };
}
