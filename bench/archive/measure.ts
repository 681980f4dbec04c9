// A user's archive through the agent VM's routes (vm/src/archive): a 50 MB repository, two
// conversations and a session of 50 turns on one VM (the real VM and CLI, the offline model); each
// round streams the parts out to local files as R2 would receive them, then into a new VM on an
// empty DATA_DIR (a new Machine's volume) and restores, then resumes the session.
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ARCHIVE_ROUTES, ARCHIVE_SHA256_HEADER, ArchivePartsSchema, ArchiveRestoredSchema, type ArchivePart } from "../../src/protocol/vm/archive";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { startAnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { atMost, info, judged, type Figure } from "../lib/figures";
import { withStackScope } from "../lib/stack-scope";
import { STAND_IN_CREDENTIALS } from "../lib/stand-ins";
import { median } from "../lib/stats";
import { modelEnv } from "../machines/plan";
import { startSharedVm } from "../machines/stack";
import { modelAsked, startRun } from "../parallel/drive";
import { makeRepository, REPOSITORY_MB } from "./repository";

const SECTION = "archive";
const USER_ID = "+15550000393";
export const SESSION_TURNS = 50;
/** R2 and Fly volume prices per GB-month (their published sheets), 1 GB = 10^9 bytes. */
export const PRICES = { r2: 0.015, volume: 0.15 } as const;

export const DEFINITIONS = {
  user: `a ${REPOSITORY_MB} MB repository (ten commits of incompressible files, bench/archive/repository.ts) cloned into conversation "repo" with a session of ${SESSION_TURNS} turns there and one run that edits a file (a checkpoint, an uncommitted change); conversation "notes" with one run that writes a file`,
  archive: "POST /users/:user/archive, then every part streamed by GET into a local file (R2's side: the bytes as the relay would stream them to R2); wall time",
  restore: "on a new VM with an empty DATA_DIR (started before the clock, as a new Machine and volume would be): every part streamed by PUT from those files, then POST /users/:user/archive/restore; wall time",
  firstModelRequest: "from the restore's first PUT to the offline model's arrival of the resumed session's next turn (POST /v1/runs with the session id, after the restore answered)",
};

const authorised = { authorization: `Bearer ${STAND_IN_CREDENTIALS.vmToken}` };

async function call(url: string, method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${url}${path}`, { method, headers: { ...authorised, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return response;
}

async function runTo(url: string, workspace: string, text: string, sessionId: string | null, bypass = false): Promise<string> {
  const options = bypass ? { options: { permissionMode: "bypassPermissions" as const } } : {};
  const ended = await startRun(url, workspace, text, sessionId, { userId: USER_ID, ...options }).end;
  if (!ended.ok || !ended.sessionId) throw new Error(`a run in ${workspace} failed: ${ended.error}`);
  return ended.sessionId;
}

type Round = { archiveMs: number; restoreMs: number; firstModelMs: number; parts: ArchivePart[]; sessions: number };

export default async function measure({ quick, rounds, log }: { quick: boolean; rounds: number; log: (line: string) => void }) {
  const roundCount = quick ? 1 : rounds;
  return withStackScope(SECTION, log, async (onClose) => {
    const scratch = await mkdtemp(join(process.env.TMPDIR ?? tmpdir(), "bench-archive-"));
    onClose("the scratch directory", () => rm(scratch, { recursive: true, force: true }));
    // Read by the agent's own uid when the VM runs as root, as any remote is.
    await chmod(scratch, 0o755);
    const bare = makeRepository(scratch);
    const model = await startAnthropicStandIn();
    onClose("the offline model", () => model.close());
    const env = modelEnv(model.url, process.getuid?.() === 0);
    const source = await startSharedVm(env, { ALLOW_LOCAL_CLONES: "1" });
    onClose("the VM archived", () => source.stop());

    log(`${SECTION}: the user: a ${REPOSITORY_MB} MB clone, ${SESSION_TURNS} turns, two conversations`);
    await call(source.url, "POST", VM_ROUTES.workspaces, { userId: USER_ID, workspace: "repo", clone: { url: bare } });
    let sessionId = await runTo(source.url, "repo", "turn 1 of the session", null);
    for (let turn = 2; turn < SESSION_TURNS; turn++) sessionId = await runTo(source.url, "repo", `turn ${turn} of the session: ${"words ".repeat(40)}`, sessionId);
    sessionId = await runTo(source.url, "repo", `[[tool Bash ${JSON.stringify({ command: "printf 'edited\\n' >> .gitignore && printf 'notes\\n' > NOTES.md" })}]]`, sessionId, true);
    await call(source.url, "POST", VM_ROUTES.workspaces, { userId: USER_ID, workspace: "notes" });
    await runTo(source.url, "notes", `[[tool Bash ${JSON.stringify({ command: "printf 'a note\\n' > note.txt" })}]]`, null, true);

    const results: Round[] = [];
    for (let round = 0; round < roundCount; round++) {
      const sink = join(scratch, `r2-${round}`);
      await mkdir(sink, { recursive: true });

      let began = performance.now();
      const { parts } = ArchivePartsSchema.parse(await (await call(source.url, "POST", ARCHIVE_ROUTES.archive(USER_ID))).json());
      for (const part of parts) {
        const response = await call(source.url, "GET", ARCHIVE_ROUTES.part(USER_ID, part.name));
        await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>), createWriteStream(join(sink, part.name)));
        if (statSync(join(sink, part.name)).size !== part.bytes) throw new Error(`part ${part.name} arrived short`);
      }
      const archiveMs = performance.now() - began;

      const target = await startSharedVm(env, {});
      try {
        began = performance.now();
        for (const part of parts) {
          const body = Readable.toWeb(createReadStream(join(sink, part.name))) as ReadableStream<Uint8Array>;
          const response = await fetch(`${target.url}${ARCHIVE_ROUTES.part(USER_ID, part.name)}`, {
            method: "PUT",
            headers: { ...authorised, [ARCHIVE_SHA256_HEADER]: part.sha256, "content-length": String(part.bytes) },
            body,
            duplex: "half",
          } as RequestInit);
          if (response.status !== 201) throw new Error(`PUT ${part.name} answered ${response.status}: ${await response.text()}`);
        }
        const restored = ArchiveRestoredSchema.parse(await (await call(target.url, "POST", ARCHIVE_ROUTES.restore(USER_ID), { parts })).json());
        const restoreMs = performance.now() - began;
        const text = `after the archive, round ${round}`;
        const sentAt = Date.now();
        const resumed = startRun(target.url, "repo", text, sessionId, { userId: USER_ID });
        const askedAt = await modelAsked(model, text, sentAt);
        const firstModelMs = restoreMs + (askedAt - sentAt);
        const ended = await resumed.end;
        if (!ended.ok) throw new Error(`the resumed run failed: ${ended.error}`);
        results.push({ archiveMs, restoreMs, firstModelMs, parts, sessions: restored.sessions });
        log(`${SECTION}: round ${round + 1}: archive ${Math.round(archiveMs)} ms, restore ${Math.round(restoreMs)} ms, first model request ${Math.round(firstModelMs)} ms, ${parts.reduce((s, p) => s + p.bytes, 0)} bytes`);
      } finally {
        await target.stop();
        await rm(sink, { recursive: true, force: true });
      }
    }
    return summarize(results);
  });
}

const round1 = (ms: number) => Math.round(ms);
const mb = (bytes: number) => Math.round((bytes / 1e6) * 100) / 100;

export function summarize(results: readonly Round[]) {
  const last = results.at(-1);
  if (!last) throw new Error("no round ran");
  const bytes = last.parts.reduce((sum, part) => sum + part.bytes, 0);
  const r2PerMonth = (bytes / 1e9) * PRICES.r2;
  const figures: Figure[] = [
    info(SECTION, "archive: prepare + stream every part out (median)", round1(median(results.map((r) => r.archiveMs))), "ms", `${results.length} round(s)`),
    info(SECTION, "restore: stream every part in + restore (median)", round1(median(results.map((r) => r.restoreMs))), "ms"),
    judged(SECTION, "restore to the resumed session's first model request (median)", round1(median(results.map((r) => r.firstModelMs))), "ms", atMost(20_000)),
    info(SECTION, "archive size (all parts)", mb(bytes), "MB", last.parts.map((p) => `${p.name} ${mb(p.bytes)} MB`).join(", ")),
    judged(SECTION, "an archived month in R2", Math.round(r2PerMonth * 100 * 1000) / 1000, "¢", atMost(5), `${mb(bytes)} MB at $${PRICES.r2}/GB-month (1 GB = 10^9 bytes), before R2's 10 GB-month free`),
  ];
  return { figures, rounds: results.map((r) => ({ ...r, archiveMs: round1(r.archiveMs), restoreMs: round1(r.restoreMs), firstModelMs: round1(r.firstModelMs) })), definitions: DEFINITIONS };
}
