// Brings the idle-day users (d) to rest: one has a message answered, one creates a daily task
// and deletes it, one creates one and pauses it. Records their stored alarms along the way, so
// the report shows the alarm set while a task existed and gone once nothing was due.
import type { StandIns } from "../lib/stand-ins";
import type { WranglerDev } from "../lib/wrangler-dev";
import type { Credentials } from "../relay/drive";
import { readStoredAlarms, type StoredAlarm } from "./alarm-store";
import { sendAll, waitForQuiet, waitForReplies } from "./drive";
import { type IdleUsers, inbound } from "./plan";

const STEP_TIMEOUT_MS = 30_000;
const QUIET_MS = 1_500;
const DAILY_TASK = "/schedule every 1d bench idle task";
export const CHAT_TEXT = "bench idle hello";

export type IdleSetup = {
  /** Stored alarms of the task users while their daily task was active (expected: set, one day ahead). */
  whileTaskActive: Record<"deleted" | "paused", StoredAlarm | null>;
  /** When those were read. */
  readAt: number;
  storageError: string | null;
};

export async function settleIdleUsers(idle: IdleUsers, relay: WranglerDev, standIns: StandIns, creds: Credentials): Promise<IdleSetup> {
  await sendAll([[inbound(idle.chat, CHAT_TEXT)], [inbound(idle.deleted, DAILY_TASK)], [inbound(idle.paused, DAILY_TASK)]], relay, creds, 3);
  await mustReply(standIns, [
    { phone: idle.chat, pattern: new RegExp(`^echo: ${CHAT_TEXT}$`), count: 1 },
    { phone: idle.deleted, pattern: /^Task #1 scheduled/, count: 1 },
    { phone: idle.paused, pattern: /^Task #1 scheduled/, count: 1 },
  ]);
  const readAt = Date.now();
  const stored = await storedAlarms(relay);
  await sendAll([[inbound(idle.deleted, "/schedule delete 1")], [inbound(idle.paused, "/schedule pause 1")]], relay, creds, 2);
  await mustReply(standIns, [
    { phone: idle.deleted, pattern: /^Task #1 deleted\.$/, count: 1 },
    { phone: idle.paused, pattern: /^Task #1 paused\.$/, count: 1 },
  ]);
  await waitForQuiet(relay, QUIET_MS, Date.now() + STEP_TIMEOUT_MS);
  return {
    whileTaskActive: { deleted: stored.alarms?.get(idle.deleted) ?? null, paused: stored.alarms?.get(idle.paused) ?? null },
    readAt,
    storageError: stored.error,
  };
}

/** The stored alarms, or why they could not be read (the bench reports it rather than failing). */
export async function storedAlarms(relay: WranglerDev): Promise<{ alarms: Map<string, StoredAlarm> | null; error: string | null }> {
  try {
    return { alarms: await readStoredAlarms(relay.persistTo), error: null };
  } catch (error) {
    return { alarms: null, error: error instanceof Error ? error.message : String(error) };
  }
}

async function mustReply(standIns: StandIns, expected: Parameters<typeof waitForReplies>[1]): Promise<void> {
  if (!(await waitForReplies(standIns, expected, Date.now() + STEP_TIMEOUT_MS))) {
    throw new Error(`idle users: no reply within ${STEP_TIMEOUT_MS / 1000} s to ${expected.map((e) => e.phone).join(", ")}`);
  }
}
