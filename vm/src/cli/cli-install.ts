// The CLI as agents run it. A root VM runs agents as uids of their own; when the CLI npm installed
// is out of their reach (a checkout under root's 0700 home), the server installs it for them under
// DATA_DIR/.cli/<version>-<digest>/, root's and readable by all, instead of opening the home up:
// a hard link when the file is already readable and executable by all (same filesystem), else a
// copy (a reflink where the filesystem has them). A `#!` script gets its whole package, the node
// that runs this server and a small launcher. Built in a temporary directory and renamed into place.
import { constants, copyFileSync, cpSync, chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, closeSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { closedToOthers, cliKindOf, installKeyOf, interpreterNameOf, type CliKind, type PathStat } from "../core/cli-reach";
import { resolveInside } from "../users/user-paths";

export type AgentCli = { bin: string; /** What the VM logs about it at start, if anything. */ line: string | null };

export const cliInstallDirOf = (dataDir: string) => resolveInside(dataDir, ".cli");

/** Every directory from `/` down to the file, then the file (stat follows symlinks). */
export function chainOf(path: string): PathStat[] {
  const parts = path.split(sep).filter(Boolean);
  return ["/", ...parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}`)].map((p) => {
    const stat = statSync(p);
    return { path: p, mode: stat.mode, isDirectory: stat.isDirectory() };
  });
}

function headOf(path: string): string {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(256);
    return buffer.subarray(0, readSync(fd, buffer, 0, 256, 0)).toString("latin1");
  } finally {
    closeSync(fd);
  }
}

/** The nearest package.json above the file: its directory and version. */
function packageOf(file: string): { dir: string; version: string | null } {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: unknown };
      return { dir, version: typeof manifest.version === "string" ? manifest.version : null };
    } catch {
      // None here: one level up.
    }
  }
  return { dir: dirname(file), version: null };
}

/** A hard link when others may already read and run it (nothing changes for anyone), else a copy made so. */
export function place(from: string, to: string): "link" | "copy" {
  if ((statSync(from).mode & 0o005) === 0o005) {
    try {
      linkSync(from, to);
      return "link";
    } catch {
      // Another filesystem, or links refused: a copy.
    }
  }
  copyFileSync(from, to, constants.COPYFILE_FICLONE);
  chmodSync(to, 0o755);
  return "copy";
}

/** A copied tree readable by all, and what its owner may run, by all too. */
function openTree(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path)) openTree(join(path, entry));
  } else chmodSync(path, (stat.mode & 0o777) | 0o444 | (stat.mode & 0o100 ? 0o111 : 0));
}

function build(tmp: string, target: string, real: string, kind: CliKind, pkgDir: string): "link" | "copy" {
  if (kind.kind === "native") return place(real, join(tmp, "claude"));
  cpSync(pkgDir, join(tmp, "package"), { recursive: true, dereference: true });
  openTree(join(tmp, "package"));
  const script = join(target, "package", relative(pkgDir, real));
  const byNode = interpreterNameOf(kind.interpreter) === "node";
  const how = byNode ? place(process.execPath, join(tmp, "node")) : "copy";
  const command = byNode ? `"${join(target, "node")}" "${script}"` : `"${script}"`;
  writeFileSync(join(tmp, "claude"), `#!/bin/sh\nexec ${command} "$@"\n`, { mode: 0o755 });
  return how;
}

/** Installs the CLI for agents when they cannot run `bin` where it is; otherwise `bin` as it is. */
export function cliForAgents(bin: string, dataDir: string): AgentCli {
  // A bare name is found on PATH by spawn: nothing to judge here.
  if (!bin.includes("/")) return { bin, line: null };
  let real: string;
  try {
    real = realpathSync(bin);
  } catch {
    return { bin, line: null }; // Missing: the startup check says so.
  }
  // Not an executable file for anyone, the server included: a misconfiguration the check names, not ours to mend.
  const stat = statSync(real);
  if (!stat.isFile() || (stat.mode & 0o111) === 0) return { bin, line: null };
  const kind = cliKindOf(headOf(real));
  const closedAt = closedToOthers([...chainOf(resolve(bin)), ...chainOf(real)], kind.kind);
  if (closedAt === null) return { bin, line: null };

  const pkg = packageOf(real);
  const key = installKeyOf({ version: pkg.version, realPath: real, size: stat.size, mtimeMs: stat.mtimeMs });
  const why = `agents cannot run the CLI at ${bin} (${closedAt} is closed to other users)`;
  try {
    const installed = installOnce(dataDir, "claude", key, (tmp, target) => build(tmp, target, real, kind, pkg.dir));
    const bin = join(installed.dir, "claude");
    const how = installed.how === "reused" ? "already there" : installed.how === "link" ? "a hard link" : "a copy";
    return { bin, line: `vm: ${why}: they run the one installed for them at ${bin} (${how})` };
  } catch (error) {
    return { bin, line: `vm: ${why}, and installing it for them failed: ${String(error)}` };
  }
}

/**
 * DATA_DIR/.cli/<name>-<key>: built once, in a temporary directory renamed into place, root's and
 * readable by all. Other installs of that name go (no agent of this VM runs yet, and a copy may
 * be as large as the CLI), and so do temporary directories a crash left.
 */
export function installOnce(dataDir: string, name: string, key: string, build: (tmp: string, target: string) => "link" | "copy"): { dir: string; how: "link" | "copy" | "reused" } {
  const root = cliInstallDirOf(dataDir);
  const target = join(root, `${name}-${key}`);
  mkdirSync(root, { recursive: true, mode: 0o755 });
  chmodSync(root, 0o755);
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(".partial-") || (entry.startsWith(`${name}-`) && join(root, entry) !== target)) rmSync(join(root, entry), { recursive: true, force: true });
  }
  if (lstatSync(target, { throwIfNoEntry: false })) return { dir: target, how: "reused" };
  const tmp = mkdtempSync(join(root, ".partial-"));
  try {
    const how = build(tmp, target);
    chmodSync(tmp, 0o755);
    renameSync(tmp, target);
    return { dir: target, how };
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}
