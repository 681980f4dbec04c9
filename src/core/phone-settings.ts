// What a phone's units are set to, read from the configuration. A configuration that did not load
// (null) still gives an object that stores what arrives: no Twilio, no VM, and these defaults.
import type { ApprovalMode } from "./approvals";
import type { Caps } from "./budget";
import { DEFAULT_PROGRESS_PACING, type ProgressPacing } from "./progress-update";
import { DEFAULT_APPROVAL_TIMEOUT_MS } from "../protocol/vm-protocol";
import { isConfiguredAdmin } from "../channels/user-names";

/** What is read of the configuration (src/config.ts's Config has this shape; core does not import it). */
export type PhoneConfig = {
  twilio: { accountSid: string | null; authToken: string | null; from: string; apiBase: string; messagingApiBase: string; contentApiBase: string; templateSid: string | null };
  publicUrl: string | null;
  adminSenders: ReadonlySet<string>;
  adminTelegramUsers?: ReadonlySet<string>;
  telegram?: { token: string; apiBase: string } | null;
  machines: object | null;
  maxMessagesPerMinute: number;
  budget: Caps;
  approvals: { defaultMode: ApprovalMode; timeoutMs: number };
  progress: ProgressPacing;
  media: { transcriberUrl: string | null };
};

/** The Twilio account messages go out through; both credentials, or none is usable. */
export type TwilioAccount = { accountSid: string; authToken: string; from: string; apiBase: string; messagingApiBase: string; contentApiBase: string };

export type PhoneSettings = {
  twilio: TwilioAccount | null;
  /** The Telegram bot (TELEGRAM_BOT_TOKEN): Telegram messages' files are fetched through it; null: no Telegram. */
  telegram: { token: string; apiBase: string } | null;
  /** PUBLIC_URL; null: links and callbacks use the origin the last webhook came to. */
  publicUrl: string | null;
  /** The approved "a result is waiting" template (HX…); null: held replies wait silently. */
  templateSid: string | null;
  /** `machines`: the phone has its own Machine; `shared`: one VM for every phone (or none configured). */
  vmMode: "machines" | "shared";
  isAdmin: boolean;
  maxMessagesPerMinute: number;
  caps: Caps;
  approvals: { defaultMode: ApprovalMode; timeoutMs: number };
  progress: ProgressPacing;
  /** A transcriber of voice notes besides Workers AI (TRANSCRIBER_URL). */
  transcriberUrl: string | null;
};

const DEFAULTS = {
  maxMessagesPerMinute: 30,
  caps: { dailyUsd: 20, monthlyUsd: null },
  approvals: { defaultMode: "edits", timeoutMs: DEFAULT_APPROVAL_TIMEOUT_MS },
} as const;

export function phoneSettingsOf(config: PhoneConfig | null, phone: string): PhoneSettings {
  return {
    twilio: twilioAccountOf(config),
    telegram: config?.telegram ? { token: config.telegram.token, apiBase: config.telegram.apiBase } : null,
    publicUrl: config?.publicUrl ?? null,
    templateSid: config?.twilio.templateSid ?? null,
    vmMode: config?.machines ? "machines" : "shared",
    isAdmin: isConfiguredAdmin(config, phone),
    maxMessagesPerMinute: config?.maxMessagesPerMinute ?? DEFAULTS.maxMessagesPerMinute,
    caps: config?.budget ?? DEFAULTS.caps,
    approvals: config?.approvals ?? DEFAULTS.approvals,
    progress: config?.progress ?? DEFAULT_PROGRESS_PACING,
    transcriberUrl: config?.media.transcriberUrl ?? null,
  };
}

function twilioAccountOf(config: PhoneConfig | null): TwilioAccount | null {
  const t = config?.twilio;
  if (!t?.accountSid || !t.authToken) return null;
  return { accountSid: t.accountSid, authToken: t.authToken, from: t.from, apiBase: t.apiBase, messagingApiBase: t.messagingApiBase, contentApiBase: t.contentApiBase };
}
