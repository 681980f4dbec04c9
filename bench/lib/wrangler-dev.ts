// Starts `wrangler dev` for one Worker on a loopback port, with clean storage, and waits until it answers.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { guardGroup } from "../../scripts/stack/reaper";
import { spawnGroup, stopGroup } from "./children";
import { freePort } from "../../emulator/tools/free-port";
import { type GroupCpu, groupCpuMs, groupWorkerdRssKb } from "./group-cpu";
import { DEV_SERVER_NO_INSPECTOR, WRANGLER_BIN } from "./paths";

export type LogEvent = { at: number; fields: Record<string, unknown> };

export type WranglerDev = {
  url: string;
  /** wrangler's inspector (Chrome DevTools protocol) for the Worker, for profiling by hand. */
  inspectorPort: number;
  /** The fresh storage folder (`--persist-to`), removed by stop(). */
  persistTo: string;
  /** Every JSON line the Worker logged, in the order wrangler printed them. */
  events: LogEvent[];
  /** wrangler's lines saying it reloaded the Worker (a source file changed): such a run is disturbed. */
  reloads: { at: number; line: string }[];
  /** CPU milliseconds used so far by wrangler and workerd together, and by workerd alone. */
  cpu(): GroupCpu;
  /** workerd's resident memory now, in kB (the runtime and every object it holds). */
  workerdRssKb(): number;
  stop(): Promise<void>;
};

export type WranglerDevOptions = {
  /** The folder holding wrangler.toml. */
  cwd: string;
  vars?: Record<string, string>;
  /** Builds the vars once the port is known (for PUBLIC_URL). */
  varsFor?: (url: string) => Record<string, string>;
  readyPath?: string;
  readyTimeoutMs?: number;
  /** More `wrangler dev` flags (e.g. `--minify=false`, so a CPU profile keeps the source's names). */
  extraArgs?: string[];
};

const TAIL_LINES = 60;

export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const [port, inspectorPort] = [await freePort("127.0.0.1"), await freePort("127.0.0.1")];
  const url = `http://127.0.0.1:${port}`;
  const persistTo = await mkdtemp(join(tmpdir(), "bench-wrangler-"));
  const vars = { ...options.vars, ...options.varsFor?.(url) };
  const args = [
    WRANGLER_BIN, "dev",
    "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort),
    "--persist-to", persistTo, "--show-interactive-dev-session=false",
    ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ...(options.extraArgs ?? []),
  ];
  // BENCH_DEV_INSPECTOR=off: the same flags to wrangler's dev server without its inspector
  // (dev-server-no-inspector.ts), for a side-by-side measurement of what the inspector costs.
  const noInspector = process.env.BENCH_DEV_INSPECTOR === "off";
  if (noInspector) args.splice(0, 2, "--import", "tsx", DEV_SERVER_NO_INSPECTOR);
  // The same Node as the bench (the repo's pinned one under npm scripts), no npx layer in between.
  const child = spawnGroup(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
    side: "edge",
  });
  // Ended even when the bench (or a test using it) dies without stopping it: children.ts's own
  // handlers do not survive a SIGKILL, and SIGKILL to the group alone misses what left it.
  const release = guardGroup(child.pid);

  const events: LogEvent[] = [];
  const tail: string[] = [];
  const reloads: { at: number; line: string }[] = [];
  const onLine = (line: string) => {
    if (line.startsWith("{")) {
      try {
        events.push({ at: Date.now(), fields: JSON.parse(line) as Record<string, unknown> });
        return;
      } catch {
        // Not one of the Worker's JSON lines; keep it in the tail.
      }
    }
    if (/Reloading local server/i.test(line)) reloads.push({ at: Date.now(), line });
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  splitLines(child.stdout!, onLine);
  splitLines(child.stderr!, onLine);

  const stop = async () => {
    await stopGroup(child);
    release();
    await rm(persistTo, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${url}${options.readyPath ?? "/health"}`, options.readyTimeoutMs ?? 90_000, () => child.exitCode !== null);
  } catch (error) {
    await stop();
    throw new Error(`wrangler dev in ${options.cwd} did not start: ${(error as Error).message}\n${tail.join("\n")}`);
  }
  return { url, inspectorPort, persistTo, events, reloads, cpu: () => groupCpuMs(child.pid!), workerdRssKb: () => groupWorkerdRssKb(child.pid!), stop };
}

function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) onLine(line.trimEnd());
  });
}

async function waitForHttp(url: string, timeoutMs: number, exited: () => boolean): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) throw new Error("the process exited");
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > until) throw new Error(`no 2xx from ${url} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
