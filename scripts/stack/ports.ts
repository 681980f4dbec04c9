// Checks that the stack's ports are free before anything starts, so a second `npm start` says
// which port is taken instead of half-starting. Also finds free ports for tests.
import { createServer } from "node:net";
import type { PortName, Ports } from "./stack-plan";

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

/** A port the system just handed out, for tests that must not collide with a running stack. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
