// The Worker's settings, parsed once from the environment with zod; invalid settings fail closed.
// Each channel's settings and checks are its own (src/channels/config.ts); the rest are here.
import * as z from "zod/mini";
import { CHANNELS_ENV_SHAPE, CHANNELS_SIGNING_SETTINGS, channelsConfig, type ChannelsConfig } from "../channels/config";
import { httpUrl, optional } from "./config-fields";
import type { ApprovalMode } from "../approvals/approvals";
import { parseFlyRegions } from "../machines/fly-retry";
import { archiveAfterMs } from "../archive/archive-plan";
import { parseNumberListDetailed } from "../shared/phone";
import { DEFAULT_PROGRESS_PACING, type ProgressPacing } from "../runs/progress-update";
import { DEFAULT_APPROVAL_TIMEOUT_MS, MAX_APPROVAL_TIMEOUT_MS } from "../protocol/vm/approvals";

const EnvSchema = z.object({
  ...CHANNELS_ENV_SHAPE,
  PUBLIC_URL: optional(httpUrl),
  ALLOWED_SENDERS: z.optional(z.string()),
  ADMIN_SENDERS: z.optional(z.string()),
  VM_URL: optional(httpUrl),
  VM_TOKEN: optional(z.string().check(z.minLength(1))),
  VM_MODE: optional(z.enum(["shared", "machines"], "VM_MODE must be shared or machines")),
  FLY_API_TOKEN: optional(z.string().check(z.minLength(1))),
  FLY_APP: optional(z.string().check(z.regex(/^[a-z0-9-]{1,63}$/, "FLY_APP must be a Fly app name (lowercase letters, digits, dashes)"))),
  FLY_API_BASE: optional(httpUrl),
  FLY_PROXY_URL: optional(httpUrl),
  FLY_IMAGE: optional(z.string().check(z.minLength(1), z.maxLength(300))),
  FLY_REGIONS: optional(z.string().check(z.regex(/^\s*[a-z]{3}\s*(,\s*[a-z]{3}\s*)*$/i, "FLY_REGIONS must be three-letter region codes separated by commas"))),
  MACHINE_IDLE_MS: optional(z.string().check(z.regex(/^\d{1,9}$/, "MACHINE_IDLE_MS must be a whole number of milliseconds"), z.refine((v) => Number(v) >= 1000, "MACHINE_IDLE_MS must be at least 1000"))),
  MACHINE_IDLE_ACTION: optional(z.enum(["suspend", "stop"], "MACHINE_IDLE_ACTION must be suspend or stop")),
  // Fractions allowed (a test retires a Machine in seconds).
  // Fractions allowed (a test archives a user in seconds).
  ARCHIVE_AFTER_DAYS: optional(z.string().check(z.regex(/^\d{1,4}(\.\d{1,6})?$/, "ARCHIVE_AFTER_DAYS must be a number of days"), z.refine((v) => Number(v) > 0, "ARCHIVE_AFTER_DAYS must be more than 0"))),
  MACHINE_RETIRE_DAYS: optional(z.string().check(z.regex(/^\d{1,4}(\.\d{1,6})?$/, "MACHINE_RETIRE_DAYS must be a number of days"), z.refine((v) => Number(v) > 0, "MACHINE_RETIRE_DAYS must be more than 0"))),
  DAILY_BUDGET_USD: optional(z.string().check(z.regex(/^\d{1,6}(\.\d{1,4})?$/, "DAILY_BUDGET_USD must be an amount in dollars, e.g. 20"))),
  MONTHLY_BUDGET_USD: optional(z.string().check(z.regex(/^\d{1,7}(\.\d{1,4})?$/, "MONTHLY_BUDGET_USD must be an amount in dollars, e.g. 200"))),
  MAX_MESSAGES_PER_MINUTE: optional(z.string().check(z.regex(/^\d{1,4}$/, "MAX_MESSAGES_PER_MINUTE must be a whole number"))),
  MAX_PARALLEL_RUNS: optional(z.string().check(z.regex(/^\d{1,2}$/, "MAX_PARALLEL_RUNS must be a whole number"), z.refine((v) => Number(v) >= 1 && Number(v) <= 10, "MAX_PARALLEL_RUNS must be 1 to 10"))),
  ALLOWLIST_CACHE_MS: optional(z.string().check(z.regex(/^\d{1,7}$/, "ALLOWLIST_CACHE_MS must be a whole number of milliseconds"), z.refine((v) => Number(v) <= 3_600_000, "ALLOWLIST_CACHE_MS must be at most 3600000"))),
  PROGRESS_AFTER_MS: optional(z.string().check(z.regex(/^\d{1,8}$/, "PROGRESS_AFTER_MS must be a whole number of milliseconds"))),
  PROGRESS_EVERY_MS: optional(z.string().check(z.regex(/^\d{1,8}$/, "PROGRESS_EVERY_MS must be a whole number of milliseconds"), z.refine((v) => Number(v) >= 1000, "PROGRESS_EVERY_MS must be at least 1000"))),
  APPROVALS_DEFAULT: optional(z.enum(["off", "edits", "on"], "APPROVALS_DEFAULT must be off, edits or on")),
  // At least 10 s (a person must be able to answer), at most the VM's own cap of 24 h.
  APPROVAL_TIMEOUT_MS: optional(
    z.string().check(z.regex(/^\d{1,9}$/, "APPROVAL_TIMEOUT_MS must be a whole number of milliseconds"), z.refine((v) => Number(v) >= 10_000 && Number(v) <= MAX_APPROVAL_TIMEOUT_MS, "APPROVAL_TIMEOUT_MS must be between 10000 and 86400000")),
  ),
  MEDIA_RETENTION_DAYS: optional(z.string().check(z.regex(/^\d{1,3}$/, "MEDIA_RETENTION_DAYS must be a whole number of days"), z.refine((v) => Number(v) >= 1 && Number(v) <= 365, "MEDIA_RETENTION_DAYS must be between 1 and 365"))),
  // Local only: the offline stand-in of Workers AI's transcription (the AI binding wins when bound).
  TRANSCRIBER_URL: optional(httpUrl),
  // Local only: the offline stand-in of Workers AI's text-to-speech (the AI binding wins when bound).
  SPEECH_URL: optional(httpUrl),
  VOICE_REPLY_MODEL: optional(z.string().check(z.regex(/^@cf\/[\w.-]+\/[\w.-]+$/, "VOICE_REPLY_MODEL must be a Workers AI model id, e.g. @cf/deepgram/aura-1"))),
  VOICE_REPLY_MAX_SECONDS: optional(z.string().check(z.regex(/^\d{1,3}$/, "VOICE_REPLY_MAX_SECONDS must be a whole number of seconds"), z.refine((v) => Number(v) >= 5 && Number(v) <= 600, "VOICE_REPLY_MAX_SECONDS must be between 5 and 600"))),
  GITHUB_STAND_IN_URL: optional(httpUrl),
  // Local only: the offline model's URL, which a /handoff line's laptop needs to resume there (npm start sets it).
  LAPTOP_MODEL_URL: optional(httpUrl),
  // Optional: without it, media links are signed with a key derived from a channel's secret (src/channels/config.ts).
  MEDIA_SIGNING_KEY: optional(z.string().check(z.minLength(32, "MEDIA_SIGNING_KEY must be at least 32 characters"))),
  // Optional: without it, GitHub webhooks' secrets and triggers' tokens derive from the media signing secret.
  DOOR_SIGNING_KEY: optional(z.string().check(z.minLength(32, "DOOR_SIGNING_KEY must be at least 32 characters"))),
  // Hours a /web or /dashboard link works; fractions allowed (a test uses 0.01), at most a year.
  WEB_LINK_TTL_HOURS: optional(z.string().check(z.regex(/^\d{1,4}(\.\d{1,6})?$/, "WEB_LINK_TTL_HOURS must be a number of hours"), z.refine((v) => Number(v) > 0 && Number(v) <= 8760, "WEB_LINK_TTL_HOURS must be more than 0 and at most 8760"))),
  // Pages watching runs live at once, per link and per phone; past either the oldest socket closes (the bench raises them).
  LIVE_PAGES_PER_LINK: optional(z.string().check(z.regex(/^[1-9]\d{0,3}$/, "LIVE_PAGES_PER_LINK must be a whole number from 1 to 9999"))),
  LIVE_PAGES_PER_USER: optional(z.string().check(z.regex(/^[1-9]\d{0,3}$/, "LIVE_PAGES_PER_USER must be a whole number from 1 to 9999"))),
});

export type Config = ChannelsConfig & {
  publicUrl: string | null;
  allowedSenders: ReadonlySet<string>;
  adminSenders: ReadonlySet<string>;
  /** `shared` (VM_MODE): the one agent VM every user's requests go to (VM_URL); null when not configured. */
  vm: { url: string; token: string } | null;
  /** `machines` (VM_MODE): each phone's own Fly Machine; null in shared mode. */
  machines: MachinesConfig | null;
  /** ARCHIVE_AFTER_DAYS in milliseconds: unused this long, the user's files go to the ARCHIVE bucket (docs/fly-machines.md, "Archiving idle users"). */
  archiveAfterMs: number;
  /** Messages per user per minute before the excess is refused (0: no limit). */
  maxMessagesPerMinute: number;
  /** Conversations of one user that run at once (MAX_PARALLEL_RUNS). */
  maxParallelRuns: number;
  /** How long a Worker isolate answers from its copy of the directory's allowlist (0: never). */
  allowlistCacheMs: number;
  /** Per-user spend caps, in dollars; the daily one in the user's time zone. */
  budget: { dailyUsd: number; monthlyUsd: number | null };
  /** Updates during long runs: the first after, then at most one every. */
  progress: ProgressPacing;
  /** New conversations' approval mode, and how long a prompt waits before it is denied. */
  approvals: { defaultMode: ApprovalMode; timeoutMs: number };
  /**
   * Stored media: kept `retentionDays` (links never outlive that); links signed with keys derived
   * from `signingSecret` (MEDIA_SIGNING_KEY, else a channel's secret; null: no media links at all).
   */
  media: { retentionDays: number; signingSecret: string | null; transcriberUrl: string | null };
  /** Replies spoken as voice notes: the model (VOICE_REPLY_MODEL), the longest (VOICE_REPLY_MAX_SECONDS), the local stand-in (SPEECH_URL). */
  voiceReply: { model: string; maxSeconds: number; speechUrl: string | null };
  /** WEB_LINK_TTL_HOURS: how long a /web or /dashboard link works (signed with a key of its own from media.signingSecret). */
  webLinkTtlHours: number;
  /** LIVE_PAGES_PER_LINK, LIVE_PAGES_PER_USER: open live pages a link, and all of a phone's links, may hold (web/live-caps.ts). */
  livePages: { perLink: number; perUser: number };
  /** Local only: the GitHub stand-in `npm start` runs, where /github watch registers the webhook itself (null: the user pastes it into GitHub). */
  githubStandInUrl: string | null;
  /** LAPTOP_MODEL_URL: the offline model a hand-off's laptop resumes against; null: the laptop uses its own login or key. */
  laptopModelUrl: string | null;
  /** DOOR_SIGNING_KEY, else media.signingSecret: each webhook's secret and trigger's token derive from it (triggers/door-keys.ts); null: none work. */
  doorSigningSecret: string | null;
};

export type MachinesConfig = {
  api: { apiBase: string; app: string; token: string };
  proxyUrl: string;
  image: string;
  regions: string[];
  idleMs: number;
  idleAction: "suspend" | "stop";
  retireMs: number;
  /** The relay's VM_TOKEN: each Machine's own is derived from it. */
  relayVmToken: string;
};

/** What media and /web links are signed with, first set first (media.signingSecret). */
export const MEDIA_SECRET_SETTINGS: readonly string[] = ["MEDIA_SIGNING_KEY", ...CHANNELS_SIGNING_SETTINGS];
/** What the GitHub webhooks' and triggers' doors are keyed with, first set first (doorSigningSecret). */
export const DOOR_SECRET_SETTINGS: readonly string[] = ["DOOR_SIGNING_KEY", ...MEDIA_SECRET_SETTINGS];

/** `problems`: each as `NAME: why`, never with a value (config-fields.ts's ConfigProblems). */
export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

const cache = new WeakMap<object, ConfigResult>();

/** Parsed once per environment object (one per isolate in production). */
export function loadConfig(env: object): ConfigResult {
  const cached = cache.get(env);
  if (cached) return cached;
  const result = parseConfig(env);
  cache.set(env, result);
  return result;
}

function parseConfig(env: object): ConfigResult {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
  }
  const e = parsed.data;
  const machines = machinesConfig(e);
  if (!machines.ok) return { ok: false, problems: machines.problems };
  const allowed = parseNumberListDetailed(e.ALLOWED_SENDERS);
  const admins = parseNumberListDetailed(e.ADMIN_SENDERS);
  const lists = [listProblem("ALLOWED_SENDERS", allowed.invalid), listProblem("ADMIN_SENDERS", admins.invalid)].filter((p) => p !== null);
  if (lists.length > 0) return { ok: false, problems: lists };
  const channels = channelsConfig(e);
  if (!channels.ok) return channels;
  return {
    ok: true,
    config: {
      ...channels.config,
      publicUrl: e.PUBLIC_URL ?? null,
      allowedSenders: allowed.numbers,
      adminSenders: admins.numbers,
      vm: machines.config === null && e.VM_URL && e.VM_TOKEN ? { url: e.VM_URL, token: e.VM_TOKEN } : null,
      machines: machines.config,
      archiveAfterMs: archiveAfterMs(e.ARCHIVE_AFTER_DAYS === undefined ? 3 : Number(e.ARCHIVE_AFTER_DAYS)),
      maxMessagesPerMinute: e.MAX_MESSAGES_PER_MINUTE === undefined ? 30 : Number(e.MAX_MESSAGES_PER_MINUTE),
      maxParallelRuns: e.MAX_PARALLEL_RUNS === undefined ? 3 : Number(e.MAX_PARALLEL_RUNS),
      allowlistCacheMs: e.ALLOWLIST_CACHE_MS === undefined ? 60_000 : Number(e.ALLOWLIST_CACHE_MS),
      budget: { dailyUsd: e.DAILY_BUDGET_USD === undefined ? 20 : Number(e.DAILY_BUDGET_USD), monthlyUsd: e.MONTHLY_BUDGET_USD === undefined ? null : Number(e.MONTHLY_BUDGET_USD) },
      progress: {
        firstAfterMs: e.PROGRESS_AFTER_MS === undefined ? DEFAULT_PROGRESS_PACING.firstAfterMs : Number(e.PROGRESS_AFTER_MS),
        everyMs: e.PROGRESS_EVERY_MS === undefined ? DEFAULT_PROGRESS_PACING.everyMs : Number(e.PROGRESS_EVERY_MS),
      },
      approvals: { defaultMode: e.APPROVALS_DEFAULT ?? "edits", timeoutMs: e.APPROVAL_TIMEOUT_MS === undefined ? DEFAULT_APPROVAL_TIMEOUT_MS : Number(e.APPROVAL_TIMEOUT_MS) },
      media: { retentionDays: e.MEDIA_RETENTION_DAYS === undefined ? 7 : Number(e.MEDIA_RETENTION_DAYS), signingSecret: e.MEDIA_SIGNING_KEY ?? channels.mediaSigningSecret, transcriberUrl: e.TRANSCRIBER_URL ?? null },
      voiceReply: { model: e.VOICE_REPLY_MODEL ?? "@cf/deepgram/aura-1", maxSeconds: e.VOICE_REPLY_MAX_SECONDS === undefined ? 60 : Number(e.VOICE_REPLY_MAX_SECONDS), speechUrl: e.SPEECH_URL ?? null },
      webLinkTtlHours: e.WEB_LINK_TTL_HOURS === undefined ? 24 : Number(e.WEB_LINK_TTL_HOURS),
      livePages: { perLink: e.LIVE_PAGES_PER_LINK === undefined ? 5 : Number(e.LIVE_PAGES_PER_LINK), perUser: e.LIVE_PAGES_PER_USER === undefined ? 20 : Number(e.LIVE_PAGES_PER_USER) },
      githubStandInUrl: e.GITHUB_STAND_IN_URL ?? null,
      laptopModelUrl: e.LAPTOP_MODEL_URL ?? null,
      doorSigningSecret: e.DOOR_SIGNING_KEY ?? e.MEDIA_SIGNING_KEY ?? channels.mediaSigningSecret,
    },
  };
}

/**
 * A list's entries that are not E.164, counted but not quoted: every problem names its setting
 * and never a value (they reach GET /health, src/config/config-check.ts).
 */
function listProblem(name: string, invalid: string[]): string | null {
  if (invalid.length === 0) return null;
  return `${name}: ${invalid.length === 1 ? "an entry is" : `${invalid.length} entries are`} not an E.164 number (+15551234567)`;
}

/** In `machines` mode the Fly settings are required: a half-configured mode fails closed. */
function machinesConfig(e: z.infer<typeof EnvSchema>): { ok: true; config: MachinesConfig | null } | { ok: false; problems: string[] } {
  if ((e.VM_MODE ?? "shared") === "shared") return { ok: true, config: null };
  const missing = (["FLY_API_TOKEN", "FLY_APP", "FLY_IMAGE", "VM_TOKEN"] as const).filter((name) => e[name] === undefined);
  if (missing.length > 0) return { ok: false, problems: missing.map((name) => `${name}: required when VM_MODE=machines`) };
  const app = e.FLY_APP!;
  return {
    ok: true,
    config: {
      api: { apiBase: e.FLY_API_BASE ?? "https://api.machines.dev", app, token: e.FLY_API_TOKEN! },
      proxyUrl: e.FLY_PROXY_URL ?? `https://${app}.fly.dev`,
      image: e.FLY_IMAGE!,
      regions: parseFlyRegions(e.FLY_REGIONS),
      idleMs: e.MACHINE_IDLE_MS === undefined ? 900_000 : Number(e.MACHINE_IDLE_MS),
      idleAction: e.MACHINE_IDLE_ACTION ?? "suspend",
      retireMs: Math.round((e.MACHINE_RETIRE_DAYS === undefined ? 30 : Number(e.MACHINE_RETIRE_DAYS)) * 86_400_000),
      relayVmToken: e.VM_TOKEN!,
    },
  };
}
