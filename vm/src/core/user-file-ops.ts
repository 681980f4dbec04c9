// The file work the server has done in a user's tree, as data, and the `sh` script that does it in
// a child process running as that user (as-user.ts). Every path and every byte goes through the
// child's environment, never its command line: another agent's `ps` would show a command line,
// while a process's environment is readable by its own uid (the user's) and root alone.

/** One step; paths are absolute. Directories the script makes are 700 (its umask is 077). */
export type UserFileOp =
  /** `mkdir -p`. */
  | { op: "mkdir"; path: string }
  /** Replaced whole through a temporary file and a rename: a reader never sees half of it. Its directory is made if missing. */
  | { op: "write"; path: string; text: string; mode: number }
  /** Written only when nothing (not even a dangling link) is there. */
  | { op: "create"; path: string; text: string; mode: number }
  /** `rm -f`: a file or a link, never a directory. */
  | { op: "remove"; path: string }
  /** Removed only when it is a regular file whose bytes start with `prefix` (a file the VM wrote, not the user's own). */
  | { op: "removeIfStarts"; path: string; prefix: string }
  /** `from` (a directory) made `mode`, then renamed onto `to`, which may be an empty directory and nothing else. */
  | { op: "moveInto"; from: string; to: string; mode: number };

export type UserFileScript = { script: string; env: Record<string, string> };

const dirOf = (path: string): string => {
  const cut = path.replace(/\/+$/, "").lastIndexOf("/");
  return cut <= 0 ? "/" : path.slice(0, cut);
};

const octal = (mode: number): string => {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new Error(`not a file mode: ${mode}`);
  return mode.toString(8);
};

/**
 * A file made by the shell's `>` gets 666 less the umask: a mode without execute or special bits
 * is set by the umask around the redirection (builtins only: no `chmod` process), any other by
 * `chmod` after.
 */
const madeWith = (mode: number, target: string, M: string): { before: string; after: string } =>
  (mode & 0o7111) === 0 ? { before: `umask ${(0o777 & ~mode).toString(8).padStart(3, "0")}; `, after: "; umask 077" } : { before: "", after: `; chmod ${M} -- ${target}` };

/** A text the environment can carry: no NUL byte (an environment string ends at the first). */
const carried = (text: string): string => {
  if (text.includes("\0")) throw new Error("a file written as the user cannot hold a NUL byte");
  return text;
};

/**
 * The script and its environment: `set -e`, so the first step that fails ends it with a nonzero
 * status and the tool's own message on stderr (LC_ALL=C: English). Step i reads P<i>, and C<i>,
 * Q<i>, D<i>, M<i> as it needs.
 */
export function userFileScript(ops: readonly UserFileOp[]): UserFileScript {
  const env: Record<string, string> = { LC_ALL: "C" };
  const lines = ["set -e", "umask 077"];
  ops.forEach((step, i) => {
    const ref = (name: string) => `"$${name}${i}"`;
    const [P, C, Q, D, M] = [ref("P"), ref("C"), ref("Q"), ref("D"), ref("M")] as const;
    switch (step.op) {
      case "mkdir":
        env[`P${i}`] = step.path;
        lines.push(`mkdir -p -- ${P}`);
        break;
      case "write": {
        Object.assign(env, { [`P${i}`]: step.path, [`C${i}`]: carried(step.text), [`D${i}`]: dirOf(step.path), [`M${i}`]: octal(step.mode) });
        // The temporary name is unique to this child; `mv -T` never moves into a directory of that name.
        const { before, after } = madeWith(step.mode, `${P}.partial-$$`, M);
        lines.push(`[ -d ${D} ] || mkdir -p -- ${D}`, `${before}printf '%s' ${C} > ${P}.partial-$$${after}`, `mv -fT -- ${P}.partial-$$ ${P}`);
        break;
      }
      case "create": {
        Object.assign(env, { [`P${i}`]: step.path, [`C${i}`]: carried(step.text), [`M${i}`]: octal(step.mode) });
        const { before, after } = madeWith(step.mode, P, M);
        lines.push(`if [ ! -e ${P} ] && [ ! -L ${P} ]; then ${before}printf '%s' ${C} > ${P}${after}; fi`);
        break;
      }
      case "remove":
        env[`P${i}`] = step.path;
        lines.push(`rm -f -- ${P}`);
        break;
      case "removeIfStarts": {
        // `$(…)` drops trailing newlines, from the prefix as from what was read: compared alike.
        const prefix = carried(step.prefix);
        Object.assign(env, { [`P${i}`]: step.path, [`Q${i}`]: prefix.replace(/\n+$/, ""), [`M${i}`]: String(Buffer.byteLength(prefix)) });
        lines.push(`if [ -f ${P} ] && [ ! -L ${P} ] && [ "$(head -c ${M} -- ${P})" = ${Q} ]; then rm -f -- ${P}; fi`);
        break;
      }
      case "moveInto":
        Object.assign(env, { [`P${i}`]: step.from, [`Q${i}`]: step.to, [`M${i}`]: octal(step.mode) });
        lines.push(`chmod ${M} -- ${P}`, `mv -T -- ${P} ${Q}`);
        break;
    }
  });
  return { script: lines.join("\n"), env };
}

/** The errno name a coreutils message stands for (`mkdir: cannot create directory 'x': Permission denied`). */
export function errnoOfMessage(stderr: string): string | null {
  const known: Array<[RegExp, string]> = [
    [/No space left on device/, "ENOSPC"],
    [/Disk quota exceeded/, "EDQUOT"],
    [/Permission denied/, "EACCES"],
    [/Operation not permitted/, "EPERM"],
    [/No such file or directory/, "ENOENT"],
    [/Not a directory/, "ENOTDIR"],
    [/Directory not empty/, "ENOTEMPTY"],
    [/File exists/, "EEXIST"],
    [/Too many levels of symbolic links/, "ELOOP"],
    [/Is a directory/, "EISDIR"],
  ];
  return known.find(([pattern]) => pattern.test(stderr))?.[1] ?? null;
}
