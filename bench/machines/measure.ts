// The machines benchmark's measures, from what the offline model received and what the relay
// logged during one sample. Pure: the section gathers the requests and log lines.
import { median } from "../lib/stats";
import type { LogEvent } from "../lib/wrangler-dev";
import { EXPECTED_STARTS, type MeasuredPath } from "./plan";

/** A request as the offline model recorded it: `at` is its Date.now() once the body was read. */
export type ModelRequest = { method: string; path: string; body: unknown; at: number };

const isMessagesRequest = (r: ModelRequest) => r.method === "POST" && r.path === "/v1/messages";

/**
 * When the model heard of the turn sent at `sentAt`: the first `POST /v1/messages` at or after it
 * (the figure), and the first whose body carries the turn's own text (the CLI's request for the
 * turn; later when the CLI sends something else first). Null when none came.
 */
export function modelArrival(requests: readonly ModelRequest[], sentAt: number, text: string): { firstAt: number | null; turnAt: number | null } {
  // The model's clock has whole milliseconds: a request in the same millisecond as the send counts.
  const after = requests.filter((r) => isMessagesRequest(r) && r.at >= Math.floor(sentAt));
  const turn = after.find((r) => JSON.stringify(r.body).includes(text));
  return { firstAt: after[0]?.at ?? null, turnAt: turn?.at ?? null };
}

/** When the VM took the turn's run: the earliest run-log `createdAt` (the VM's Date.now() once it parsed POST /v1/runs) at or after the send. */
export function vmReceivedAt(createdAts: readonly number[], sentAt: number): number | null {
  const after = createdAts.filter((at) => at >= Math.floor(sentAt));
  return after.length === 0 ? null : Math.min(...after);
}

export type PathSample = {
  path: MeasuredPath;
  round: number;
  sentAt: number;
  /** The webhook's answer, and how long it took (send → status line). */
  webhookStatus: number;
  webhookMs: number;
  /** Webhook sent → the model's first `POST /v1/messages`: the figure. */
  firstModelMs: number | null;
  /** Webhook sent → the model's first request carrying this turn's text. */
  turnModelMs: number | null;
  /** The figure's two parts: webhook sent → the VM took the run (relay, Machine start, proxy), and from there → the model's first request (VM, CLI). */
  toVmMs: number | null;
  vmToModelMs: number | null;
  /** `machine_started` lines the relay logged during the sample, and the last one's `coldStartMs` (lease, start, release, check). */
  machineStarts: number;
  relayStartMs: number | null;
  /** `fly_retry` lines (a 429, a 5xx, a lease held) during the sample. */
  flyRetries: number;
};

export type RelayDuringSample = Pick<PathSample, "machineStarts" | "relayStartMs" | "flyRetries">;

/** What the relay logged about its Machine between two moments (log lines stamped as read). */
export function relayDuring(events: readonly LogEvent[], fromAt: number, toAt: number): RelayDuringSample {
  const inWindow = events.filter((e) => e.at >= fromAt && e.at <= toAt);
  const starts = inWindow.filter((e) => e.fields.event === "machine_started");
  const coldStartMs = starts.at(-1)?.fields.coldStartMs;
  return {
    machineStarts: starts.length,
    relayStartMs: typeof coldStartMs === "number" ? coldStartMs : null,
    flyRetries: inWindow.filter((e) => e.fields.event === "fly_retry").length,
  };
}

/**
 * Why a sample does not measure its path, or null when it does: no model request (the turn got
 * lost or timed out), a webhook not answered 200, or a Machine start where none was due (a warm
 * sample the alarm had suspended first) or missing where one was (the Machine was not asleep).
 */
export function sampleProblem(s: PathSample): string | null {
  if (s.webhookStatus !== 200) return `webhook answered ${s.webhookStatus}`;
  if (s.firstModelMs === null) return "no model request";
  if (s.machineStarts !== EXPECTED_STARTS[s.path]) return `${s.machineStarts} Machine start(s), expected ${EXPECTED_STARTS[s.path]}`;
  return null;
}

export type PathSummary = {
  path: MeasuredPath;
  /** Samples taken, and those that measure the path (the figures use only these). */
  count: number;
  valid: number;
  p50: number;
  min: number;
  max: number;
  /** The same for the turn's own request, the figure's two parts, and the relay's Machine start. */
  turnP50: number;
  toVmP50: number;
  vmToModelP50: number;
  relayStartP50: number;
  webhookP50: number;
  flyRetries: number;
};

/** What every path sample times: webhook sent → the model's first request, and its parts. */
export type TimedSample = Pick<PathSample, "webhookMs" | "firstModelMs" | "turnModelMs" | "toVmMs" | "vmToModelMs">;
export type PathTimings = { p50: number; min: number; max: number; turnP50: number; toVmP50: number; vmToModelP50: number; webhookP50: number };

/** The medians (and the figure's range) over samples that measure the path; also the checkpoint-path section's. */
export function pathTimings<S extends TimedSample>(valid: readonly S[], more: (s: S) => number | null = () => null): PathTimings & { moreP50: number } {
  const values = (pick: (s: S) => number | null) => valid.map(pick).filter((v): v is number => v !== null);
  const first = values((s) => s.firstModelMs);
  return {
    p50: median(first),
    min: first.length === 0 ? Number.NaN : Math.min(...first),
    max: first.length === 0 ? Number.NaN : Math.max(...first),
    turnP50: median(values((s) => s.turnModelMs)),
    toVmP50: median(values((s) => s.toVmMs)),
    vmToModelP50: median(values((s) => s.vmToModelMs)),
    webhookP50: median(values((s) => s.webhookMs)),
    moreP50: median(values(more)),
  };
}

export function summarizePath(path: MeasuredPath, samples: readonly PathSample[]): PathSummary {
  const mine = samples.filter((s) => s.path === path);
  const valid = mine.filter((s) => sampleProblem(s) === null);
  const { moreP50, ...timings } = pathTimings(valid, (s) => s.relayStartMs);
  return { path, count: mine.length, valid: valid.length, ...timings, relayStartP50: moreP50, flyRetries: mine.reduce((n, s) => n + s.flyRetries, 0) };
}
