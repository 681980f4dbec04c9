// /preview and /preview off carried out after the webhook's answer: the VM asked what the
// conversation serves (its kept server started again when it had ended), a port chosen, a signed
// link made; or the link epoch moved on and the kept server ended.
import type { Config } from "../config/config";
import { publicOriginOf, type SettingsRepo } from "../config/settings-repo";
import type { VmClient } from "../machines/vm-client";
import type { PreviewState } from "../protocol/vm/preview";
import type { Clock } from "../shared/clock";
import type { Log } from "../shared/log";
import { choosePreviewPort, PREVIEW_UNAVAILABLE, previewChoiceReply, previewLinkReply, previewOffReply, previewStartFailed, previewVmFailed } from "./preview-choice";
import { previewRowOf, rememberPreviewServer } from "./preview-state";
import { derivePreviewKey, makePreviewToken } from "./preview-token";

export type PreviewAction = { kind: "preview"; conversationId: number; workspace: string; conversation: string; port: number | null; command: string | null; epoch: number };
export type PreviewOffAction = { kind: "preview_off"; workspace: string; conversation: string };

export type PreviewDeps = { vm: VmClient | null; phone: string; env: Env; config: Config | null; settings: SettingsRepo; log: Log; clock: Clock };

/** Derived keys by secret: one derivation per isolate and secret. */
const keys = new Map<string, Promise<CryptoKey>>();

/** The key of preview links, or null when no signing secret is configured (then no link is made or opened). */
export function previewKeyFor(config: Config | null): Promise<CryptoKey> | null {
  const secret = config?.media.signingSecret;
  if (!secret) return null;
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = derivePreviewKey(secret)));
  return key;
}

/** The VM's word on the conversation's preview, or null when it could not be had. */
async function stateOf(d: PreviewDeps, workspace: string, method: "GET" | "POST" | "DELETE", body = {}): Promise<PreviewState | null> {
  const answer = await d.vm?.preview(d.phone, workspace, method, body).catch((e: unknown) => ({ ok: false as const, detail: String(e) }));
  if (answer?.ok) return answer.state;
  d.log("preview_vm_failed", { detail: answer ? answer.detail : "no VM" });
  return null;
}

/**
 * The conversation's state, its remembered server started again when nothing of it listens any
 * more. A server the VM keeps now (the agent's preview_start since) is the one: it is never
 * replaced by the one the relay remembered.
 */
export async function previewStateStarting(d: PreviewDeps, conversationId: number, workspace: string): Promise<PreviewState | null> {
  const state = await stateOf(d, workspace, "GET");
  const server = previewRowOf(d.settings, conversationId).server;
  if (!state || !server || state.kept || state.ports.includes(server.port)) return state;
  return stateOf(d, workspace, "POST", server);
}

export async function previewLink(d: PreviewDeps, action: PreviewAction): Promise<string> {
  const key = previewKeyFor(d.config);
  const origin = publicOriginOf(d.settings, d.config);
  if (!key || !origin || !d.config || !d.vm) return PREVIEW_UNAVAILABLE;
  // The user's own command is started first, replacing the conversation's kept server, and kept as the agent's is.
  const state = action.command
    ? await stateOf(d, action.workspace, "POST", { command: action.command, ...(action.port ? { port: action.port } : {}) })
    : await previewStateStarting(d, action.conversationId, action.workspace);
  if (!state) return previewVmFailed(action.conversation);
  if (action.command && (state.problem || !state.kept)) {
    // The VM ended the kept server before starting this one: nothing is remembered to start again.
    rememberPreviewServer(d.settings, action.conversationId, null);
    return previewStartFailed(action.conversation, action.command, state.problem ?? "it did not stay running");
  }
  if (state.kept) rememberPreviewServer(d.settings, action.conversationId, { command: state.kept.command, port: state.kept.port });
  const choice = choosePreviewPort(state, action.port ?? (action.command ? (state.kept?.port ?? null) : null));
  if (choice.kind !== "port") return previewChoiceReply(action.conversation, choice);
  const now = d.clock();
  const ttlHours = d.config.webLinkTtlHours;
  const token = await makePreviewToken(await key, {
    object: d.env.PHONE_AGENT.idFromName(d.phone).toString(),
    conversationId: action.conversationId,
    port: choice.port,
    epoch: action.epoch,
    previewEpoch: previewRowOf(d.settings, action.conversationId).epoch,
    expiresAt: now + ttlHours * 3_600_000,
  });
  return previewLinkReply(action.conversation, choice.port, `${origin.replace(/\/+$/, "")}/p/${token}/`, ttlHours);
}

export async function previewOff(d: PreviewDeps, action: PreviewOffAction): Promise<string> {
  const ended = d.vm ? await stateOf(d, action.workspace, "DELETE") : null;
  return previewOffReply(action.conversation, ended !== null);
}
