// `npm start -- --machines` end to end: the Worker in VM_MODE=machines, the Fly stand-in running the
// real agent VM (the real Claude Code CLI, the offline model) as one Machine per phone. Two phones get
// two Machines and each answers; neither reaches the other's files nor drives the other's Machine;
// both are suspended when idle, and both answer again from the same processes; after the whole stack
// restarts, each goes on with its conversation on its own Machine. The tests run in
// order on one stack: each takes up where the one before left the two Machines.
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { machineVmToken } from "../../src/machines/fly-identity";
import { useResources } from "../helpers/resources";
import { eventually, replyTo, sentTo } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";
import { flyApi, type FlyMachine } from "./helpers/fly-api";

const [ALICE, BOB] = PHONES;
/** Short, so the test sees both Machines suspended within seconds of their last run. */
const IDLE_MS = 3_000;

let stack: E2eStack;
let fly: ReturnType<typeof flyApi>;
/** Each phone's Machine, as first listed. */
const machineOf = new Map<string, FlyMachine>();
/** Each Machine's VM process before it was suspended. */
const pidBefore = new Map<string, number | null>();

const resources = useResources();

beforeAll(async () => {
  stack = await startE2eStack("machines", resources, { machines: { MACHINE_IDLE_MS: String(IDLE_MS) } });
  fly = flyApi(stack.urls, stack.machines!);
});

/** What the phone simulator does when a person types: the emulator posts the Worker a signed webhook. */
async function say(from: string, body: string): Promise<void> {
  const response = await fetch(`${stack.urls.twilio}/__emulator/inbound`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from, body }),
  });
  expect(await response.json()).toMatchObject({ status: 200 });
}

/** How long a wait for one answer may take where a whole stack or a Machine boots first. */
const SLOW_MACHINE_WAIT_MS = 240_000;

async function nthReply(phone: string, n: number): Promise<string> {
  return eventually(`reply ${n} to ${phone}`, async () => (await sentTo(stack.urls.twilio, phone))[n - 1]?.body ?? undefined, SLOW_MACHINE_WAIT_MS);
}

/** Every file under a directory, as paths relative to it. */
const filesUnder = (dir: string) => readdirSync(dir, { recursive: true, encoding: "utf8" });

it("gives two phones two Machines, each on a volume of its own with a token of its own, and each answers", async () => {
  await Promise.all([say(ALICE, "hello from Alice"), say(BOB, "hello from Bob")]);
  expect(await nthReply(ALICE, 1)).toContain(replyTo("hello from Alice"));
  expect(await nthReply(BOB, 1)).toContain(replyTo("hello from Bob"));

  const machines = await fly.machines();
  expect(machines).toHaveLength(2);
  // Whose is which: each Machine's own VM_TOKEN is derived from the relay's and its phone.
  for (const phone of [ALICE, BOB]) {
    const token = await machineVmToken(stack.vars.VM_TOKEN, phone);
    const mine = machines.filter((m) => m.config.env.VM_TOKEN === token);
    expect(mine).toHaveLength(1);
    machineOf.set(phone, mine[0]!);
  }
  const [alice, bob] = [machineOf.get(ALICE)!, machineOf.get(BOB)!];
  expect(alice.name).not.toBe(bob.name);
  expect(alice.config.mounts[0]!.volume).not.toBe(bob.config.mounts[0]!.volume);
  for (const machine of machines) {
    const host = await fly.host(machine.id);
    pidBefore.set(machine.id, host.pid);
    // The Machine's DATA_DIR is its volume: the phone's conversation is kept there.
    expect(filesUnder(host.volumeDir).some((file) => file.endsWith(".jsonl"))).toBe(true);
  }
}, 2 * SLOW_MACHINE_WAIT_MS);

it("suspends both Machines after MACHINE_IDLE_MS with no run; both answer again from the same processes, resumed", async () => {
  // Watched through the host's view, which Fly's rate limits do not count (the relay's calls must not wait for ours).
  const suspended = await eventually(
    "both Machines suspended",
    async () => {
      const hosts = await Promise.all([...machineOf.values()].map((m) => fly.host(m.id)));
      return hosts.every((host) => host.state === "suspended") ? hosts : undefined;
    },
    30_000,
  );
  // Frozen with their memory (the stand-in's snapshot), not stopped.
  expect(suspended.map((host) => host.snapshot)).toEqual([true, true]);

  await Promise.all([say(ALICE, "Alice again"), say(BOB, "Bob again")]);
  // The same conversations: the CLI sessions survived the suspension.
  expect(await nthReply(ALICE, 2)).toContain(`${replyTo("Alice again")}. This conversation has 2 user messages; earlier: «hello from Alice»`);
  expect(await nthReply(BOB, 2)).toContain(`${replyTo("Bob again")}. This conversation has 2 user messages; earlier: «hello from Bob»`);

  const machines = await fly.machines();
  expect(machines.map((m) => m.id).sort()).toEqual([...machineOf.values()].map((m) => m.id).sort());
  for (const machine of machines) {
    expect(machine.events.some((event) => event.type === "suspend")).toBe(true);
    expect(machine.events.some((event) => event.type === "start" && event.request?.resumed === true)).toBe(true);
    // Thawed, not booted again: the VM that answered before the suspension answered after it.
    expect((await fly.host(machine.id)).pid).toBe(pidBefore.get(machine.id));
  }
}, 2 * SLOW_MACHINE_WAIT_MS);

it("keeps each phone's files on its own volume, and a Machine refuses another Machine's token", async () => {
  const alice = machineOf.get(ALICE)!;
  const bob = machineOf.get(BOB)!;
  const marker = `alice-${randomBytes(4).toString("hex")}.txt`;
  await say(ALICE, `[[tool Bash {"command":"touch ${marker}"}]] make a file`);
  // Found by what it says, not by its place: the wait is for the answer, however slow the machine.
  await eventually("the Bash tool's answer", async () => (await sentTo(stack.urls.twilio, ALICE)).find((m) => (m.body ?? "").includes("The Bash tool answered"))?.body);

  const aliceDir = (await fly.host(alice.id)).volumeDir;
  const bobDir = (await fly.host(bob.id)).volumeDir;
  const written = filesUnder(aliceDir).filter((file) => file.endsWith(marker));
  expect(written).toHaveLength(1);
  // Written by Alice's agent in her workspace, which is on her Machine's volume (its DATA_DIR).
  expect(join(aliceDir, written[0]!)).toMatch(new RegExp(`^${aliceDir}/users/[0-9a-f]{64}/`));
  expect(filesUnder(bobDir).filter((file) => file.endsWith(marker))).toEqual([]);

  // Through the proxy: each Machine takes its own token (404: no such run) and refuses the other's.
  expect(await fly.askMachine(bob.id, bob.config.env.VM_TOKEN!)).toBe(404);
  expect(await fly.askMachine(bob.id, alice.config.env.VM_TOKEN!)).toBe(401);
  expect(await fly.askMachine(alice.id, bob.config.env.VM_TOKEN!)).toBe(401);
  expect(await fly.askMachine(alice.id, stack.vars.VM_TOKEN)).toBe(401);
});

it("after the whole stack restarts (Ctrl-C, then npm start -- --machines again), each phone goes on with its conversation on its own Machine", async () => {
  const alice = machineOf.get(ALICE)!;
  const volumeDir = (await fly.host(alice.id)).volumeDir;
  await stack.restart();
  fly = flyApi(stack.urls, stack.machines!);

  // The stand-in knows its Machines again; their processes ended with the old one.
  const back = await fly.machines();
  expect(back.map((m) => m.id).sort()).toEqual([...machineOf.values()].map((m) => m.id).sort());
  for (const machine of back) {
    expect(["stopped", "suspended"]).toContain(machine.state);
    expect(await fly.host(machine.id)).toMatchObject({ pid: null, snapshot: false });
  }

  await say(ALICE, "Alice after the restart");
  // The simulator's history starts empty (a line the last run left in the outbox, its change line,
  // may come first: kept across the restart, as it should be); the session is on the volume,
  // which the Machine boots on again.
  // A Machine booted again after a restart of everything: allowed what a slow 2-core machine needs.
  const answer = await eventually("Alice's answer after the restart", async () => (await sentTo(stack.urls.twilio, ALICE)).find((m) => (m.body ?? "").startsWith(replyTo("Alice after the restart")))?.body ?? undefined, SLOW_MACHINE_WAIT_MS);
  expect(answer).toContain(`${replyTo("Alice after the restart")}. This conversation has 4 user messages; earlier:`);
  const host = await fly.host(alice.id);
  expect(host).toMatchObject({ state: "started", volumeDir });
  expect(host.pid).not.toBe(pidBefore.get(alice.id));
  expect((await fly.machines()).map((m) => m.id).sort()).toEqual([...machineOf.values()].map((m) => m.id).sort());
}, 2 * SLOW_MACHINE_WAIT_MS);
