// What a user's units are set to, read from the configuration (here, above every capability whose
// setting it reads, not in config/). A configuration that did not load
// (null) still gives an object that stores what arrives: no channel client, no VM, and these
// defaults. The channels' own settings are read in the channel layer (src/channels/clients.ts).
import type { ApprovalMode } from "../approvals/approvals";
import type { Caps } from "../usage/budget";
import { DEFAULT_PROGRESS_PACING, type ProgressPacing } from "../runs/progress-update";
import { DEFAULT_APPROVAL_TIMEOUT_MS } from "../protocol/vm/approvals";
import { isConfiguredAdmin } from "../channels/user-names";

/** What is read of the configuration (src/config/config.ts's Config has this shape; core does not import it). */
export type PhoneConfig = NonNullable<Parameters<typeof isConfiguredAdmin>[0]> & {
  publicUrl: string | null;
  machines: object | null;
  maxMessagesPerMinute: number;
  maxParallelRuns?: number;
  budget: Caps;
  approvals: { defaultMode: ApprovalMode; timeoutMs: number };
  progress: ProgressPacing;
  media: { transcriberUrl: string | null };
  voiceReply?: { model: string; maxSeconds: number; speechUrl: string | null };
};

export type PhoneSettings = {
  /** PUBLIC_URL; null: links and callbacks use the origin the last webhook came to. */
  publicUrl: string | null;
  /** `machines`: the phone has its own Machine; `shared`: one VM for every phone (or none configured). */
  vmMode: "machines" | "shared";
  isAdmin: boolean;
  maxMessagesPerMinute: number;
  /** MAX_PARALLEL_RUNS: conversations of this user that run at once. */
  maxParallelRuns: number;
  caps: Caps;
  approvals: { defaultMode: ApprovalMode; timeoutMs: number };
  progress: ProgressPacing;
  /** A transcriber of voice notes besides Workers AI (TRANSCRIBER_URL). */
  transcriberUrl: string | null;
  /** Replies spoken as voice notes: VOICE_REPLY_MODEL, VOICE_REPLY_MAX_SECONDS, and the local SPEECH_URL. */
  voiceReply: { model: string; maxSeconds: number; speechUrl: string | null };
};

const DEFAULTS = {
  maxMessagesPerMinute: 30,
  maxParallelRuns: 3,
  caps: { dailyUsd: 20, monthlyUsd: null },
  approvals: { defaultMode: "edits", timeoutMs: DEFAULT_APPROVAL_TIMEOUT_MS },
  voiceReply: { model: "@cf/deepgram/aura-1", maxSeconds: 60, speechUrl: null },
} as const;

export function phoneSettingsOf(config: PhoneConfig | null, phone: string): PhoneSettings {
  return {
    publicUrl: config?.publicUrl ?? null,
    vmMode: config?.machines ? "machines" : "shared",
    isAdmin: isConfiguredAdmin(config, phone),
    maxMessagesPerMinute: config?.maxMessagesPerMinute ?? DEFAULTS.maxMessagesPerMinute,
    maxParallelRuns: config?.maxParallelRuns ?? DEFAULTS.maxParallelRuns,
    caps: config?.budget ?? DEFAULTS.caps,
    approvals: config?.approvals ?? DEFAULTS.approvals,
    progress: config?.progress ?? DEFAULT_PROGRESS_PACING,
    transcriberUrl: config?.media.transcriberUrl ?? null,
    voiceReply: config?.voiceReply ?? DEFAULTS.voiceReply,
  };
}

