// The lone task: one user, one task due while nothing else is, so its lateness is the
// scheduler's own (alarm → claim → VM request) without a hundred other objects in the way.
// `/schedule every 1m` is due one minute after the relay reads it; the due time is read back
// from the task's message id, and the task is deleted after its first start.
import type { StandIns } from "../lib/stand-ins";
import { nowMs } from "../lib/load";
import type { WranglerDev } from "../lib/wrangler-dev";
import type { Credentials } from "../relay/drive";
import { sendAll, waitForReplies, waitForTaskStarts } from "./drive";
import { type TaskStart, taskStarts } from "./measure";
import { inbound } from "./plan";

const INTERVAL_MS = 60_000;
const STEP_TIMEOUT_MS = 30_000;

export type LoneTask = {
  /** No earlier than the real due time (the relay's clock read it before answering). */
  dueAtUpperBound: number;
  /** Resolves with the task's first start (null if none came in time), after deleting the task. */
  finished: Promise<TaskStart | null>;
};

export async function startLoneTask(phone: string, relay: WranglerDev, standIns: StandIns, creds: Credentials): Promise<LoneTask> {
  await sendAll([[inbound(phone, "/schedule every 1m bench lone task")]], relay, creds, 1);
  const answeredAt = nowMs();
  if (!(await waitForReplies(standIns, [{ phone, pattern: /^Task #1 scheduled: /, count: 1 }], Date.now() + STEP_TIMEOUT_MS))) {
    throw new Error("lone task: not confirmed");
  }
  const dueAtUpperBound = answeredAt + INTERVAL_MS;
  const finished = finish(phone, dueAtUpperBound, relay, standIns, creds);
  // Awaited by the caller later; until then a failure must not count as unhandled.
  finished.catch(() => undefined);
  return { dueAtUpperBound, finished };
}

async function finish(phone: string, dueAtUpperBound: number, relay: WranglerDev, standIns: StandIns, creds: Credentials): Promise<TaskStart | null> {
  const mine = (requests: Awaited<ReturnType<StandIns["vmRequests"]>>) => taskStarts(requests.filter((r) => r.userId === phone));
  await waitForTaskStarts(standIns, 1, dueAtUpperBound + STEP_TIMEOUT_MS, (requests) => mine(requests).length);
  // Before its next run a minute later, which could fall on the burst.
  await sendAll([[inbound(phone, "/schedule delete 1")]], relay, creds, 1);
  await waitForReplies(standIns, [{ phone, pattern: /^Task #1 deleted\.$/, count: 1 }], Date.now() + STEP_TIMEOUT_MS);
  return mine(await standIns.vmRequests())[0] ?? null;
}
