// Drives the machines benchmark's stack: one signed message and the wait for its whole turn, the
// wait for the relay's idle suspension, and a stop through the Machines API. Every wait is bounded.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { INBOUND_PATH } from "../relay/drive";
import { STAND_IN_CREDENTIALS } from "../lib/stand-ins";
import { inboundForm, messageSid, signedPost } from "../lib/webhooks";
import type { WranglerDev } from "../lib/wrangler-dev";
import type { ModelRequest } from "./measure";
import type { MachinesStack } from "./stack";

/** A turn from a stopped Machine boots a VM and a CLI; the first one also makes the volume and the Machine. */
const TURN_TIMEOUT_MS = 90_000;
const POLL_MS = 50;
const SLOW_POLL_MS = 100;
const LEASE_TTL_S = 30;
const STOP_WAIT_S = 60;

export type Turn = {
  sentAt: number;
  webhookStatus: number;
  webhookMs: number;
  endAt: number;
  /** What the offline model received from the send to the turn's end. */
  modelRequests: ModelRequest[];
};

/** The stand-in's view of a Machine on its host (GET /__fly/machines/{id}), what the bench reads of it. */
const HostMachineSchema = z.object({ state: z.string(), volumeDir: z.string().nullable() });
/** A VM run log's meta file (vm/src/runs/run-log.ts), what the bench reads of it. */
const RunMetaSchema = z.object({ createdAt: z.number() });

let sids = 0;

const count = (relay: WranglerDev, event: string) => relay.events.reduce((n, e) => n + (e.fields.event === event ? 1 : 0), 0);

/**
 * Sends one message from `phone` and waits for its whole turn: the model's request carrying the
 * text, the relay's `run_finished`, and a new reply to the phone at the Twilio emulator. So the
 * next turn finds the run closed and the CLI warm.
 */
export async function sendTurn(stack: Pick<MachinesStack, "model" | "twilio">, relay: WranglerDev, phone: string, text: string): Promise<Turn> {
  const url = `${relay.url}${INBOUND_PATH}`;
  const post = signedPost(url, inboundForm({ phone, text, sid: messageSid(++sids) }, STAND_IN_CREDENTIALS.accountSid), STAND_IN_CREDENTIALS.authToken);
  const finishedBefore = count(relay, "run_finished");
  const repliesBefore = await repliesTo(stack, phone);
  const fromIndex = stack.model.requests.length;
  const received = () => stack.model.requests.slice(fromIndex);
  const sentAt = Date.now();
  const response = await fetch(url, { method: "POST", headers: post.headers, body: post.body, signal: AbortSignal.timeout(30_000) });
  const webhookMs = Date.now() - sentAt;
  await response.arrayBuffer();
  if (response.status !== 200) return { sentAt, webhookStatus: response.status, webhookMs, endAt: Date.now(), modelRequests: received() };
  const until = sentAt + TURN_TIMEOUT_MS;
  // Each request is looked at once: the bench's own work must not slow the proxy and the model it hosts.
  let looked = 0;
  let heard = false;
  const heardNow = () => {
    const requests = received();
    for (; !heard && looked < requests.length; looked++) heard = requests[looked]!.path === "/v1/messages" && JSON.stringify(requests[looked]!.body).includes(text);
    return heard;
  };
  await waitUntil(until, POLL_MS, async () => heardNow() && count(relay, "run_finished") > finishedBefore, `the turn "${text}" to end`);
  await waitUntil(until, SLOW_POLL_MS, async () => (await repliesTo(stack, phone)) > repliesBefore, `the reply to "${text}"`);
  return { sentAt, webhookStatus: response.status, webhookMs, endAt: Date.now(), modelRequests: received() };
}

async function repliesTo(stack: Pick<MachinesStack, "twilio">, phone: string): Promise<number> {
  return (await stack.twilio.sentMessages()).filter((m) => m.to === `whatsapp:${phone}`).length;
}

/** The id of the Machine the relay made (its `machine_created` line). */
export function machineIdOf(relay: WranglerDev): string {
  const created = relay.events.find((e) => e.fields.event === "machine_created");
  const id = created?.fields.machineId;
  if (typeof id !== "string") throw new Error("the relay logged no machine_created line with a machineId");
  return id;
}

/** Waits for the relay's alarm to suspend the Machine (its `machine_suspended` line after `since`) and the stand-in to hold it so. */
export async function waitSuspendedByRelay(stack: MachinesStack, machineId: string, since: number, idleMs: number): Promise<number> {
  const until = Date.now() + idleMs + 30_000;
  await waitUntil(until, SLOW_POLL_MS, async () => stack.machinesRelay.events.some((e) => e.at >= since && e.fields.event === "machine_suspended"), "the relay's idle suspension");
  await waitUntil(until, SLOW_POLL_MS, async () => (await hostState(stack, machineId)) === "suspended", "the Machine to be suspended");
  return Date.now();
}

/** Stops the Machine behind the relay's back, under a lease of its own, as an operator (or `MACHINE_IDLE_ACTION=stop`) would. */
export async function stopThroughApi(stack: MachinesStack, machineId: string): Promise<void> {
  const fly = stack.flyClient;
  const lease = must(await fly.acquireLease(machineId, LEASE_TTL_S, "bench: stop"), "lease");
  try {
    const machine = must(await fly.getMachine(machineId), "get");
    must(await fly.stopMachine(machineId, {}, lease.nonce), "stop");
    must(await fly.waitMachine(machineId, { state: "stopped", instanceId: machine.instance_id, timeoutSeconds: STOP_WAIT_S }), "wait stopped");
  } finally {
    await fly.releaseLease(machineId, lease.nonce);
  }
}

/** The `createdAt` of every run in a VM's run logs (DATA_DIR/.runs/<runId>.meta.json). */
export async function runCreatedAts(dataDir: string): Promise<number[]> {
  const dir = join(dataDir, ".runs");
  const metas = (await readdir(dir)).filter((name) => name.endsWith(".meta.json"));
  const times = await Promise.all(metas.map(async (name) => RunMetaSchema.safeParse(JSON.parse(await readFile(join(dir, name), "utf8"))).data?.createdAt));
  return times.filter((t): t is number => t !== undefined);
}

/** Where the stand-in keeps the Machine's volume: the VM's DATA_DIR. */
export async function volumeDirOf(stack: MachinesStack, machineId: string): Promise<string> {
  const { volumeDir } = HostMachineSchema.parse(await (await fetch(`${stack.fly.apiUrl}/__fly/machines/${encodeURIComponent(machineId)}`, { signal: AbortSignal.timeout(5_000) })).json());
  if (!volumeDir) throw new Error(`machine ${machineId} has no volume`);
  return volumeDir;
}

async function hostState(stack: MachinesStack, machineId: string): Promise<string | null> {
  const res = await fetch(`${stack.fly.apiUrl}/__fly/machines/${encodeURIComponent(machineId)}`, { signal: AbortSignal.timeout(5_000) });
  return HostMachineSchema.safeParse(await res.json()).data?.state ?? null;
}

function must<T>(result: { ok: true; value: T } | { ok: false; failure: string; message?: string }, what: string): T {
  if (!result.ok) throw new Error(`Machines API ${what}: ${result.failure} ${result.message ?? ""}`.trim());
  return result.value;
}

async function waitUntil(untilAt: number, pollMs: number, done: () => Promise<boolean>, what: string): Promise<void> {
  for (;;) {
    if (await done()) return;
    if (Date.now() >= untilAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
