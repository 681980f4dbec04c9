// An active month's cost (`--only month`): an active user's runs measured through the real relay
// (bench/month/measure.ts), scaled to 100 messages a day in 5 runs with a standup each weekday, and
// priced at Cloudflare's and Fly's published prices (bench/month/prices.ts). Fly's share is derived,
// not measured: the Machine runs for each measured run plus MACHINE_IDLE_MS, and is suspended the rest.
import { loadConfig } from "../../src/agent/relay-settings";
import { DEFAULT_GUEST } from "../../src/machines/fly-machine-config";
import { atMost, info, judged } from "../lib/figures";
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";
import { ACTIVE_USER, type MachinePlan, type MeasuredRun, priceMonth, turnsPerMonth } from "../month/month-cost";
import { measureRuns, type RunSample } from "../month/measure";
import { PRICES } from "../month/prices";

const SECTION = "month";
/** The image's used root filesystem on Fly, from docs/fly-machines.md ("The image's size": from the official base, and as built here). */
const ROOTFS_GB = [1.05, 1.18] as const;
/** agentVolumeRequest's default size (src/machines/fly-machine-config.ts). */
const VOLUME_GB = 1;
const TARGET_CLOUDFLARE_USD = 0.05;

export const DEFINITIONS = {
  user: "100 messages a day in 5 runs of 20, one scheduled standup each weekday (30 × 5/7 a month), 30 days, text only",
  run: "one phone whose Durable Object exists, 20 messages one after another (each sent once the previous webhook is answered) through the real relay under wrangler dev, the VM and Twilio stand-ins answering, status callbacks on (sent, delivered, read); drained before the next run",
  workerRequests: "webhooks sent + status callbacks the Twilio emulator posted",
  durableRequests: "one RPC per webhook and per callback (senders on ALLOWED_SENDERS: no directory call) + alarm invocations (alarm_done lines)",
  rowsWritten: "SQLite rows written over the run as the relay bench counts them from the relay's log lines (bench/relay/rows.ts)",
  rowsRead: "not counted by the relay: priced as none (at $0.001 a million, 1,000 rows read a message would add $0.003 a month)",
  workerCpu: "workerd's CPU over the run (the Worker and the object together): an upper bound of the Worker's billed CPU",
  durableDuration: "the object's wall time bounded by the run's first webhook and its last log line (an upper bound: an idle object between requests is not billed) × 128 MB",
  storage: "the object's SQLite files after the runs, grown by the measured bytes a message to a month's messages (an upper bound if old rows are pruned); R2 none for a text-only user",
  standup: "a run of one turn: priced as one message of the measured runs, and a Machine run of one message's run time",
  fly: "derived, not measured: the Machine (DEFAULT_GUEST) runs each run's measured time (per message × 20) plus MACHINE_IDLE_MS before the relay suspends it, and is suspended the rest of the month (its root filesystem, and at the high end a memory snapshot billed like one); its volume all month",
};

export const monthSection: Section = {
  name: SECTION,
  title: "an active month: an active user's runs through the relay, priced at Cloudflare's and Fly's published prices",
  run: runMonth,
};

async function runMonth({ quick, rounds, log }: SectionOptions): Promise<SectionOutcome> {
  const messagesPerRun = ACTIVE_USER.messagesPerDay / ACTIVE_USER.runsPerDay;
  const measured = await measureRuns(quick ? 1 : rounds, messagesPerRun, log);
  const run = sumRuns(measured.runs);
  const growthPerMessage = Math.max(0, measured.sqliteBytesAfterRuns - measured.sqliteBytesAfterFirst) / run.messages;
  const sqliteBytes = measured.sqliteBytesAfterFirst + growthPerMessage * turnsPerMonth(ACTIVE_USER);
  const machine = machinePlan();
  const month = priceMonth(run, { sqliteBytes, r2Bytes: 0, r2Writes: 0, r2Reads: 0 }, machine, ACTIVE_USER, PRICES);
  const perMessage = (n: number) => round(n / run.messages, 2);
  const top = [...month.cloudflare.items].sort((a, b) => b.usd - a.usd).slice(0, 4);
  const lost = measured.runs.reduce((n, r) => n + r.lost + r.duplicated, 0);
  const figures = [
    judged(SECTION, "active month, Cloudflare", round(month.cloudflare.usd, 4), "$", atMost(TARGET_CLOUDFLARE_USD), top.map((i) => `${i.name} $${round(i.usd, 4)}`).join(", ")),
    info(SECTION, "active month, Fly (derived)", `${round(month.fly.usd[0], 2)}–${round(month.fly.usd[1], 2)}`, "$", `Machine ${DEFAULT_GUEST.cpus} shared CPU, ${DEFAULT_GUEST.memory_mb} MB running ${round(month.fly.runningSeconds / 3600, 1)} h ($${round(month.fly.items[0]!.usd, 2)}), suspended the rest, ${VOLUME_GB} GB volume`),
    info(SECTION, "rows written a message", perMessage(run.rowsWritten), "rows", "as the relay bench counts them"),
    info(SECTION, "Worker requests a message", perMessage(run.workerRequests), "", "webhook + status callbacks"),
    info(SECTION, "Durable Object requests a message", perMessage(run.durableRequests), "", `of them alarms ${perMessage(sumOf(measured.runs, "alarms"))}`),
    info(SECTION, "Durable Object active a message", perMessage(run.durableActiveMs), "ms", "upper bound: first webhook to last log line"),
    info(SECTION, "workerd CPU a message", perMessage(run.workerCpuMs), "ms"),
    info(SECTION, "SQLite stored after a month", round(sqliteBytes / 1024, 0), "KiB", `${round(measured.sqliteBytesAfterFirst / 1024, 0)} KiB after the first message, + ${round(growthPerMessage, 0)} bytes a message`),
    info(SECTION, "a 20-message run, first webhook to last reply", round((run.runMs / run.messages) * messagesPerRun, 0), "ms", "with the VM stand-in: the model's time is not in it"),
    judged(SECTION, "messages lost or answered twice", lost, "", atMost(0)),
    // A message whose reply or callbacks never came would be counted short: its month would be too cheap.
    judged(SECTION, "runs not drained (replies and callbacks not all in)", measured.runs.filter((r) => !r.drained).length, "", atMost(0)),
    info(SECTION, "a voice note in and its reply spoken", round(voiceNoteUsd(30, 500), 4), "$", "30 s heard by whisper, 500 characters spoken by aura-1 (not in the month above)"),
  ];
  return { status: "ok", figures, details: { definitions: DEFINITIONS, user: ACTIVE_USER, prices: PRICES, machine, runs: measured.runs, sqlite: { ...measured, growthPerMessage, monthEnd: sqliteBytes }, month } };
}

/** The guest the relay gives every Machine, and MACHINE_IDLE_MS as the relay reads it by default. */
function machinePlan(): MachinePlan {
  const config = loadConfig({ VM_MODE: "machines", FLY_API_TOKEN: "-", FLY_APP: "-", FLY_IMAGE: "-", VM_TOKEN: "-" });
  if (!config.ok || !config.config.machines) throw new Error("the relay's machines settings did not load with their defaults");
  return { cpus: DEFAULT_GUEST.cpus, memoryMb: DEFAULT_GUEST.memory_mb, idleMs: config.config.machines.idleMs, volumeGb: VOLUME_GB, rootfsGb: ROOTFS_GB };
}

function sumRuns(runs: readonly RunSample[]): MeasuredRun {
  const keys = ["messages", "workerRequests", "workerCpuMs", "durableRequests", "rowsWritten", "durableActiveMs", "runMs"] as const;
  return { ...Object.fromEntries(keys.map((k) => [k, sumOf(runs, k)])), rowsRead: null } as MeasuredRun;
}

const sumOf = <K extends keyof RunSample>(runs: readonly RunSample[], key: K) => runs.reduce((n, r) => n + (r[key] as number), 0);
const voiceNoteUsd = (seconds: number, chars: number) => (seconds / 60) * PRICES.cloudflare.whisperMinute + (chars / 1000) * PRICES.cloudflare.auraThousandChars;
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
