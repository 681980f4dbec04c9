// The allowlist benchmark: the inbound webhook with the UserDirectory in its path, its copy per
// isolate on (the default) and off (ALLOWLIST_CACHE_MS=0), against the same webhook from senders
// in ALLOWED_SENDERS, and each figure against the previous run's (bench/results/).
import { freePort } from "../../emulator/tools/free-port";
import { REPO_ROOT } from "../lib/paths";
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";
import { relayVars, STAND_IN_CREDENTIALS, startStandIns } from "../lib/stand-ins";
import { startWranglerDev } from "../lib/wrangler-dev";
import { runAllowlistRound } from "../allowlist/drive";
import { type AllowlistRound, allowlistFigures } from "../allowlist/figures";
import { allowlistLoads, BENCH_ADMIN } from "../allowlist/plan";
import { loadPastRuns } from "../allowlist/previous";

const LOAD_TIMEOUT_MS = 90_000;
const creds = { accountSid: STAND_IN_CREDENTIALS.accountSid, authToken: STAND_IN_CREDENTIALS.authToken };

export const ALLOWLIST_DEFINITIONS = {
  loads:
    "each round starts three relays (wrangler dev, fresh storage, VM_URL a loopback port nobody listens on, Twilio emulator with status callbacks): (1) default cache: the refused load, then the ingress load from senders in ALLOWED_SENDERS; (2) default cache: an admin allows 43 senders with /allow, then the ingress load from 40 of them; (3) ALLOWLIST_CACHE_MS=0: the refused load, then the same /allow and ingress load. Ingress: 1,000 signed webhooks (quick: 200) from 40 senders, 50 in flight, each message its own lane (the relay section's ingress load); refused: 1,000 (quick: 100) from 100 (10) senders nobody allowed, 50 in flight (its Worker-alone load). Each load is preceded by a warm-up of its kind",
  cpu: "CPU time of the wrangler dev process group over the load ÷ webhooks (workerd alone, and with wrangler's Node); for ingress loads until the relay's logs are quiet (≤ 3 s), as the relay section counts",
  ratios: "directory ÷ ALLOWED_SENDERS senders: per round, then the median over rounds; vs previous run: this run's median ÷ the same figure in the most recent earlier results file that has it (bench/results/bench-*.json; a quick run prefers quick runs), else the relay section's figure of the same load",
};

export const allowlistSection: Section = {
  name: "allowlist",
  title: "the inbound webhook with the directory in its path, cached and uncached, vs ALLOWED_SENDERS senders and the previous run",
  run: runAllowlist,
};

async function runAllowlist({ quick, rounds, log }: SectionOptions): Promise<SectionOutcome> {
  const startedAt = new Date().toISOString();
  const loads = allowlistLoads(quick);
  const roundCount = quick ? 1 : rounds;
  const standIns = await startStandIns({ statusCallbacks: true });
  try {
    const deadVmUrl = `http://127.0.0.1:${await freePort("127.0.0.1")}`;
    const startRelay = ({ allowed, cacheTtlMs }: { allowed: string[]; cacheTtlMs: number | null }) =>
      startWranglerDev({
        cwd: REPO_ROOT,
        varsFor: relayVars({ twilioUrl: standIns.twilioUrl, vmUrl: deadVmUrl }, allowed, {
          ADMIN_SENDERS: BENCH_ADMIN,
          ...(cacheTtlMs === null ? {} : { ALLOWLIST_CACHE_MS: String(cacheTtlMs) }),
        }),
      });
    const measured: AllowlistRound[] = [];
    for (let round = 1; round <= roundCount; round++) {
      measured.push(await runAllowlistRound({ round, loads, startRelay, standIns, creds, timeoutMs: LOAD_TIMEOUT_MS, log }));
    }
    const labels = { configured: loads.configured.shape.label, directory: loads.directory.shape.label, refused: loads.refused.shape.label };
    const figures = allowlistFigures(labels, measured, { runs: await loadPastRuns(), quick, startedAt });
    return { status: "ok", figures, details: { definitions: ALLOWLIST_DEFINITIONS, loads, deadVmUrl, rounds: measured } };
  } finally {
    await standIns.stop();
  }
}
