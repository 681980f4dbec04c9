// The published prices an active month is priced at: Cloudflare's (Workers Paid) and Fly's, each
// with where it was read and when. Marginal prices only: the allowances an account's plan includes
// (10 M Worker requests, 1 M DO requests, 50 M rows written…) are shared by every user of the
// operator's account, so one user's month is priced as if they were spent.

export type Prices = {
  cloudflare: {
    /** Workers Standard, per request. */
    workerRequest: number;
    /** Workers Standard, per CPU millisecond. */
    workerCpuMs: number;
    /** Durable Objects, per request (HTTP, RPC session, WebSocket message or alarm invocation). */
    durableRequest: number;
    /** Durable Objects, per GB-second of wall-clock duration while active. */
    durableGbSecond: number;
    /** The memory every active object is billed for, in GB (128 MB). */
    durableObjectGb: number;
    /** SQLite-backed Durable Objects, per row read. */
    sqliteRowRead: number;
    /** SQLite-backed Durable Objects, per row written. */
    sqliteRowWritten: number;
    /** SQLite-backed Durable Objects, per GB-month stored. */
    sqliteGbMonth: number;
    /** R2 Standard, per Class A operation (writes, lists). */
    r2ClassA: number;
    /** R2 Standard, per Class B operation (reads). */
    r2ClassB: number;
    /** R2 Standard, per GB-month stored. */
    r2GbMonth: number;
    /** Workers AI @cf/openai/whisper, per audio minute. */
    whisperMinute: number;
    /** Workers AI @cf/deepgram/aura-1, per 1,000 characters of input. */
    auraThousandChars: number;
  };
  fly: {
    /** A running shared vCPU with its 256 MB, per month of 730 hours. */
    sharedCpuMonth: number;
    /** Each further GB of a running Machine's memory, per month of 730 hours. */
    extraMemoryGbMonth: number;
    /** The hours Fly's monthly prices are quoted for. */
    hoursPerMonth: number;
    /** A stopped or suspended Machine's used root filesystem, per GB-month. */
    rootfsGbMonth: number;
    /** A volume's provisioned size, per GB-month, attached or not. */
    volumeGbMonth: number;
  };
};

export const PRICES: Prices = {
  cloudflare: {
    // https://developers.cloudflare.com/workers/platform/pricing/ (Workers Standard: $0.30/million
    // requests, $0.02/million CPU ms; the same figures on /workflows/reference/pricing/), read 2026-11-28.
    workerRequest: 0.3 / 1e6,
    workerCpuMs: 0.02 / 1e6,
    // https://developers.cloudflare.com/durable-objects/platform/pricing/ (compute: $0.15/million
    // requests, alarm invocations included; $12.50/million GB-s; 128 MB per object), read 2026-11-28.
    durableRequest: 0.15 / 1e6,
    durableGbSecond: 12.5 / 1e6,
    durableObjectGb: 0.128,
    // Same page, SQLite storage backend (billed since 2026-01-07, per the DO release notes):
    // rows read $0.001/million, rows written $1.00/million, stored data $0.20/GB-month, read 2026-11-28.
    sqliteRowRead: 0.001 / 1e6,
    sqliteRowWritten: 1 / 1e6,
    sqliteGbMonth: 0.2,
    // https://developers.cloudflare.com/r2/pricing/ (Standard: Class A $4.50/million, Class B
    // $0.36/million, storage $0.015/GB-month), read 2026-11-28.
    r2ClassA: 4.5 / 1e6,
    r2ClassB: 0.36 / 1e6,
    r2GbMonth: 0.015,
    // https://developers.cloudflare.com/workers-ai/platform/pricing/ (@cf/openai/whisper $0.0005 per
    // audio minute; @cf/deepgram/aura-1 $0.015 per 1k characters input), read 2026-11-28.
    whisperMinute: 0.0005,
    auraThousandChars: 0.015,
  },
  fly: {
    // https://fly.io/docs/about/pricing/ (shared-cpu-1x 256 MB $2.02/month; each further GB of RAM
    // $5/month; monthly figures are 730 hours, billed per second), read 2026-11-23 (docs/fly-machines.md, "Costs").
    sharedCpuMonth: 2.02,
    extraMemoryGbMonth: 5,
    hoursPerMonth: 730,
    // https://community.fly.io/t/we-are-going-to-start-collecting-charges-for-stopped-machines-rootfs-starting-april-25th/17825
    // ($0.15/GB-month of used root filesystem while stopped; suspended the same, per
    // https://fly.io/docs/reference/suspend-resume/), and https://fly.io/docs/about/pricing/ (volumes
    // $0.15/GB-month provisioned), read 2026-11-28.
    rootfsGbMonth: 0.15,
    volumeGbMonth: 0.15,
  },
};
