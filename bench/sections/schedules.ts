// The scheduled-tasks benchmark: tasks created by signed /schedule commands on the relay under
// `wrangler dev`, due at whole minutes; how late each start reaches the VM stand-in (one task
// alone, 100 users at once, 50 tasks on one user), the alarm that runs those 50, and alarm
// wake-ups of idle users (observed while waiting for the minutes).
import { REPO_ROOT } from "../lib/paths";
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";
import { relayVars, STAND_IN_CREDENTIALS, startStandIns, type StandIns, type VmRequest } from "../lib/stand-ins";
import { startWranglerDev, type WranglerDev } from "../lib/wrangler-dev";
import { sampleCpu, sendAll, sleepUntil, waitForLog, waitForQuiet, waitForReplies, waitForTaskStarts } from "../schedules/drive";
import { type IdleObservation, type ScheduleObservations, scheduleFigures } from "../schedules/figures";
import type { StoredAlarm } from "../schedules/alarm-store";
import { settleIdleUsers, storedAlarms } from "../schedules/idle";
import { startLoneTask } from "../schedules/lone";
import { alarmsInWindow, claimingAlarm, claimLogOffsets, cpuBetween, repeatedTaskStarts, taskStarts } from "../schedules/measure";
import { dueTimes, loggedPhone, planPhones, type SchedulePhones, type ScheduleSizes, scheduleSizes, taskCommands } from "../schedules/plan";

const creds = { accountSid: STAND_IN_CREDENTIALS.accountSid, authToken: STAND_IN_CREDENTIALS.authToken };
const COMMANDS_IN_FLIGHT = 20;
/** The lone task is created this long before the first due minute: due a minute later, halfway to the second. */
const LONE_AHEAD_MS = 30_000;
const CPU_SAMPLE_MS = 100;
/** How long after the due minute every task must have started and the last alarm finished. */
const RUN_TIMEOUT_MS = 120_000;
const CREATED = /^Task #\d+ scheduled: /;
const TASK_REPLY = /^⏰ Task #\d+/;

export const DEFINITIONS = {
  lateness: "VM stand-in's arrival time (Date.now()) of the first POST /v1/runs carrying a task's message − the task's due time, read from the message id task-<scheduleId>-<dueAt>",
  timeline: "the single user's tasks are due at one whole minute, a lone task about 30 s later (nothing else due), the spread users' tasks at the next whole minute; idle users are watched throughout",
  queue: "one user's tasks go through that user's queue one run at a time: the first start's lateness is the scheduler's; the others add the runs before them (spread = last start − first start)",
  alarmHandler: "durationMs of the alarm_done line that follows the user's tasks_claimed line: the alarm claims every due task in one pass, then runs them one by one (each a VM round trip and a reply sent)",
  cpu: "workerd CPU time (user + system, /proc, 10 ms ticks) sampled every 100 ms: from the due time to the last spread start, or to the single user's alarm_done line",
  idleDay: "alarm_done lines of an idle user in the observation window, scaled to a day only if non-zero, plus one if an alarm is still stored to fire within a day; the alarm read from the object's SQLite: workerd's _cf_METADATA, the only record of it (the relay keeps none)",
};

export const schedulesSection: Section = {
  name: "schedules",
  title: "task start lateness (one task alone; 100 users at one minute; 50 tasks on one user), the 50-task alarm, idle-day alarm wake-ups",
  run: runSchedules,
};

async function runSchedules({ quick, log }: SectionOptions): Promise<SectionOutcome> {
  const sizes = scheduleSizes(quick);
  const phones = planPhones(sizes);
  const standIns = await startStandIns();
  try {
    const relay = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars(standIns, phones.all) });
    try {
      return await measureSchedules(sizes, phones, relay, standIns, log);
    } finally {
      await relay.stop();
    }
  } finally {
    await standIns.stop();
  }
}

async function measureSchedules(sizes: ScheduleSizes, phones: SchedulePhones, relay: WranglerDev, standIns: StandIns, log: (line: string) => void): Promise<SectionOutcome> {
  log(`schedules: relay ${relay.url}; idle users (a message answered, a task deleted, a task paused)`);
  const idleSetup = await settleIdleUsers(phones.idle, relay, standIns, creds);
  const windowFrom = Date.now();

  const due = dueTimes(Date.now(), sizes.leadMs);
  log(`schedules: creating 1 user × ${sizes.singleTasks} tasks due ${iso(due.singleDueAt)} and ${sizes.spreadUsers} users × 1 task due ${iso(due.spreadDueAt)}`);
  await sendAll(taskCommands(phones, sizes.singleTasks, due), relay, creds, COMMANDS_IN_FLIGHT);
  const created = [...phones.spread.map((phone) => ({ phone, count: 1 })), { phone: phones.single, count: sizes.singleTasks }];
  const confirmed = await waitForReplies(standIns, created.map((c) => ({ ...c, pattern: CREATED })), due.singleDueAt - 500);
  const confirmedAt = confirmed ? Date.now() : null;
  log(`schedules: ${confirmed ? `all created ${((due.singleDueAt - Date.now()) / 1000).toFixed(1)} s before the first due time` : "creation NOT confirmed before the due time"}; idle users observed meanwhile`);

  // The lone task falls about halfway between the two minutes, when nothing else is due.
  await sleepUntil(due.singleDueAt - LONE_AHEAD_MS);
  const lone = await startLoneTask(phones.lone, relay, standIns, creds);

  await sleepUntil(due.singleDueAt - CPU_SAMPLE_MS);
  const claimed = waitForLog(relay, due.singleDueAt + RUN_TIMEOUT_MS, (lines) => claimingAlarm(lines, loggedPhone(phones.single)) !== null);
  const singleCpuSamples = await sampleCpu(relay, CPU_SAMPLE_MS, RUN_TIMEOUT_MS, claimed);
  log("schedules: the single user's tasks ran; waiting for the lone task, then the spread users'");
  const loneStart = await lone.finished;

  await sleepUntil(due.spreadDueAt - CPU_SAMPLE_MS);
  const notSingle = (requests: VmRequest[]) => taskStarts(requests.filter((r) => r.userId !== phones.single && r.userId !== phones.lone)).length;
  const spreadStarted = waitForTaskStarts(standIns, sizes.spreadUsers, due.spreadDueAt + RUN_TIMEOUT_MS, notSingle);
  const spreadCpuSamples = await sampleCpu(relay, CPU_SAMPLE_MS, RUN_TIMEOUT_MS, spreadStarted);
  await waitForReplies(standIns, created.map((c) => ({ ...c, pattern: TASK_REPLY })), due.spreadDueAt + RUN_TIMEOUT_MS);
  await waitForQuiet(relay, 1_000, Date.now() + 15_000);
  const windowTo = Date.now();
  for (const reload of relay.reloads) log(`schedules: wrangler reloaded the relay at ${iso(reload.at)} (a source file changed): this run is disturbed`);

  const [requests, stored] = [await standIns.vmRequests(), await storedAlarms(relay)];
  const starts = taskStarts(requests);
  const spreadStarts = starts.filter((s) => s.dueAt === due.spreadDueAt && phones.spread.includes(s.userId));
  const claim = claimingAlarm(relay.events, loggedPhone(phones.single));
  const taskPhones = [...phones.spread, phones.single, phones.lone];
  const window = { fromAt: windowFrom, toAt: windowTo };
  const aheadOf = (a: StoredAlarm | null) => {
    const at = a?.alarmAt ?? null;
    return at === null ? null : at - idleSetup.readAt;
  };
  const idle: IdleObservation[] = (
    [
      ["answered a message, no tasks", phones.idle.chat, undefined],
      ["only task deleted", phones.idle.deleted, aheadOf(idleSetup.whileTaskActive.deleted)],
      ["only task paused", phones.idle.paused, aheadOf(idleSetup.whileTaskActive.paused)],
    ] as const
  ).map(([label, phone, alarmAheadWhileActiveMs]) => ({
    label,
    alarmsInWindow: alarmsInWindow(relay.events, loggedPhone(phone), window),
    window,
    storedAtEnd: stored.alarms?.get(phone) ?? null,
    alarmAheadWhileActiveMs,
  }));
  const observations: ScheduleObservations = {
    sizes,
    due,
    confirmedAt,
    loneStart,
    spreadStarts,
    spreadCpu: cpuBetween(spreadCpuSamples, due.spreadDueAt, spreadStarts.at(-1)?.at ?? Number.POSITIVE_INFINITY),
    spreadClaimLogMs: claimLogOffsets(relay.events, new Set(phones.spread.map(loggedPhone)), due.spreadDueAt),
    singleStarts: starts.filter((s) => s.dueAt === due.singleDueAt && s.userId === phones.single),
    singleRepeatedStarts: repeatedTaskStarts(requests.filter((r) => r.userId === phones.single)),
    claim,
    singleCpu: cpuBetween(singleCpuSamples, due.singleDueAt, claim?.doneAt ?? Number.POSITIVE_INFINITY),
    idle,
    leftArmed: stored.alarms ? taskPhones.filter((p) => isArmed(stored.alarms!.get(p))).length : Number.NaN,
    taskObjects: taskPhones.length,
    reloads: relay.reloads.length,
  };
  return {
    status: "ok",
    figures: scheduleFigures(observations),
    details: {
      definitions: DEFINITIONS,
      due: { single: iso(due.singleDueAt), spread: iso(due.spreadDueAt) },
      observations,
      idleSetup,
      cpuSamples: { single: singleCpuSamples, spread: spreadCpuSamples },
      storageError: stored.error,
      reloads: relay.reloads,
      storedAtEnd: stored.alarms ? [...stored.alarms.values()].filter((a) => !phones.spread.includes(a.name)) : null,
    },
  };
}

const iso = (at: number) => new Date(at).toISOString();
const isArmed = (a: StoredAlarm | undefined) => a !== undefined && a.alarmAt !== null;

