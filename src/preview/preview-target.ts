// Where a /preview link's request goes, decided by the phone's object: only while the link's epochs
// are the current ones (/web revoke, /preview off) and its conversation is still there; the VM
// reached as every other call reaches it (a suspended Machine started first, through Fly's proxy).
// With `restart`, the conversation's remembered server is started again first (the VM ended it).
import type { SettingsRepo } from "../config/settings-repo";
import type { VmConnectionSource } from "../machines/vm-client";
import { previewRowOf } from "./preview-state";
import { previewStateStarting, type PreviewDeps } from "./preview-actions";

/** What the link says it is for (from its verified token). */
/** How long a preview request waits for a suspended or stopped Machine to start. */
export const PREVIEW_CONNECT_MS = 60_000;

export type PreviewTargetRequest = { conversationId: number; port: number; epoch: number; previewEpoch: number; restart: boolean };

export type PreviewTarget =
  | { ok: true; url: string; token: string; headers: Record<string, string>; userId: string; workspace: string }
  | { ok: false; reason: "gone" | "unreachable" };

export type PreviewTargetDeps = PreviewDeps & {
  source: VmConnectionSource | null;
  settings: SettingsRepo;
  /** The phone's /web link epoch now. */
  webEpoch: number;
  workspaceOf: (conversationId: number) => string | null;
  /** How long a Machine's start may take before the request is answered 502. */
  connectMs: number;
};

export async function previewTarget(d: PreviewTargetDeps, request: PreviewTargetRequest): Promise<PreviewTarget> {
  const workspace = d.workspaceOf(request.conversationId);
  if (!workspace || !d.source || request.epoch !== d.webEpoch || request.previewEpoch !== previewRowOf(d.settings, request.conversationId).epoch) return { ok: false, reason: "gone" };
  const now = d.clock();
  const target = await d.source.connect({ now, deadline: now + d.connectMs });
  if (!target.ok) return { ok: false, reason: "unreachable" };
  if (request.restart) await previewStateStarting(d, request.conversationId, workspace);
  return { ok: true, url: target.url, token: target.token, headers: target.headers, userId: d.phone, workspace };
}
