// Measures what an active user's runs cost the relay: one phone's runs of messages, one after
// another, through the real relay under wrangler dev (workerd) with the Twilio and VM stand-ins,
// counted from the stand-ins, the relay's log lines (rows as the relay bench counts them) and the
// object's SQLite files under wrangler's storage folder.
import { readdir } from "node:fs/promises";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { REPO_ROOT } from "../lib/paths";
import { relayVars, STAND_IN_CREDENTIALS, type StandIns, startStandIns } from "../lib/stand-ins";
import { startWranglerDev, type WranglerDev } from "../lib/wrangler-dev";
import { runRelayLoad } from "../relay/drive";
import { type LoadShape, phoneOf, planLoad } from "../relay/plan";
import type { MeasuredRun } from "./month-cost";

const LOAD_TIMEOUT_MS = 90_000;
const creds = { accountSid: STAND_IN_CREDENTIALS.accountSid, authToken: STAND_IN_CREDENTIALS.authToken };

/** One run as the bench saw it, before it is summed with the others. */
export type RunSample = MeasuredRun & { alarms: number; statusCallbacks: number; drained: boolean; lost: number; duplicated: number };

export type MonthMeasure = {
  runs: RunSample[];
  /** The object's SQLite files after its first message, and after every run. */
  sqliteBytesAfterFirst: number;
  sqliteBytesAfterRuns: number;
};

/** `runs` runs of `messagesPerRun` messages from one phone, whose object exists already (its first message is sent before). */
export async function measureRuns(runs: number, messagesPerRun: number, log: (line: string) => void): Promise<MonthMeasure> {
  const phone = phoneOf(0, 0, 0);
  const standIns = await startStandIns({ statusCallbacks: true });
  try {
    const relay = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars(standIns, [phone]) });
    try {
      const first: LoadShape = { key: "first", label: "the user's first message", phones: 1, messagesPerPhone: 1, concurrency: 1, burst: false };
      await runRelayLoad(planLoad(first, 0, 0), relay, standIns, creds, LOAD_TIMEOUT_MS);
      const sqliteBytesAfterFirst = await objectBytes(relay);
      const samples: RunSample[] = [];
      for (let r = 1; r <= runs; r++) {
        const sample = await measureRun(relay, standIns, r, messagesPerRun);
        samples.push(sample);
        log(`month: run ${r}/${runs}: ${sample.messages} messages, ${sample.rowsWritten} rows written, ${sample.alarms} alarms, ${sample.statusCallbacks} callbacks, replies in ${sample.runMs} ms${sample.drained ? "" : ", NOT DRAINED"}`);
      }
      return { runs: samples, sqliteBytesAfterFirst, sqliteBytesAfterRuns: await objectBytes(relay) };
    } finally {
      await relay.stop();
    }
  } finally {
    await standIns.stop();
  }
}

/**
 * A run as a person has it: each message sent once the previous one's reply came (and Twilio's
 * status callbacks for it were posted), so each is its own turn. Each message is one relay load,
 * drained, so its rows, callbacks and alarms are its own.
 */
async function measureRun(relay: WranglerDev, standIns: StandIns, run: number, messages: number): Promise<RunSample> {
  const total: RunSample = { messages: 0, workerRequests: 0, workerCpuMs: 0, durableRequests: 0, rowsWritten: 0, rowsRead: null, durableActiveMs: 0, runMs: 0, alarms: 0, statusCallbacks: 0, drained: true, lost: 0, duplicated: 0 };
  for (let m = 0; m < messages; m++) {
    const shape: LoadShape = { key: `run${run}m${m}`, label: "a message of a run", phones: 1, messagesPerPhone: 1, concurrency: 1, burst: false };
    const [firstEvent, startedAt] = [relay.events.length, Date.now()];
    const measure = await runRelayLoad(planLoad(shape, 0, 0), relay, standIns, creds, LOAD_TIMEOUT_MS);
    // The emulator keeps only this load's sends (runRelayLoad reset it first).
    const lastReplyAt = Math.max(...(await standIns.sentMessages()).map((s) => Date.parse(s.dateCreated)));
    const lines = relay.events.slice(firstEvent);
    const alarms = lines.filter((e) => e.fields.event === "alarm_done").length;
    const lastLineAt = Math.max(lastReplyAt, ...lines.map((e) => e.at));
    const callbacks = measure.statusCallbacks.posted;
    total.messages += measure.requests;
    // Every webhook and callback the bench sends is for an allowed sender: each reaches the object in one RPC.
    total.workerRequests += measure.requests + callbacks;
    total.workerCpuMs += measure.workerdCpuMsPerMessage * measure.requests;
    total.durableRequests += measure.requests + callbacks + alarms;
    total.rowsWritten += measure.rows.total;
    total.durableActiveMs += lastLineAt - startedAt;
    total.runMs += lastReplyAt - startedAt;
    total.alarms += alarms;
    total.statusCallbacks += callbacks;
    total.drained &&= measure.drained;
    total.lost += measure.replies.lost;
    total.duplicated += measure.replies.duplicated;
  }
  return total;
}

/**
 * The size of the user's object's database as Cloudflare bills it (pages × page size, what
 * `ctx.storage.sql.databaseSize` reports), read from its file under wrangler's storage folder with
 * its write-ahead log applied: the file alone lags behind until SQLite checkpoints it.
 */
async function objectBytes(relay: WranglerDev): Promise<number> {
  const root = join(relay.persistTo, "v3", "do");
  const dirs = (await readdir(root).catch(() => [] as string[])).filter((d) => d.includes("PhoneAgent"));
  const files = (await Promise.all(dirs.map(async (d) => (await readdir(join(root, d))).filter((f) => f.endsWith(".sqlite")).map((f) => join(root, d, f))))).flat();
  if (files.length === 0) throw new Error(`no PhoneAgent database under ${root}`);
  let bytes = 0;
  for (const file of files) {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const row = db.prepare("SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()").get() as { bytes: number };
      bytes += row.bytes;
    } finally {
      db.close();
    }
  }
  return bytes;
}
