// Bindings and settings of the Worker. Values arrive as untrusted strings and are parsed
// once by `loadConfig` (src/config/config.ts, with each capability's declared settings listed in
// src/agent/relay-settings.ts); nothing else reads them directly. Each channel declares
// its own settings in its folder (src/channels/*/env.d.ts), merged into this same global Env.
interface Env {
  PHONE_AGENT: DurableObjectNamespace<import("./phone-agent").PhoneAgent>;
  USER_DIRECTORY: DurableObjectNamespace<import("./index").UserDirectory>;
  /** Stored media, both ways (`[[r2_buckets]]` in wrangler.toml); absent: no media links are served. */
  MEDIA?: R2Bucket;
  /** Idle users' archives (`[[r2_buckets]]` in wrangler.toml); absent: nobody is archived, and no volume is deleted. */
  ARCHIVE?: R2Bucket;
  /** Workers AI, for voice-note transcription; optional (see wrangler.toml). */
  AI?: Ai;
  PUBLIC_URL?: string;
  ALLOWED_SENDERS?: string;
  ADMIN_SENDERS?: string;
  VM_URL?: string;
  VM_TOKEN?: string;
  VM_MODE?: string;
  FLY_API_TOKEN?: string;
  FLY_APP?: string;
  FLY_API_BASE?: string;
  FLY_PROXY_URL?: string;
  FLY_IMAGE?: string;
  FLY_REGIONS?: string;
  MACHINE_IDLE_MS?: string;
  MACHINE_IDLE_ACTION?: string;
  MACHINE_RETIRE_DAYS?: string;
  ARCHIVE_AFTER_DAYS?: string;
  MAX_MESSAGES_PER_MINUTE?: string;
  MAX_PARALLEL_RUNS?: string;
  DAILY_BUDGET_USD?: string;
  MONTHLY_BUDGET_USD?: string;
  ALLOWLIST_CACHE_MS?: string;
  PROGRESS_AFTER_MS?: string;
  PROGRESS_EVERY_MS?: string;
  APPROVALS_DEFAULT?: string;
  APPROVAL_TIMEOUT_MS?: string;
  MEDIA_RETENTION_DAYS?: string;
  MEDIA_SIGNING_KEY?: string;
  WEB_LINK_TTL_HOURS?: string;
  TRANSCRIBER_URL?: string;
  SPEECH_URL?: string;
  VOICE_REPLY_MODEL?: string;
  VOICE_REPLY_MAX_SECONDS?: string;
  GITHUB_STAND_IN_URL?: string;
  LAPTOP_MODEL_URL?: string;
}

declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("./index");
    durableNamespaces: "PhoneAgent" | "UserDirectory";
  }
  interface Env extends globalThis.Env {}
}
