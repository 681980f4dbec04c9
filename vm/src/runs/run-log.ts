// Run logs on DATA_DIR (outside every user's home): `.runs/<runId>.meta.json` says whose run it
// is, `.runs/<runId>.ndjson` holds its events, one per line, appended as they happen. They make
// reconnects with `?after=N` work across restarts; runs left open by a dead VM are closed here.
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as z from "zod";
import { GitIdentitySchema, isTerminal, RunOptionsSchema, VmRunEventSchema, type VmRunEvent } from "../../../src/protocol/vm/runs";
import { WorkspaceIdSchema } from "../../../src/protocol/vm/workspaces";
import { isRunId, runFileOf, runsDirOf } from "../users/user-paths";

/**
 * What the run's start request carried besides its messages (never its text): where, on what
 * session, with what options, so a restart that cuts it can start its CLI again ahead of the relay's restart.
 */
const RunStartSchema = z.object({ workspace: WorkspaceIdSchema, sessionId: z.nullable(z.string()), options: RunOptionsSchema, gitIdentity: z.optional(GitIdentitySchema) });
/**
 * `userId`: the relay's user (absent in logs written before it was kept), whom a wake after a restart names.
 * `start`: absent in logs written before it was kept.
 */
const RunMetaSchema = z.object({ runId: z.string(), userKey: z.string(), userId: z.string().optional(), createdAt: z.number(), start: z.optional(RunStartSchema).catch(undefined) });
export type RunStart = z.infer<typeof RunStartSchema>;
export type RunMeta = z.infer<typeof RunMetaSchema>;

export type RunLog = {
  create(meta: RunMeta): void;
  append(runId: string, event: VmRunEvent): void;
  /** Null when the run is unknown (never started here, or pruned). */
  read(runId: string): { meta: RunMeta; events: VmRunEvent[] } | null;
  /** Appends `vm_restarted` to every run whose log has no terminal event; returns their ids. */
  closeDangling(message: string): string[];
  prune(olderThan: number): number;
};

/** Lines that do not parse (a write cut by a crash) end the log: nothing after them is trusted. */
function parseEvents(text: string): VmRunEvent[] {
  const events: VmRunEvent[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      break;
    }
    const parsed = VmRunEventSchema.safeParse(json);
    if (!parsed.success || parsed.data.seq !== events.length + 1) break;
    events.push(parsed.data);
  }
  return events;
}

export function openRunLog(dataDir: string): RunLog {
  const dir = runsDirOf(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });

  function read(runId: string) {
    let metaText: string;
    try {
      metaText = readFileSync(runFileOf(dataDir, runId, "meta.json"), "utf8");
    } catch {
      return null;
    }
    let metaJson: unknown;
    try {
      metaJson = JSON.parse(metaText);
    } catch {
      return null;
    }
    const meta = RunMetaSchema.safeParse(metaJson);
    if (!meta.success) return null;
    let eventsText = "";
    try {
      eventsText = readFileSync(runFileOf(dataDir, runId, "ndjson"), "utf8");
    } catch {
      // Created, no event yet.
    }
    return { meta: meta.data, events: parseEvents(eventsText) };
  }

  function runIds(): string[] {
    return readdirSync(dir)
      .filter((name) => name.endsWith(".meta.json"))
      .map((name) => name.slice(0, -".meta.json".length))
      .filter(isRunId);
  }

  return {
    create(meta) {
      writeFileSync(runFileOf(dataDir, meta.runId, "meta.json"), JSON.stringify(meta), { mode: 0o600 });
    },
    append(runId, event) {
      // Synchronous on purpose: an event is on disk before any stream sees it.
      appendFileSync(runFileOf(dataDir, runId, "ndjson"), `${JSON.stringify(event)}\n`, { mode: 0o600 });
    },
    read,
    closeDangling(message) {
      const closed: string[] = [];
      for (const runId of runIds()) {
        const run = read(runId);
        const last = run?.events.at(-1);
        if (!run || (last && isTerminal(last))) continue;
        // A torn last line is cut off first, so the log stays one event per line.
        writeFileSync(runFileOf(dataDir, runId, "ndjson"), run.events.map((e) => `${JSON.stringify(e)}\n`).join(""), { mode: 0o600 });
        this.append(runId, { seq: run.events.length + 1, type: "error", code: "vm_restarted", message });
        closed.push(runId);
      }
      return closed;
    },
    prune(olderThan) {
      let removed = 0;
      for (const runId of runIds()) {
        const meta = runFileOf(dataDir, runId, "meta.json");
        if (statSync(meta).mtimeMs >= olderThan) continue;
        rmSync(meta, { force: true });
        rmSync(runFileOf(dataDir, runId, "ndjson"), { force: true });
        removed++;
      }
      return removed;
    },
  };
}
