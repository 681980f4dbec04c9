// The stand-in's Fly Proxy: a request naming a Machine with `fly-force-instance-id` goes to that
// Machine's port, streamed both ways unbuffered. With a service's autostart on, a stopped or
// suspended Machine is started first and the request waits until it listens. No fallback to
// another Machine: Fly documents none for this header.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import type { Machines } from "./machines";
import { waitListening } from "./machine-process";

/** Fly's proxy retries a starting Machine for about this long before it gives up. */
const START_WAIT_MS = 60_000;

function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "fly-request-id": randomBytes(10).toString("hex") });
  res.end(`${code}: ${message}\n`);
}

export function createFlyProxy(machines: Machines, log: (line: string) => void): Server {
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const id = req.headers["fly-force-instance-id"];
    if (typeof id !== "string" || id === "") return refuse(res, 503, "PR04", "no fly-force-instance-id header: this proxy routes only to a named Machine");
    const live = machines.machines.get(id);
    if (!live || live.record.state === "destroyed" || live.record.state === "destroying") return refuse(res, 503, "PR02", `machine ${id} not found`);
    const autostart = (live.record.config.services ?? []).some((service) => service.autostart === true);
    if (live.record.state !== "started") {
      if (!autostart) return refuse(res, 503, "PR01", `machine ${id} is ${live.record.state} and its services have autostart off`);
      if (["created", "stopped", "suspended"].includes(live.record.state)) {
        const started = machines.start(live);
        if (started.ok) log(`[fly-proxy] autostart ${id} from ${started.value.previous_state}`);
      }
      if (!(await machines.waitFor(live, "started", undefined, START_WAIT_MS))) return refuse(res, 503, "PR03", `machine ${id} did not start`);
    }
    const port = live.port;
    if (port === null || !(await waitListening(port, START_WAIT_MS))) return refuse(res, 502, "PC01", `machine ${id} refused connection`);

    const upstream = httpRequest({
      host: "127.0.0.1",
      port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, via: "1.1 fly.io", "fly-forwarded-proto": "http", "fly-region": live.record.region },
    });
    upstream.on("response", (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      // Event streams must reach the caller as they are written.
      res.flushHeaders();
      answer.pipe(res);
    });
    upstream.on("error", (error) => {
      if (!res.headersSent) refuse(res, 502, "PU02", `request to machine ${id} failed: ${error.message}`);
      else res.destroy(error);
    });
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  }

  return createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) refuse(res, 502, "PP01", error instanceof Error ? error.message : String(error));
      else res.destroy();
    });
  });
}
