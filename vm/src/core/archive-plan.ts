// A user's archive as data: the parts' names, whether the parts staged for a restore are the ones
// asked for, what a restore does given what the VM holds, and where the CLI's sessions move when
// the user's directory has another path (a new volume keys users with a new secret). Pure.
import { WorkspaceIdSchema } from "../../../src/protocol/vm/workspaces";
import type { ArchivePart } from "../../../src/protocol/vm/archive";

export const SESSIONS_PART = "sessions.tar";
export const SETTINGS_PART = "settings.json";
const WORKSPACE_PART = /^workspace-([a-z0-9][a-z0-9_-]{0,39})\.tar$/;

/** One part per workspace: its refs as a bundle, its uncommitted files, its checkpoints and inbox. */
export function workspacePartName(workspace: string): string {
  if (!WorkspaceIdSchema.safeParse(workspace).success) throw new Error(`invalid workspace id: ${JSON.stringify(workspace)}`);
  return `workspace-${workspace}.tar`;
}

export type RestorePlan = { workspaces: string[]; sessions: boolean; settings: boolean };

/** What the parts hold, or why they cannot be restored (a name no archive makes, a name twice). */
export function planRestore(parts: readonly Pick<ArchivePart, "name">[]): { ok: true; plan: RestorePlan } | { ok: false; why: string } {
  const seen = new Set<string>();
  const plan: RestorePlan = { workspaces: [], sessions: false, settings: false };
  for (const { name } of parts) {
    if (seen.has(name)) return { ok: false, why: `part ${name} is listed twice` };
    seen.add(name);
    const workspace = WORKSPACE_PART.exec(name)?.[1];
    if (workspace !== undefined) plan.workspaces.push(workspace);
    else if (name === SESSIONS_PART) plan.sessions = true;
    else if (name === SETTINGS_PART) plan.settings = true;
    else return { ok: false, why: `part ${name} is not one an archive of this VM makes` };
  }
  plan.workspaces.sort();
  return { ok: true, plan };
}

export type StagedPart = { bytes: number; sha256: string };

/** The first reason the staged parts are not the ones asked for (null: every one is there, whole). */
export function stagedProblem(parts: readonly ArchivePart[], staged: (name: string) => StagedPart | null): string | null {
  for (const part of parts) {
    const held = staged(part.name);
    if (!held) return `part ${part.name} is not staged: PUT it first`;
    if (held.bytes !== part.bytes) return `part ${part.name} has ${held.bytes} bytes staged, not ${part.bytes}`;
    if (held.sha256 !== part.sha256) return `part ${part.name}'s staged bytes have another sha256`;
  }
  return null;
}

/** The parts of one archive as one string: the same parts in any order give the same digest. */
export function partsDigest(parts: readonly ArchivePart[]): string {
  return [...parts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((p) => `${p.name}:${p.bytes}:${p.sha256}`).join("\n");
}

/** The VM's record of a restore it began: which parts, and whether it finished. */
export type RestoreMarker = { digest: string; complete: boolean };

export type RestoreDecision =
  | { kind: "start" }
  /** A restore of the same parts was cut off: what it wrote is this archive's, and is written again. */
  | { kind: "resume" }
  /** Already restored from the same parts: the same answer, nothing written. */
  | { kind: "done" }
  | { kind: "refuse"; why: string };

/** What a restore does: never over data of the user's that is not this archive's. */
export function restoreDecision(held: { hasData: boolean; marker: RestoreMarker | null }, digest: string): RestoreDecision {
  const same = held.marker?.digest === digest;
  if (same && held.marker?.complete) return { kind: "done" };
  if (same) return { kind: "resume" };
  if (held.hasData) {
    const why = held.marker ? "it was restored from another archive since" : "it is not what this archive restores";
    return { kind: "refuse", why: `this user already has data on the VM, and ${why}: nothing was restored` };
  }
  return { kind: "start" };
}

/** The directory the CLI keeps a working directory's sessions in, under `~/.claude/projects`: every character not [A-Za-z0-9] as "-". */
export function cliProjectDirName(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9]/g, "-");
}

/**
 * GNU tar's `--transform` that moves the sessions of the user's old directory (`projects/<old>…`)
 * to its new one. Both names are [A-Za-z0-9-] only, so nothing in them is special to sed.
 */
export function sessionsTransform(oldRoot: string, newRoot: string): string {
  return `s,^projects/${cliProjectDirName(oldRoot)},projects/${cliProjectDirName(newRoot)},`;
}

/** The sessions in a listing of the sessions tar (`projects/<dir>/<id>.jsonl`; subagents' files are not sessions). */
export function sessionCount(entries: readonly string[]): number {
  return entries.filter((entry) => /^(?:\.\/)?projects\/[^/]+\/[^/]+\.jsonl$/.test(entry)).length;
}
