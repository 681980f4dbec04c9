// The ingress benchmark: the relay's own target (issue's "ingress near the floor"). Signed
// webhooks from 40 senders, 50 in flight, the agent side down, against the hello-world floor and
// the durable floor (signature, form, one Durable Object insert), in alternating rounds; each
// round judged on its own (rate, workerd CPU), then the medians; the p99s reported, not judged.
import { freePort } from "../../emulator/tools/free-port";
import type { Figure } from "../lib/figures";
import { DURABLE_FLOOR_WORKER_DIR, HELLO_WORKER_DIR, REPO_ROOT } from "../lib/paths";
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";
import { relayVars, STAND_IN_CREDENTIALS, startStandIns } from "../lib/stand-ins";
import { startWranglerDev } from "../lib/wrangler-dev";
import { ingressFigures, ingressRatios, ingressShape, type IngressRound } from "../relay/ingress";
import { runIngressRound } from "../relay/ingress-drive";

const LOAD_TIMEOUT_MS = 90_000;
const creds = { accountSid: STAND_IN_CREDENTIALS.accountSid, authToken: STAND_IN_CREDENTIALS.authToken };

export const INGRESS_DEFINITIONS = {
  load: "1,000 signed webhooks (quick: 200) from 40 fresh senders, each message its own lane round-robin over them, 50 in flight; per round: the hello-world floor, the durable floor, then the relay (VM_URL a loopback port nobody listens on, MAX_MESSAGES_PER_MINUTE=0, the Twilio emulator with status callbacks), each a wrangler dev of its own started for the load, warmed by the same 3 phones × 3 messages, and stopped right after",
  cpu: "CPU (user + system, /proc) of workerd alone over the load ÷ webhooks; the relay's until its pumps' lines are in (2.5 s after the last answer) and its logs are quiet (≤ 3 s more), so it includes the pumps its last webhooks started",
  ratios: "relay ÷ durable floor of the same round: throughput and workerd CPU per message judged in each round, then as the median over undisturbed rounds; the p99 of senders whose objects exist reported the same way, not judged",
  senders: "senders whose objects exist: a phone's messages sent once its first message was answered (200: stored); a phone's first message (it makes the object) is reported on its own against the durable floor's first insert; its later messages sent while the first was unanswered are in neither; no p99 is judged (known senders', whole load's)",
  rows: "SQLite rows written during the relay's load, from the rowsWritten fields of its log lines (message_queued, pump_done, alarm_done, delivery_status) ÷ webhooks",
};

export const ingressSection: Section = {
  name: "ingress",
  title: "ingress with the agent down: the relay against the durable floor, round by round (rate, p99, workerd CPU, rows per message)",
  run: runIngress,
};

async function runIngress({ quick, rounds, log }: SectionOptions): Promise<SectionOutcome> {
  const roundCount = quick ? 1 : rounds;
  // The relay's own Twilio: its acknowledgements' status callbacks come back as Twilio's would.
  const standIns = await startStandIns({ statusCallbacks: true });
  try {
    const deadVmUrl = `http://127.0.0.1:${await freePort("127.0.0.1")}`;
    const start = {
      floor: () => startWranglerDev({ cwd: HELLO_WORKER_DIR, readyPath: "/", varsFor: relayVars(standIns, []) }),
      durable: () => startWranglerDev({ cwd: DURABLE_FLOOR_WORKER_DIR, readyPath: "/", varsFor: relayVars(standIns, []) }),
      relay: (allowed: string[]) => startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars({ ...standIns, vmUrl: deadVmUrl }, allowed) }),
    };
    const ingress: IngressRound[] = [];
    for (let round = 1; round <= roundCount; round++) {
      ingress.push(await runIngressRound({ round, quick, start, creds, timeoutMs: LOAD_TIMEOUT_MS, log }));
    }
    const figures: Figure[] = ingressFigures(ingressShape(quick).label, ingress);
    return { status: "ok", figures, details: { definitions: INGRESS_DEFINITIONS, shape: ingressShape(quick), deadVmUrl, ratios: ingressRatios(ingress), rounds: ingress } };
  } finally {
    await standIns.stop();
  }
}
