// Can an agent's uid run the CLI where npm put it? An agent owns none of the directories on the way
// and is in none of their groups, so only the "others" bits count: search (x) on every directory,
// execute on the file, and read too when the kernel hands the file to an interpreter (`#!`). When
// it cannot (a checkout under root's 0700 home), the VM installs a copy for agents (cli-install.ts).
import { createHash } from "node:crypto";

export type PathStat = { path: string; mode: number; isDirectory: boolean };

/** What the file is: a native executable, or a script run by the interpreter of its `#!` line. */
export type CliKind = { kind: "native" } | { kind: "script"; interpreter: string };

export function cliKindOf(head: string): CliKind {
  if (!head.startsWith("#!")) return { kind: "native" };
  const line = head.slice(2).split("\n")[0] ?? "";
  return { kind: "script", interpreter: line.trim() };
}

/** The interpreter's program name (`node` in `#!/usr/bin/env node` or `#!/usr/local/bin/node --flag`). */
export function interpreterNameOf(interpreter: string): string {
  const words = interpreter.split(/\s+/).filter(Boolean);
  const program = words[0]?.endsWith("/env") ? words.slice(1).find((w) => !w.startsWith("-")) : words[0];
  return program?.split("/").pop() ?? "";
}

/**
 * `chain`: every directory from the root down, then the file itself (the resolved path's, and the
 * given path's when a symlink leads there). `module`: a file an interpreter reads, never executed. Null when others may run it, else the first path
 * that stops them.
 */
export function closedToOthers(chain: readonly PathStat[], kind: CliKind["kind"] | "module"): string | null {
  for (const entry of chain) {
    if (entry.isDirectory) {
      if ((entry.mode & 0o001) === 0) return entry.path;
      continue;
    }
    // A native file is executed, a script executed and read, a module (what node loads) read.
    const needs = { native: 0o001, script: 0o005, module: 0o004 }[kind];
    if ((entry.mode & needs) !== needs) return entry.path;
  }
  return null;
}

/**
 * The installed copy's directory name: the package's version, and a digest of where the file is,
 * its size and its modification time, so a reinstalled or replaced CLI gets a copy of its own.
 */
export function installKeyOf(file: { version: string | null; realPath: string; size: number; mtimeMs: number }): string {
  const digest = createHash("sha256").update(`${file.realPath}\n${file.size}\n${Math.trunc(file.mtimeMs)}`).digest("hex").slice(0, 12);
  const version = file.version && /^[0-9A-Za-z.+-]{1,40}$/.test(file.version) ? file.version : "unversioned";
  return `${version}-${digest}`;
}
