// What an "always" may remember for a shell command, shared by both sides: the relay offers (and
// shows) only such a rule, and the VM refuses to save any other. A prefix rule `Bash(x:*)` allows
// every command that starts with `x`; for a program that runs whatever follows it (an interpreter,
// a shell, `env`, `sudo`, `xargs`, `git`…) that is every command at all, so none is ever saved.

/**
 * Programs whose arguments name what runs (code, a script, another command), by their name without
 * a directory: a rule for any of them would allow anything. Grouped by why.
 */
export const COMMAND_RUNNERS: ReadonlySet<string> = new Set([
  // Interpreters and runtimes: `-e`/`-c`/`-p` or any script file runs any code.
  ...["node", "nodejs", "deno", "bun", "bunx", "tsx", "ts-node", "vite-node", "python", "python2", "python3", "pypy", "pypy3", "ipython", "ruby", "irb", "perl", "php", "lua", "luajit", "Rscript", "R", "julia", "java", "jshell", "groovy", "scala", "kotlin", "elixir", "iex", "erl", "escript", "ghci", "runghc", "swift", "osascript", "tclsh", "expect", "awk", "gawk", "mawk", "nawk", "sed"],
  // Shells: `-c` runs any command line.
  ...["sh", "bash", "zsh", "dash", "ksh", "mksh", "csh", "tcsh", "fish", "pwsh", "busybox"],
  // Run the command that follows them (as given, as someone else, later, elsewhere, or repeatedly).
  ...["env", "sudo", "doas", "su", "runuser", "pkexec", "sg", "xargs", "parallel", "find", "exec", "eval", "command", "builtin", "source", ".", "nohup", "setsid", "timeout", "time", "nice", "ionice", "chrt", "taskset", "stdbuf", "unbuffer", "script", "flock", "watch", "entr", "nodemon", "strace", "ltrace", "gdb", "valgrind", "chroot", "unshare", "nsenter", "prlimit", "systemd-run", "at", "batch", "tmux", "screen", "ssh", "scp", "rsync", "tar", "zip", "make", "vi", "vim", "nvim", "ex", "emacs"],
  // Package runners fetch a package and run it (`npx anything`); containers run any image's command.
  ...["npx", "pnpx", "uvx", "pipx", "docker", "podman", "kubectl"],
  // Git runs commands from its arguments and config (`-c alias.x=!cmd`, `core.pager`, `core.fsmonitor`, hooks).
  "git",
]);

/** Subcommands that run what follows them, for programs that are otherwise fine to remember by subcommand. */
export const RUNNER_SUBCOMMANDS: ReadonlySet<string> = new Set([
  ...["npm exec", "npm x", "npm explore", "pnpm exec", "pnpm dlx", "yarn dlx", "yarn exec", "yarn node", "uv run", "uv tool", "poetry run", "pipenv run", "go run", "cargo run", "gh alias", "gh extension"],
]);

/** The programs that have such a subcommand. */
const WITH_RUNNER_SUBCOMMANDS: ReadonlySet<string> = new Set([...RUNNER_SUBCOMMANDS].map((s) => s.split(" ")[0] ?? ""));

/** The name of a program as typed (`/usr/bin/node`, `./node_modules/.bin/tsx`) without its directory. */
const baseName = (program: string): string => program.slice(program.lastIndexOf("/") + 1);

/**
 * Why a command that starts with `program` (and `sub`, its second word when that reads as a
 * subcommand) may not be remembered as a prefix, in one line the prompt shows; null when it may.
 */
export function runnerRefusal(program: string, sub: string | undefined): string | null {
  if (program.includes("=")) return "a command that starts by setting a variable runs whatever follows it";
  if (!/^[\w./+-]+$/.test(program)) return "the program's name is quoted or escaped";
  const name = baseName(program);
  if (COMMAND_RUNNERS.has(name)) return `${name} runs whatever follows it, so a rule would allow any command`;
  // `npm` alone would cover `npm exec`: such a program is remembered with its subcommand only.
  if (sub === undefined && WITH_RUNNER_SUBCOMMANDS.has(name)) return `${name} without a subcommand would cover ${[...RUNNER_SUBCOMMANDS].find((s) => s.startsWith(`${name} `))}, which runs whatever follows it`;
  if (sub !== undefined && RUNNER_SUBCOMMANDS.has(`${name} ${sub}`)) return `${name} ${sub} runs whatever follows it, so a rule would allow any command`;
  return null;
}

/** A word read as a subcommand (`test` in `npm test`), not an option or a path. */
export const SUBCOMMAND = /^[a-z][\w.-]*$/i;

/** Characters that make a command compound (or expand): such a command is only ever remembered whole. */
export const COMPOUND = /[;&|<>`$\n]/;

/**
 * Whether the Bash rule content an "always" would save (`npm test:*`, or an exact command) is one
 * the VM may write for `command`, the command it was asked about: an exact rule must be that very
 * command; a prefix rule must be the start of it, its program (and subcommand), never a runner's
 * nor, alone, a program's with a runner subcommand (`npm:*` would cover `npm exec`).
 */
export function bashRuleAllowed(ruleContent: string, command: string): boolean {
  const asked = command.trim();
  if (!ruleContent.endsWith(":*")) return ruleContent === asked;
  const prefix = ruleContent.slice(0, -2);
  if (COMPOUND.test(asked) || !(asked === prefix || asked.startsWith(`${prefix} `))) return false;
  const words = prefix.split(" ");
  if (words.length > 2 || words.some((w) => w === "")) return false;
  const [program = "", sub] = words;
  if (sub !== undefined && !SUBCOMMAND.test(sub)) return false;
  return runnerRefusal(program, sub) === null;
}
