// Drives the relay for the schedules benchmark: sends signed commands and messages, and waits
// for what must have happened (replies in the Twilio emulator, task starts at the VM stand-in,
// quiet Durable Object logs), each wait bounded.
import type { StandIns } from "../lib/stand-ins";
import type { Inbound } from "../lib/webhooks";
import type { WranglerDev } from "../lib/wrangler-dev";
import { type Credentials, sendLoad } from "../relay/drive";
import { type CpuSample, type LogLine, repliesMatching } from "./measure";

const POLL_MS = 250;
const SEND_TIMEOUT_MS = 60_000;

/** Sends lanes of signed webhooks (a lane's items one after another); every one must get 200. */
export async function sendAll(lanes: Inbound[][], relay: WranglerDev, creds: Credentials, concurrency: number): Promise<void> {
  const shape = { key: "schedules", label: "schedules", phones: lanes.length, messagesPerPhone: 0, concurrency, burst: false };
  const result = await sendLoad({ shape, lanes, phones: [] }, relay.url, creds, SEND_TIMEOUT_MS);
  const refused = result.samples.filter((s) => s.status !== 200);
  if (refused.length > 0 || result.timedOut) {
    throw new Error(`${refused.length} webhook(s) not answered 200 (first: ${refused[0]?.status} ${refused[0]?.error ?? ""})${result.timedOut ? ", timed out" : ""}`);
  }
}

export type ExpectedReply = { phone: string; pattern: RegExp; count: number };

/** Waits until the emulator holds the expected replies; returns whether they all came by `untilAt`. */
export async function waitForReplies(standIns: StandIns, expected: readonly ExpectedReply[], untilAt: number): Promise<boolean> {
  return pollUntil(untilAt, async () => {
    const sent = await standIns.sentMessages();
    return expected.every((e) => repliesMatching(sent, e.phone, e.pattern) >= e.count);
  });
}

/** Waits until the VM stand-in has received `count` POST /v1/runs carrying task messages. */
export async function waitForTaskStarts(standIns: StandIns, count: number, untilAt: number, starts: (requests: Awaited<ReturnType<StandIns["vmRequests"]>>) => number): Promise<boolean> {
  return pollUntil(untilAt, async () => starts(await standIns.vmRequests()) >= count);
}

/** Waits until `done(lines)` holds for the Durable Objects' log lines. */
export async function waitForLog(relay: WranglerDev, untilAt: number, done: (lines: readonly LogLine[]) => boolean): Promise<boolean> {
  return pollUntil(untilAt, async () => done(relay.events));
}

/** Waits until no log line has arrived for `quietMs` (at most until `untilAt`). */
export async function waitForQuiet(relay: WranglerDev, quietMs: number, untilAt: number): Promise<void> {
  for (let seen = relay.events.length; Date.now() < untilAt; ) {
    await sleep(quietMs);
    if (relay.events.length === seen) return;
    seen = relay.events.length;
  }
}

/** Samples workerd's CPU time every `everyMs` until `stop` settles (or `maxMs` passes). */
export async function sampleCpu(relay: WranglerDev, everyMs: number, maxMs: number, stop: Promise<unknown>): Promise<CpuSample[]> {
  const samples: CpuSample[] = [];
  let stopped = false;
  const done = () => (stopped = true);
  stop.then(done, done);
  for (const until = Date.now() + maxMs; ; await sleep(everyMs)) {
    samples.push({ at: Date.now(), workerdMs: relay.cpu().workerdMs });
    if (stopped || Date.now() >= until) return samples;
  }
}

export async function sleepUntil(at: number): Promise<void> {
  const ms = at - Date.now();
  if (ms > 0) await sleep(ms);
}

async function pollUntil(untilAt: number, check: () => Promise<boolean>): Promise<boolean> {
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= untilAt) return false;
    await sleep(POLL_MS);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
