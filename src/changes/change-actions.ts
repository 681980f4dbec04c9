// What /diff and /undo ask of the VM, after the webhook's answer: the picture drawn from the diff
// kept in R2 and sent through the outbound media path; the files put back, recorded and said.
import type { Config } from "../config/config";
import { DIFF_NO_STORAGE, DIFF_NOT_KEPT, DIFF_PICTURE_FAILED, NOTHING_TO_REDO, NOTHING_TO_UNDO, UNDO_VM_FAILED, undoBusy, undoDone } from "./changes-replies";
import { namedFiles, runLabel } from "./run-change";
import { mediaKeysFor, storeOutbound } from "../media/media-store";
import type { VmClient } from "../machines/vm-client";
import type { OutboxMedia, OutboxRepo } from "../outbox/outbox-repo";
import { createRunChangesRepo } from "./run-changes-repo";
import type { Sql } from "../shared/sql";
import type { Clock } from "../shared/clock";
import type { Log } from "../shared/log";

export type ChangeActionDeps = {
  vm: VmClient | null;
  phone: string;
  bucket: R2Bucket | undefined;
  config: Config | null;
  sql: Sql;
  outbox: Pick<OutboxRepo, "add">;
  log: Log;
  clock: Clock;
};

/** /diff: reads the kept diff, has the VM draw it, stores the PNG as an outbound file and queues it with the summary. */
export async function sendDiffPicture(d: ChangeActionDeps, action: { key: string; summary: string }, dedupeKey: string): Promise<void> {
  const say = (body: string) => d.outbox.add({ dedupeKey, body, now: d.clock() });
  if (!d.bucket || !mediaKeysFor(d.config)) return void say(`${action.summary}\n${DIFF_NO_STORAGE}`);
  const object = await d.bucket.get(action.key);
  if (!object) return void say(`${action.summary}\n${DIFF_NOT_KEPT}`);
  const drawn = await drawDiffPicture(d, await object.text());
  if (!drawn.ok) {
    d.log("diff_picture_failed", { detail: drawn.detail });
    return void say(`${action.summary}\n${DIFF_PICTURE_FAILED}`);
  }
  d.outbox.add({ dedupeKey, body: action.summary, media: drawn.media, now: d.clock() });
}

/** A diff drawn by the VM as /diff draws it and stored as an outbound picture, ready for the outbox; or why not. */
export async function drawDiffPicture(
  d: Pick<ChangeActionDeps, "vm" | "bucket" | "config" | "phone" | "clock">,
  diff: string,
): Promise<{ ok: true; media: OutboxMedia; linesHidden: number } | { ok: false; detail: string }> {
  if (!d.bucket || !mediaKeysFor(d.config)) return { ok: false, detail: "no media storage" };
  const drawn = d.vm ? await d.vm.renderDiff(diff) : null;
  if (!drawn?.ok) return { ok: false, detail: drawn ? drawn.detail : "no VM" };
  const stored = await storePicture(d, drawn.png, "diff");
  return stored.ok ? { ...stored, linesHidden: drawn.linesHidden } : stored;
}

/** A PNG the VM drew (/diff's, /shot's), stored as an outbound picture sent sharp (as a document on WhatsApp), ready for the outbox. */
export async function storePicture(
  d: Pick<ChangeActionDeps, "bucket" | "config" | "phone" | "clock">,
  png: Uint8Array,
  name: string,
): Promise<{ ok: true; media: OutboxMedia } | { ok: false; detail: string }> {
  const keys = mediaKeysFor(d.config);
  if (!d.bucket || !keys) return { ok: false, detail: "no media storage" };
  const filename = `${name}.png`;
  const stored = await storeOutbound({ bucket: d.bucket, keys: await keys, now: d.clock }, { owner: d.phone, body: png, filename, declaredType: "image/png" });
  if (!stored.ok) return { ok: false, detail: "the picture could not be stored" };
  const media = { source: { vmRunId: name, fileId: stored.key, name: filename, contentType: stored.contentType, size: stored.size }, stored: { key: stored.key, createdAt: stored.createdAt, contentType: stored.contentType }, keepSharp: true };
  return { ok: true, media };
}

/** A `yes` to /undo, or /redo: the VM puts the files back; the change is marked, and the agent told on its next turn. */
export async function restoreFiles(d: ChangeActionDeps, action: { kind: "undo" | "redo"; workspace: string }, dedupeKey: string): Promise<void> {
  const say = (body: string) => d.outbox.add({ dedupeKey, body, now: d.clock() });
  const outcome = d.vm ? await d.vm.restore(action.kind, d.phone, action.workspace) : null;
  if (!outcome?.ok) {
    if (outcome?.refused === "workspace_busy") return void say(undoBusy("a run"));
    if (outcome?.refused === "nothing_to_undo" || outcome?.refused === "unknown_workspace") return void say(action.kind === "undo" ? NOTHING_TO_UNDO : NOTHING_TO_REDO);
    if (outcome?.refused === "nothing_to_redo") return void say(NOTHING_TO_REDO);
    d.log("restore_failed", { kind: action.kind, detail: outcome ? (outcome.refused ?? outcome.detail) : "no VM" });
    return void say(UNDO_VM_FAILED);
  }
  const { restored } = outcome;
  const repo = createRunChangesRepo(d.sql);
  const label = d.sql.transaction(() => {
    repo.setUndone(restored.runId, action.kind === "undo");
    return repo.get(restored.runId)?.label ?? runLabel(null);
  });
  say(undoDone({ kind: action.kind, label, named: namedFiles(restored.files), count: restored.files.length, cannotRestore: restored.cannotRestore }));
}
