// Starting and ending the server a conversation's preview shows: `sh -c <command>` as the user's
// uid in the conversation's workspace, in a process group of its own, kept in the registry until
// /preview off, /stop, the VM's idle exit or its close; a server that exits is forgotten.
// Its start is answered once one of the conversation's processes listens (on `port` when named).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { AgentIds } from "../core/agent-ids";
import { userChildEnv } from "../users/as-user";
import { userSpawnOf } from "../users/user-netns";
import { userPathsOf, workspaceDirOf } from "../users/user-paths";
import { portsListenedIn } from "./port-owners";
import { previews as processRegistry, type KeptPreview, type PreviewRegistry } from "./preview-registry";

/** Where a conversation's preview lives: its user (id and key), workspace and directory, the uid it runs as. */
export type PreviewPlace = { userId: string; workspace: string; dir: string; home: string; ids: AgentIds | null };

export type PreviewStarted = { ok: true; preview: KeptPreview } | { ok: false; reason: "not_listening" | "failed"; message: string };

export type PreviewServers = {
  start(place: PreviewPlace, command: string, port: number | null, now: number): Promise<PreviewStarted>;
  /** Ends the conversation's kept server; false when none was kept. */
  stop(userId: string, workspace: string): boolean;
  /** Ends every kept server (the VM closing or going idle). */
  stopAll(): void;
  /** The ports the conversation's processes listen on now (the kept server's among them). */
  ports(place: PreviewPlace): Promise<number[]>;
};

export type PreviewServersOptions = { registry?: PreviewRegistry; startTimeoutMs?: number; vmPorts: () => readonly number[] };

const killGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
};

/** SIGTERM to the group, SIGKILL a moment later for whatever ignored it. */
function endGroup(pid: number): void {
  killGroup(pid, "SIGTERM");
  setTimeout(() => killGroup(pid, "SIGKILL"), 2_000).unref();
}

export function createPreviewServers(options: PreviewServersOptions): PreviewServers {
  const registry = options.registry ?? processRegistry;
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  const ports = (place: PreviewPlace) => portsListenedIn(place.dir, place.ids, options.vmPorts());

  const stop = (userId: string, workspace: string): boolean => {
    const kept = registry.of(userId, workspace);
    if (!kept) return false;
    registry.forget(userId, workspace, kept.pid);
    endGroup(kept.pid);
    return true;
  };

  return {
    ports,
    stop,
    stopAll: () => {
      for (const { user, conversation } of registry.all()) stop(user, conversation);
    },
    async start(place, command, port, now) {
      // One kept server per conversation: a new command replaces the old one.
      stop(place.userId, place.workspace);
      const before = new Set(await ports(place));
      // In the user's network namespace, as its agent (users/user-netns.ts).
      const shell = userSpawnOf(place.ids, "sh", ["-c", command], true);
      const child = spawn(shell.bin, shell.args, {
        ...shell.ids,
        cwd: place.dir,
        detached: true,
        env: userChildEnv({ HOME: place.home, ...(port ? { PORT: String(port) } : {}) }),
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr?.setEncoding("utf8");
      child.stderr?.on("data", (chunk: string) => {
        stderr = (stderr + chunk).slice(-1024);
      });
      let exited: number | null | undefined;
      child.on("exit", (code) => {
        exited = code;
        if (child.pid) registry.forget(place.userId, place.workspace, child.pid);
      });
      child.on("error", () => (exited = null));
      const pid = child.pid;
      if (!pid) return { ok: false, reason: "failed", message: "the command could not be started" };
      const deadline = Date.now() + startTimeoutMs;
      while (Date.now() < deadline && exited === undefined) {
        const listened = (await ports(place)).filter((p) => (port ? p === port : !before.has(p)));
        if (listened[0] !== undefined) {
          const preview = { port: listened[0], pid, command, startedAt: now };
          registry.keep(place.userId, place.workspace, preview);
          return { ok: true, preview };
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      endGroup(pid);
      const said = stderr.trim().split("\n").at(-1) ?? "";
      if (exited !== undefined) return { ok: false, reason: "failed", message: `the command exited (${exited === null ? "killed" : `status ${exited}`})${said ? `: ${said}` : ""}` };
      return { ok: false, reason: "not_listening", message: `nothing of this conversation listened${port ? ` on port ${port}` : ""} within ${Math.round(startTimeoutMs / 1000)} s` };
    },
  };
}

/** The conversation's place, or null when the user has no such workspace directory yet. */
export function previewPlaceOf(
  dataDir: string,
  idsOf: (userKey: string) => AgentIds | null,
  userId: string,
  workspace: string,
): PreviewPlace | null {
  const paths = userPathsOf(dataDir, userId);
  const dir = workspaceDirOf(paths, workspace);
  if (!existsSync(dir)) return null;
  return { userId, workspace, dir, home: paths.home, ids: idsOf(paths.key) };
}
