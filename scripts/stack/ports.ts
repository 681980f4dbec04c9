// Checks that the stack's ports are free before anything starts, so a second `npm start` says
// which port is taken instead of half-starting. Also finds free ports for tests.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import type { PortName, Ports } from "./stack-children";

export type TakenPort = { name: PortName; port: number; code: string };

const LABELS: Record<PortName, string> = {
  worker: "the Worker under wrangler dev",
  vm: "the agent VM",
  twilio: "the Twilio emulator",
  model: "the offline model",
  flyApi: "the Fly Machines API stand-in",
  flyProxy: "the Fly stand-in's proxy",
  telegram: "the Telegram Bot API stand-in",
  github: "the GitHub stand-in",
};

/** Resolves with the error code when the port cannot be bound (EADDRINUSE, EACCES), else null. */
function bindProblem(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "unknown"));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

export async function findTakenPorts(host: string, ports: Partial<Ports>): Promise<TakenPort[]> {
  const entries = Object.entries(ports) as [PortName, number][];
  const problems = await Promise.all(entries.map(([, port]) => bindProblem(host, port)));
  return entries.flatMap(([name, port], i) => (problems[i] ? [{ name, port, code: problems[i] }] : []));
}

export function describeTakenPorts(host: string, taken: TakenPort[]): string[] {
  return [
    ...taken.map(({ name, port, code }) =>
      code === "EADDRINUSE"
        ? `Port ${port} on ${host} (${LABELS[name]}) is already in use.`
        : `Port ${port} on ${host} (${LABELS[name]}) cannot be used: ${code}.`,
    ),
    "Is another `npm start` running? Stop it (Ctrl-C in its terminal) or free the port; nothing was started.",
  ];
}

/** Linux's default ephemeral range, for a system that does not say its own; macOS and Windows use 49152-65535. */
const DEFAULT_EPHEMERAL: readonly [number, number] = [32768, 60999];
/** The lowest port a test stack takes: above the well-known and most registered services' ports. */
const LOWEST_LISTEN_PORT = 20_000;

/** The ports the kernel hands out for outgoing connections (Linux says so in /proc). */
export function ephemeralRange(read: () => string = () => readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")): readonly [number, number] {
  try {
    const [low, high] = read().trim().split(/\s+/).map(Number);
    return low !== undefined && high !== undefined && Number.isInteger(low) && Number.isInteger(high) && low > 0 && low <= high ? [low, high] : DEFAULT_EPHEMERAL;
  } catch {
    return DEFAULT_EPHEMERAL;
  }
}

/**
 * Where a block of `count` listening ports may start so that none is in the ephemeral range: the
 * ports from LOWEST_LISTEN_PORT up to the range's start, or above its end when that has more room.
 * Null when neither side holds the block.
 */
export function listenBlockStarts(ephemeral: readonly [number, number], count: number): { first: number; last: number } | null {
  const below = { first: LOWEST_LISTEN_PORT, last: Math.min(ephemeral[0], 65_536) - count };
  const above = { first: Math.max(ephemeral[1] + 1, LOWEST_LISTEN_PORT), last: 65_536 - count };
  const room = (side: { first: number; last: number }) => side.last - side.first + 1;
  const best = room(below) >= room(above) ? below : above;
  return room(best) > 0 ? best : null;
}

/** How many random blocks are tried before giving up: a busy machine leaves most of them free. */
const BLOCK_TRIES = 50;

/**
 * `count` consecutive ports, each free now, outside the ephemeral range, for a test stack that
 * stops and starts again on the same ports. A port from freePort is inside that range, so between
 * a stop and a start any process's outgoing connection may take it, and the restart fails with
 * EADDRINUSE (seen with two `npm test` side by side). Outside it, only another listener can: a
 * block is picked at random among some 1,500, so two stacks starting together rarely meet, and a
 * block with a taken port is passed over.
 */
export async function freeListenPorts(host: string, count: number, o: { random?: () => number; ephemeral?: readonly [number, number] } = {}): Promise<number[]> {
  const starts = listenBlockStarts(o.ephemeral ?? ephemeralRange(), count);
  if (!starts) throw new Error(`no room for ${count} ports outside the ephemeral range`);
  const random = o.random ?? Math.random;
  for (let tried = 0; tried < BLOCK_TRIES; tried++) {
    const first = starts.first + Math.floor(random() * (starts.last - starts.first + 1));
    const block = Array.from({ length: count }, (_, i) => first + i);
    const problems = await Promise.all(block.map((port) => bindProblem(host, port)));
    if (problems.every((problem) => problem === null)) return block;
  }
  throw new Error(`no ${count} free ports in a row outside the ephemeral range after ${BLOCK_TRIES} tries`);
}
