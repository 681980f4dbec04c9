// The Worker's settings, parsed once from the environment with zod; invalid settings fail closed.
// Each capability declares its own settings (settings-declaration.ts's shape, in its own folder:
// channels/config.ts, machines/machines-settings.ts, ...); they are joined above every capability
// (agent/relay-settings.ts) and handed here. The rest, the relay's own, are here.
import * as z from "zod/mini";
import { httpUrl, optional } from "./config-fields";
import type { ChannelsSettings, SettingsPart } from "./settings-declaration";
import { parseNumberListDetailed } from "../shared/phone";

/** The relay's own settings, in three groups: the capabilities' own go between them (envShapeOf), in the order GET /health has always named them. */
const SENDERS_SHAPE = {
  PUBLIC_URL: optional(httpUrl),
  ALLOWED_SENDERS: z.optional(z.string()),
  ADMIN_SENDERS: z.optional(z.string()),
};
const LIMITS_SHAPE = {
  DAILY_BUDGET_USD: optional(z.string().check(z.regex(/^\d{1,6}(\.\d{1,4})?$/, "DAILY_BUDGET_USD must be an amount in dollars, e.g. 20"))),
  MONTHLY_BUDGET_USD: optional(z.string().check(z.regex(/^\d{1,7}(\.\d{1,4})?$/, "MONTHLY_BUDGET_USD must be an amount in dollars, e.g. 200"))),
  MAX_MESSAGES_PER_MINUTE: optional(z.string().check(z.regex(/^\d{1,4}$/, "MAX_MESSAGES_PER_MINUTE must be a whole number"))),
  MAX_PARALLEL_RUNS: optional(z.string().check(z.regex(/^\d{1,2}$/, "MAX_PARALLEL_RUNS must be a whole number"), z.refine((v) => Number(v) >= 1 && Number(v) <= 10, "MAX_PARALLEL_RUNS must be 1 to 10"))),
  ALLOWLIST_CACHE_MS: optional(z.string().check(z.regex(/^\d{1,7}$/, "ALLOWLIST_CACHE_MS must be a whole number of milliseconds"), z.refine((v) => Number(v) <= 3_600_000, "ALLOWLIST_CACHE_MS must be at most 3600000"))),
};
const LINKS_SHAPE = {
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
};

/** Every capability's declaration of its settings, joined above them (agent/relay-settings.ts). */
export type SettingsDeclarations = {
  channels: ChannelsSettings<ChannelsFields>;
  machines: SettingsPart<Pick<Config, "vm" | "machines">>;
  archive: SettingsPart<Pick<Config, "archiveAfterMs">>;
  progress: SettingsPart<Pick<Config, "progress">>;
  approvals: SettingsPart<Pick<Config, "approvals">>;
};

const envSchemaOf = (d: SettingsDeclarations) =>
  z.object({ ...d.channels.env, ...SENDERS_SHAPE, ...d.machines.env, ...d.archive.env, ...LIMITS_SHAPE, ...d.progress.env, ...d.approvals.env, ...LINKS_SHAPE });
type OwnSettings = z.output<z.ZodMiniObject<typeof SENDERS_SHAPE & typeof LIMITS_SHAPE & typeof LINKS_SHAPE>>;

/** The channels' fields of Config: empty here, each channel's added where it is declared (channels/config.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the channels' declaration (declaration merging)
export interface ChannelsFields {}

/** The relay's configuration, read by name across the code; a capability's fields are filled from its declared settings. */
export type Config = ChannelsFields & {
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
  progress: { firstAfterMs: number; everyMs: number };
  /** New conversations' approval mode (approvals/approvals.ts's ApprovalMode), and how long a prompt waits before it is denied. */
  approvals: { defaultMode: "off" | "edits" | "on"; timeoutMs: number };
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

/** `problems`: each as `NAME: why`, never with a value (config-fields.ts's ConfigProblems). */
export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

const cache = new WeakMap<object, ConfigResult>();

/** Parsed once per environment object (one per isolate in production), with the one record of declarations the relay has. */
export function loadConfig(env: object, declarations: SettingsDeclarations): ConfigResult {
  const cached = cache.get(env);
  if (cached) return cached;
  const result = parseConfig(env, declarations);
  cache.set(env, result);
  return result;
}

function parseConfig(env: object, d: SettingsDeclarations): ConfigResult {
  const parsed = envSchemaOf(d).safeParse(env);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
  }
  const e = parsed.data as OwnSettings & Readonly<Record<string, unknown>>;
  const machines = d.machines.read(e);
  if (!machines.ok) return machines;
  const allowed = parseNumberListDetailed(e.ALLOWED_SENDERS);
  const admins = parseNumberListDetailed(e.ADMIN_SENDERS);
  const lists = [listProblem("ALLOWED_SENDERS", allowed.invalid), listProblem("ADMIN_SENDERS", admins.invalid)].filter((p) => p !== null);
  if (lists.length > 0) return { ok: false, problems: lists };
  const channels = d.channels.read(e);
  if (!channels.ok) return channels;
  const archive = d.archive.read(e);
  const progress = d.progress.read(e);
  const approvals = d.approvals.read(e);
  if (!archive.ok) return archive;
  if (!progress.ok) return progress;
  if (!approvals.ok) return approvals;
  return {
    ok: true,
    config: {
      ...channels.config,
      publicUrl: e.PUBLIC_URL ?? null,
      allowedSenders: allowed.numbers,
      adminSenders: admins.numbers,
      ...machines.config,
      ...archive.config,
      maxMessagesPerMinute: e.MAX_MESSAGES_PER_MINUTE === undefined ? 30 : Number(e.MAX_MESSAGES_PER_MINUTE),
      maxParallelRuns: e.MAX_PARALLEL_RUNS === undefined ? 3 : Number(e.MAX_PARALLEL_RUNS),
      allowlistCacheMs: e.ALLOWLIST_CACHE_MS === undefined ? 60_000 : Number(e.ALLOWLIST_CACHE_MS),
      budget: { dailyUsd: e.DAILY_BUDGET_USD === undefined ? 20 : Number(e.DAILY_BUDGET_USD), monthlyUsd: e.MONTHLY_BUDGET_USD === undefined ? null : Number(e.MONTHLY_BUDGET_USD) },
      ...progress.config,
      ...approvals.config,
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
