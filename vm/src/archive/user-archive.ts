// A user's archive on the VM: parts prepared from the user's tree for the relay to stream to R2,
// parts streamed back and checked, and the restore from them (workspaces, checkpoints, sessions,
// "always" rules, GitHub records). The parts are the server's files, in `DATA_DIR/.archive/<key>/`
// (no agent can change a part between its checksum and its download); the user's files are read
// and written only by children of the user's uid (archive-git.ts).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import * as z from "zod";
import { ArchivePartNameSchema, type ArchivePart, type ArchiveRestored } from "../../../src/protocol/vm/archive";
import { MAIN_WORKSPACE, WorkspaceIdSchema } from "../../../src/protocol/vm/workspaces";
import {
  partsDigest,
  planRestore,
  restoreDecision,
  sessionCount,
  sessionsTransform,
  SESSIONS_PART,
  SETTINGS_PART,
  stagedProblem,
  workspacePartName,
  type RestoreMarker,
} from "../core/archive-plan";
import { CheckpointHistorySchema } from "../core/checkpoint-history";
import type { AgentIds } from "../core/agent-ids";
import type { ApprovalRules } from "../approvals/approval-rules";
import type { Checkpoints } from "../checkpoints/checkpoints";
import { GithubRepoEntrySchema, type GithubRepos } from "../github/github-repos";
import type { RunManager } from "../runs/run-manager";
import type { AgentUsers } from "../users/agent-users";
import { outputAsUser, removeTreeAs } from "../users/as-user";
import { ensureUserDirs, resolveInside, userPathsOf, workspaceDirOf, type UserPaths } from "../users/user-paths";
import { bundleWorkspace, CHECKPOINTS_REF, dropArchiveRefs, repoStateOf, restoreWorkspace, tarSessions, untarSessions } from "./archive-git";
import { createKeyedQueue } from "../core/keyed-queue";

export type UserArchiveDeps = {
  dataDir: string;
  manager: Pick<RunManager, "lockWorkspace">;
  users: Pick<AgentUsers, "idsOf">;
  rules: Pick<ApprovalRules, "list" | "remember" | "drop">;
  github: Pick<GithubRepos, "of" | "put">;
  /** Absent with CHECKPOINTS=off: the archive then carries no checkpoints, and a restore writes none. */
  checkpoints?: Pick<Checkpoints, "shadowOf" | "historyOf" | "adopt" | "remove">;
};

/** What a workspace part holds beside its bundle. */
const WorkspaceMetaSchema = z.object({
  workspace: WorkspaceIdSchema,
  repo: z.object({ head: z.string().max(1000), config: z.string().max(1_000_000), exclude: z.string().max(1_000_000) }).nullable(),
  checkpoints: CheckpointHistorySchema.nullable(),
});
const SessionsMetaSchema = z.object({ root: z.string().min(1).max(4096) });
const SettingsSchema = z.object({ rules: z.record(WorkspaceIdSchema, z.array(z.string().max(10_000))), github: z.array(GithubRepoEntrySchema) });
const MarkerSchema = z.object({ digest: z.string(), complete: z.boolean(), answer: z.object({ workspaces: z.array(z.string()), sessions: z.number() }).optional() });
const StagedSchema = z.object({ bytes: z.number(), sha256: z.string() });

type Refusal = { ok: false; status: 400 | 409; error: "bad_request" | "user_busy" | "user_has_data"; message: string };
export type Outcome<T> = { ok: true; value: T } | Refusal;
const refused = (status: Refusal["status"], error: Refusal["error"], message: string): Refusal => ({ ok: false, status, error, message });
const RUN_OPEN = "a run is open for this user (or a workspace is being cloned or deleted): nothing was done";

/** A server-side tar (the server's own files): `tar -cf`/`-xf`, no owner or mode taken from an archive. */
function tar(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("tar", args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-1024)));
    child.on("error", reject);
    child.on("close", (status) => (status === 0 ? resolve() : reject(new Error(`tar: ${stderr.trim().split("\n").at(-1) ?? status}`))));
  });
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** A file an archive put in a server directory: a regular file, never a link followed. */
function entryOf(dir: string, name: string): string {
  const path = join(dir, name);
  if (!lstatSync(path, { throwIfNoEntry: false })?.isFile()) throw new Error(`the part has no ${name}`);
  return path;
}

export function createUserArchive(deps: UserArchiveDeps) {
  /** One archive operation per user at a time. */
  const serial = createKeyedQueue();

  const archiveDirOf = (key: string) => resolveInside(deps.dataDir, ".archive", key);
  const dirIn = (key: string, name: "out" | "in" | "work") => resolveInside(archiveDirOf(key), name);
  function freshDir(path: string): string {
    rmSync(path, { recursive: true, force: true });
    mkdirSync(path, { recursive: true, mode: 0o700 });
    return path;
  }

  /** The user's workspaces: "main" when it holds anything, and every directory under `workspaces/`. */
  async function workspacesOf(paths: UserPaths, ids: AgentIds | null): Promise<string[]> {
    const script = '[ -n "$(ls -A "$R/workspace" 2>/dev/null)" ] && echo main; [ -d "$R/workspaces" ] && ls -A "$R/workspaces"; exit 0';
    const listed = (await outputAsUser(ids, script, { R: paths.root })) ?? "";
    const named = listed.split("\n").filter((name) => name !== MAIN_WORKSPACE && WorkspaceIdSchema.safeParse(name).success);
    return [...(listed.split("\n").includes(MAIN_WORKSPACE) ? [MAIN_WORKSPACE] : []), ...named.sort()];
  }

  async function hasData(paths: UserPaths, ids: AgentIds | null): Promise<boolean> {
    const script = 'for d in "$R/workspace" "$R/workspaces" "$R/home/.claude/projects"; do [ -d "$d" ] && ls -A "$d"; done; exit 0';
    return ((await outputAsUser(ids, script, { R: paths.root })) ?? "").trim() !== "";
  }

  /** Every workspace held against runs, clones and deletes; null (nothing held) when one is busy. */
  async function lockAll(key: string, dirs: string[]): Promise<(() => void) | null> {
    const held: Array<() => void> = [];
    for (const dir of dirs) {
      const release = await deps.manager.lockWorkspace(key, dir);
      if (!release) {
        held.forEach((r) => r());
        return null;
      }
      held.push(release);
    }
    return () => held.forEach((r) => r());
  }

  async function prepareWorkspace(paths: UserPaths, ids: AgentIds | null, workspace: string, work: string, out: string): Promise<void> {
    const dir = workspaceDirOf(paths, workspace);
    const staging = freshDir(join(work, workspace));
    const shadow = deps.checkpoints?.shadowOf(paths.key, workspace) ?? "/nonexistent";
    const scratch = resolveInside(paths.tmp, `.archive-${workspace}.git`);
    try {
      await ensureUserDirs(paths, dir, ids);
      await bundleWorkspace(ids, { dir, shadow, scratch }, join(staging, "repo.bundle"));
    } finally {
      await removeTreeAs(ids, scratch);
    }
    const history = deps.checkpoints?.historyOf(paths.key, workspace) ?? null;
    const meta: z.infer<typeof WorkspaceMetaSchema> = { workspace, repo: await repoStateOf(ids, dir), checkpoints: history && history.runs.length > 0 ? history : null };
    writeFileSync(join(staging, "workspace.json"), JSON.stringify(meta), { mode: 0o600 });
    await tar(["-cf", out, "-C", staging, "workspace.json", "repo.bundle"]);
  }

  async function prepare(userId: string): Promise<Outcome<ArchivePart[]>> {
    const paths = userPathsOf(deps.dataDir, userId);
    const ids = deps.users.idsOf(paths.key);
    const workspaces = await workspacesOf(paths, ids);
    const release = await lockAll(paths.key, workspaces.map((w) => workspaceDirOf(paths, w)));
    if (!release) return refused(409, "user_busy", RUN_OPEN);
    const out = freshDir(dirIn(paths.key, "out"));
    const work = freshDir(dirIn(paths.key, "work"));
    try {
      for (const workspace of workspaces) await prepareWorkspace(paths, ids, workspace, work, join(out, workspacePartName(workspace)));
      const sessions = freshDir(join(work, "sessions"));
      await tarSessions(ids, paths.home, join(sessions, "projects.tar"));
      writeFileSync(join(sessions, "sessions.json"), JSON.stringify({ root: paths.root } satisfies z.infer<typeof SessionsMetaSchema>), { mode: 0o600 });
      await tar(["-cf", join(out, SESSIONS_PART), "-C", sessions, "sessions.json", "projects.tar"]);
      const rules = Object.fromEntries(workspaces.map((w) => [w, deps.rules.list(paths.key, workspaceDirOf(paths, w))] as const).filter(([, list]) => list.length > 0));
      const settings: z.infer<typeof SettingsSchema> = { rules, github: deps.github.of(paths.key) };
      writeFileSync(join(out, SETTINGS_PART), JSON.stringify(settings), { mode: 0o600 });
      const names = [...workspaces.map(workspacePartName), SESSIONS_PART, SETTINGS_PART];
      const parts = await Promise.all(names.map(async (name) => ({ name, bytes: lstatSync(join(out, name)).size, sha256: await sha256Of(join(out, name)) })));
      return { ok: true, value: parts };
    } catch (error) {
      rmSync(out, { recursive: true, force: true });
      throw error;
    } finally {
      release();
      rmSync(work, { recursive: true, force: true });
    }
  }

  function openPart(userId: string, name: string): { size: number; stream: ReadableStream<Uint8Array> } | null {
    if (!ArchivePartNameSchema.safeParse(name).success) return null;
    const file = join(dirIn(userPathsOf(deps.dataDir, userId).key, "out"), name);
    const stat = lstatSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) return null;
    return { size: stat.size, stream: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array> };
  }

  /** A part's bytes, kept only when their size and sha256 are the ones named. */
  async function stagePart(userId: string, name: string, expected: { sha256: string; bytes: number | null }, body: ReadableStream<Uint8Array>): Promise<Outcome<ArchivePart>> {
    // Only names an archive makes: nothing else is written beside the staged parts.
    const named = planRestore([{ name }]);
    if (!named.ok) return refused(400, "bad_request", `${named.why}: nothing was kept`);
    const dir = dirIn(userPathsOf(deps.dataDir, userId).key, "in");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, name);
    const partial = `${file}.partial`;
    const hash = createHash("sha256");
    let bytes = 0;
    try {
      await pipeline(
        Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            hash.update(chunk);
            bytes += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(partial, { mode: 0o600 }),
      );
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    const sha256 = hash.digest("hex");
    const problem = expected.bytes !== null && expected.bytes !== bytes ? `has ${bytes} bytes, not the ${expected.bytes} its Content-Length said` : sha256 !== expected.sha256 ? `has sha256 ${sha256}, not ${expected.sha256}` : null;
    if (problem) {
      rmSync(partial, { force: true });
      return refused(400, "bad_request", `part ${name} ${problem}: nothing was kept`);
    }
    renameSync(partial, file);
    writeFileSync(`${file}.staged.json`, JSON.stringify({ bytes, sha256 }), { mode: 0o600 });
    return { ok: true, value: { name, bytes, sha256 } };
  }

  function stagedOf(key: string): (name: string) => { bytes: number; sha256: string } | null {
    const dir = dirIn(key, "in");
    return (name) => {
      try {
        if (!lstatSync(join(dir, name)).isFile()) return null;
        return StagedSchema.parse(JSON.parse(readFileSync(join(dir, `${name}.staged.json`), "utf8")));
      } catch {
        return null;
      }
    };
  }

  async function restoreWorkspacePart(paths: UserPaths, ids: AgentIds | null, part: string, work: string): Promise<string> {
    const unpacked = freshDir(join(work, part));
    await tar(["-xf", join(dirIn(paths.key, "in"), part), "-C", unpacked, "--no-same-owner", "--no-same-permissions", "workspace.json", "repo.bundle"]);
    const meta = WorkspaceMetaSchema.parse(JSON.parse(readFileSync(entryOf(unpacked, "workspace.json"), "utf8")));
    if (workspacePartName(meta.workspace) !== part) throw new Error(`part ${part} holds workspace ${meta.workspace}`);
    const dir = workspaceDirOf(paths, meta.workspace);
    // Written again from the start: what is there is this archive's (restoreDecision), from a restore cut off.
    await removeTreeAs(ids, dir);
    await deps.checkpoints?.remove(paths.key, meta.workspace);
    await ensureUserDirs(paths, paths.workspace, ids);
    const scratch = resolveInside(paths.tmp, `.restore-${meta.workspace}.git`);
    const bundleCopy = resolveInside(paths.tmp, `.restore-${meta.workspace}.bundle`);
    try {
      const restored = await restoreWorkspace(ids, { dir, shadow: "", scratch, bundleCopy }, entryOf(unpacked, "repo.bundle"), meta.repo);
      if (meta.checkpoints && deps.checkpoints) await deps.checkpoints.adopt(paths.key, meta.workspace, { repo: restored, refs: CHECKPOINTS_REF }, meta.checkpoints);
      if (meta.repo) await dropArchiveRefs(ids, restored);
    } finally {
      await removeTreeAs(ids, bundleCopy);
      await removeTreeAs(ids, scratch);
    }
    return meta.workspace;
  }

  async function restoreSessions(paths: UserPaths, ids: AgentIds | null, work: string): Promise<number> {
    const unpacked = freshDir(join(work, SESSIONS_PART));
    await tar(["-xf", join(dirIn(paths.key, "in"), SESSIONS_PART), "-C", unpacked, "--no-same-owner", "--no-same-permissions", "sessions.json", "projects.tar"]);
    const { root } = SessionsMetaSchema.parse(JSON.parse(readFileSync(entryOf(unpacked, "sessions.json"), "utf8")));
    const projects = entryOf(unpacked, "projects.tar");
    await ensureUserDirs(paths, paths.workspace, ids);
    await untarSessions(ids, paths.home, projects, sessionsTransform(root, paths.root));
    return sessionCount(await listTar(projects));
  }

  function restoreSettings(paths: UserPaths, workspaces: readonly string[]): void {
    const settings = SettingsSchema.parse(JSON.parse(readFileSync(entryOf(dirIn(paths.key, "in"), SETTINGS_PART), "utf8")));
    for (const [workspace, rules] of Object.entries(settings.rules)) {
      if (!workspaces.includes(workspace)) continue;
      const dir = workspaceDirOf(paths, workspace);
      deps.rules.drop(paths.key, dir);
      for (const rule of rules) deps.rules.remember(paths.key, dir, rule);
    }
    deps.github.put(paths.key, settings.github.filter((entry) => workspaces.includes(entry.workspace)));
  }

  async function restore(userId: string, parts: ArchivePart[]): Promise<Outcome<ArchiveRestored>> {
    const planned = planRestore(parts);
    if (!planned.ok) return refused(400, "bad_request", planned.why);
    const paths = userPathsOf(deps.dataDir, userId);
    const problem = stagedProblem(parts, stagedOf(paths.key));
    if (problem) return refused(400, "bad_request", problem);
    const ids = deps.users.idsOf(paths.key);
    const markerFile = join(archiveDirOf(paths.key), "restore.json");
    const marker = existsSync(markerFile) ? MarkerSchema.parse(JSON.parse(readFileSync(markerFile, "utf8"))) : null;
    const digest = partsDigest(parts);
    const decision = restoreDecision({ hasData: await hasData(paths, ids), marker: marker satisfies RestoreMarker | null }, digest);
    if (decision.kind === "refuse") return refused(409, "user_has_data", decision.why);
    if (decision.kind === "done" && marker?.answer) return { ok: true, value: marker.answer };
    const { plan } = planned;
    const release = await lockAll(paths.key, plan.workspaces.map((w) => workspaceDirOf(paths, w)));
    if (!release) return refused(409, "user_busy", RUN_OPEN);
    const work = freshDir(dirIn(paths.key, "work"));
    try {
      writeFileSync(markerFile, JSON.stringify({ digest, complete: false }), { mode: 0o600 });
      const workspaces: string[] = [];
      for (const workspace of plan.workspaces) workspaces.push(await restoreWorkspacePart(paths, ids, workspacePartName(workspace), work));
      const sessions = plan.sessions ? await restoreSessions(paths, ids, work) : 0;
      if (plan.settings) restoreSettings(paths, workspaces);
      const answer: ArchiveRestored = { workspaces, sessions };
      writeFileSync(markerFile, JSON.stringify({ digest, complete: true, answer }), { mode: 0o600 });
      return { ok: true, value: answer };
    } finally {
      release();
      rmSync(work, { recursive: true, force: true });
    }
  }

  /** Prepared and staged parts gone (the restore's record stays: a repeated restore still answers). */
  function clear(userId: string): void {
    const key = userPathsOf(deps.dataDir, userId).key;
    for (const name of ["out", "in", "work"] as const) rmSync(dirIn(key, name), { recursive: true, force: true });
  }

  /** Shared mode, once the relay holds a checked archive: the user's tree and the server's records of it. */
  async function removeData(userId: string): Promise<Outcome<{ removed: boolean }>> {
    const paths = userPathsOf(deps.dataDir, userId);
    const ids = deps.users.idsOf(paths.key);
    const workspaces = await workspacesOf(paths, ids);
    const release = await lockAll(paths.key, workspaces.map((w) => workspaceDirOf(paths, w)));
    if (!release) return refused(409, "user_busy", RUN_OPEN);
    try {
      const existed = existsSync(paths.root);
      for (const workspace of workspaces) {
        deps.rules.drop(paths.key, workspaceDirOf(paths, workspace));
        await deps.checkpoints?.remove(paths.key, workspace);
      }
      deps.github.put(paths.key, []);
      await removeTreeAs(ids, paths.root);
      // Emptied as its user; its entry in `users/` is the server's to remove.
      if (existsSync(paths.root)) rmdirSync(paths.root);
      rmSync(archiveDirOf(paths.key), { recursive: true, force: true });
      return { ok: true, value: { removed: existed } };
    } finally {
      release();
    }
  }

  return {
    prepare: (userId: string) => serial(userPathsOf(deps.dataDir, userId).key, () => prepare(userId)),
    openPart,
    stagePart: (userId: string, name: string, expected: { sha256: string; bytes: number | null }, body: ReadableStream<Uint8Array>) =>
      serial(userPathsOf(deps.dataDir, userId).key, () => stagePart(userId, name, expected, body)),
    restore: (userId: string, parts: ArchivePart[]) => serial(userPathsOf(deps.dataDir, userId).key, () => restore(userId, parts)),
    clear: (userId: string) => serial(userPathsOf(deps.dataDir, userId).key, async () => clear(userId)),
    removeData: (userId: string) => serial(userPathsOf(deps.dataDir, userId).key, () => removeData(userId)),
  };
}

/** The member names of a tar of the server's. */
function listTar(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn("tar", ["-tf", file], { stdio: ["ignore", "pipe", "ignore"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", reject);
    child.on("close", (status) => (status === 0 ? resolve(Buffer.concat(chunks).toString("utf8").split("\n").filter(Boolean)) : reject(new Error("tar -t failed"))));
  });
}

export type UserArchive = ReturnType<typeof createUserArchive>;
