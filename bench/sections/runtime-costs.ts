// What single pieces of work cost under `wrangler dev`: a hello-world Worker that adds exactly
// one outbound fetch, Durable Object call, call with an insert, or log line per request, each
// under its own `wrangler dev`, in alternating rounds against the bare one. The relay needs
// several of these per message; this says how far the local floor can be approached at all.
import { createServer } from "node:http";
import { COST_PROBE_WORKER_DIR } from "../lib/paths";
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";
import { STAND_IN_CREDENTIALS } from "../lib/stand-ins";
import { startWranglerDev, type WranglerDev } from "../lib/wrangler-dev";
import { runClientLoad, sendLoad } from "../relay/drive";
import { type LoadShape, planLoad } from "../relay/plan";
import { type Probe, type ProbeRound, PROBES, runtimeCostFigures } from "../runtime-costs/aggregate";

const LOAD_TIMEOUT_MS = 90_000;
const creds = { accountSid: STAND_IN_CREDENTIALS.accountSid, authToken: STAND_IN_CREDENTIALS.authToken };

export const runtimeCostsSection: Section = {
  name: "runtime",
  title: "what one outbound fetch, Durable Object call, insert or log line adds to a request under wrangler dev",
  run: runRuntimeCosts,
};

async function runRuntimeCosts({ quick, rounds, log }: SectionOptions): Promise<SectionOutcome> {
  // The fetch probe's target: answers at once, in this process (its work is not workerd's).
  const target = createServer((req, res) => req.resume().on("end", () => res.end("ok")));
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  const address = target.address();
  const targetUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
  const workers = new Map<Probe, WranglerDev>();
  try {
    // One at a time: five wrangler starts at once overload two cores.
    for (const probe of PROBES) workers.set(probe, await startWranglerDev({ cwd: COST_PROBE_WORKER_DIR, vars: { PROBE: probe, PROBE_TARGET: targetUrl }, readyPath: "/" }));
    const shape: LoadShape = { key: "probe", label: "probe", phones: 100, messagesPerPhone: quick ? 2 : 10, concurrency: 50, burst: false };
    for (const worker of workers.values()) await sendLoad(planLoad({ ...shape, messagesPerPhone: 2 }, 0, 8), worker.url, creds, LOAD_TIMEOUT_MS);
    const measured: ProbeRound[] = [];
    const roundCount = quick ? 1 : rounds;
    for (let round = 1; round <= roundCount; round++) {
      const measures: ProbeRound = {};
      for (const [probe, worker] of workers) {
        const load = await runClientLoad(planLoad(shape, round, 8), worker, creds, LOAD_TIMEOUT_MS);
        if (load.non2xx > 0) throw new Error(`probe ${probe}: ${load.non2xx} requests not answered 2xx`);
        measures[probe] = { totalMsPerRequest: load.cpuMsPerMessage, workerdMsPerRequest: load.workerdCpuMsPerMessage, perSecond: load.perSecond };
      }
      log(`runtime: round ${round}/${roundCount}: ${PROBES.map((p) => `${p} ${measures[p]!.workerdMsPerRequest.toFixed(2)} ms`).join(", ")}`);
      measured.push(measures);
    }
    return { status: "ok", figures: runtimeCostFigures(measured), details: { requestsPerLoad: shape.phones * shape.messagesPerPhone, concurrency: shape.concurrency, rounds: measured } };
  } finally {
    await Promise.all([...workers.values()].map((w) => w.stop()));
    target.close();
  }
}
