// Where the relay's JavaScript goes on the warm path: warm follow-ups through the real relay
// (`wrangler dev --minify=false`) and the real agent VM, as the warm-path section sends them,
// while V8's sampling profiler runs through wrangler's inspector port. Prints the time per turn by
// entry point and by function, for the object's handling of the webhook (`enqueue`) and its
// dispatch (`pump`) apart from the rest of the turn (the run's events, the reply, its status).
// Usage: npx tsx bench/profile/warm-path-profile.ts [--turns N]
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type AnthropicStandIn, startAnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { fileStamp } from "../lib/results";
import { RESULTS_DIR, REPO_ROOT } from "../lib/paths";
import { withStackScope } from "../lib/stack-scope";
import { relayVars, startStandIns, type StandIns } from "../lib/stand-ins";
import { startWranglerDev } from "../lib/wrangler-dev";
import { sendTurn } from "../machines/drive";
import { modelEnv, THINK_MS } from "../machines/plan";
import { startSharedVm } from "../machines/stack";
import { turnText, WARM_PATH_PHONE, WARM_UP_TURNS } from "../warm-path/plan";
import { type BucketRule, breakdown, type CpuProfile, CpuProfileSchema, has, leafIs } from "./cpu-profile";
import { connectInspector } from "./inspector";

const turnsArg = process.argv.indexOf("--turns");
const TURNS = turnsArg === -1 ? 20 : Number(process.argv[turnsArg + 1]);
if (!Number.isInteger(TURNS) || TURNS < 1) throw new Error(`--turns takes a whole number of turns, not ${process.argv[turnsArg + 1]}`);
/** Microseconds between samples: fine enough for steps of a few hundred microseconds. */
const SAMPLING_INTERVAL_US = 50;

/** Most specific first: the object's webhook turn and its dispatch are what the path waits for. */
const RULES: BucketRule[] = [
  { name: "garbage collection", matches: leafIs("(garbage collector)") },
  { name: "runtime outside JS ((program))", matches: leafIs("(program)") },
  { name: "DO enqueue (the webhook's turn in the object)", matches: has("enqueue") },
  { name: "DO pump (the run's claim and dispatch)", matches: has("pump") },
  { name: "Worker: webhook route and checks", matches: (s) => has("verifyTwilioWebhook")(s) || has("inboundRoute")(s) },
];

/** The profile with every sample whose stack does not hold `entry` moved to the idle node. */
function onlyWithin(profile: CpuProfile, entry: string): CpuProfile {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const idle = profile.nodes.find((n) => n.callFrame.functionName === "(idle)")?.id;
  if (idle === undefined) throw new Error("the profile has no idle node");
  const holds = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (byId.get(at)?.callFrame.functionName === entry) return true;
    return false;
  };
  return { ...profile, samples: profile.samples.map((id) => (holds(id) ? id : idle)) };
}

async function main(): Promise<void> {
  await withStackScope("warm-path-profile", (line) => console.log(line), async (onClose) => {
    const model: AnthropicStandIn = await startAnthropicStandIn();
    onClose("the offline model", () => model.close());
    const asRoot = process.getuid?.() === 0;
    const twilio: StandIns = await startStandIns();
    onClose("the Twilio emulator", () => twilio.stop());
    const vm = await startSharedVm(modelEnv(model.url, asRoot), {}, () => {});
    onClose("the VM", () => vm.stop());
    const relay = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars({ twilioUrl: twilio.twilioUrl, vmUrl: vm.url }, [WARM_PATH_PHONE]), extraArgs: ["--minify=false"] });
    onClose("the relay", () => relay.stop());
    const stack = { model, twilio };
    const runId = Date.now().toString(36);
    for (let i = 0; i < WARM_UP_TURNS; i++) await sendTurn(stack, relay, WARM_PATH_PHONE, turnText("warm_up", i, runId));
    const inspector = await connectInspector(relay.inspectorPort);
    onClose("the inspector", async () => inspector.close());
    await inspector.send("Profiler.enable");
    await inspector.send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
    await inspector.send("Profiler.start");
    for (let round = 0; round < TURNS; round++) {
      await new Promise((resolve) => setTimeout(resolve, THINK_MS));
      const turn = await sendTurn(stack, relay, WARM_PATH_PHONE, turnText("sample", round, runId));
      if (turn.webhookStatus !== 200) throw new Error(`turn ${round}: the webhook answered ${turn.webhookStatus}`);
    }
    const stopped = (await inspector.send("Profiler.stop")) as { profile: unknown };
    const profile = CpuProfileSchema.parse(stopped.profile);
    const path = join(RESULTS_DIR, `profile-warm-path-${fileStamp(new Date())}.cpuprofile.json`);
    await writeFile(path, JSON.stringify(profile));
    const perTurn = (ms: number) => `${(ms / TURNS).toFixed(3)} ms/turn`;
    // Between a turn's I/O workerd's thread waits outside V8 and takes no samples: a sample counts
    // for no more than two intervals, so such a wait is nobody's time (cpu-profile.ts).
    const cap = (2 * SAMPLING_INTERVAL_US) / 1000;
    const all = breakdown(profile, RULES, 30, cap);
    console.log(`${TURNS} warm turns; sampled busy ${perTurn(all.busyMs)}\n\nby piece:`);
    for (const x of all.buckets.filter((b) => b.ms > 0).sort((p, q) => q.ms - p.ms)) console.log(`  ${x.name.padEnd(52)} ${perTurn(x.ms).padStart(18)}`);
    console.log("\nby entry point:");
    for (const x of all.roots.slice(0, 15)) console.log(`  ${x.frame.padEnd(52)} ${perTurn(x.ms).padStart(18)}`);
    // The path's own functions: each entry's samples alone (the others counted as idle).
    for (const entry of ["enqueue", "pump"]) {
      const part = breakdown(onlyWithin(profile, entry), [], 20, cap);
      console.log(`\n${entry}: ${perTurn(part.busyMs)}; self time, top functions:`);
      for (const x of part.topSelf) console.log(`  ${perTurn(x.ms).padStart(18)}  ${x.frame}`);
    }
    console.log("\nself time, top functions (all entries):");
    for (const x of all.topSelf) console.log(`  ${perTurn(x.ms).padStart(18)}  ${x.frame}`);
    console.log(`\nprofile: ${path}`);
  });
}

await main();
