// The VM's side of a warm turn, variants side by side: two or more agent VMs (this checkout's, or
// another checkout's `vm/`, each with settings of its own), each with its own offline model and one
// user's warm CLI, given turns in interleaved rounds (A B, then B A, ...) with the relay's chat
// options, as the warm-path section's reference rounds send them. Per variant, the medians of each
// hop from the VM's timing marks (VM_TIMING=log): received → written (the VM), written → the
// request at the credential proxy (the CLI), the proxy → the model has it; and each variant's
// median difference from the first, round by round. Only a side-by-side run says anything on a
// machine other people share: one run, interleaved. `--bare`: each round starts with a bare CLI's
// warm turn (the warm-path section's floor, with the relay's tools), and each variant's
// received → model is also given over it, round by round (the section's "over the bare CLI").
//
//   npx tsx bench/profile/vm-ab.ts [--rounds N] [--bare] now 'uids off:AGENT_UIDS=off' 'old@/work/wt-old'
//
// A variant is `name[@checkout][:NAME=value,NAME=value]`: the checkout's `vm/` is started (its
// node_modules must resolve), with those variables beside the warm-path section's.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type AnthropicStandIn, startAnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { relayToolArgs } from "../../vm/src/core/cli-command";
import { httpToolsConfig, httpToolsServer, relayOptions } from "../lib/relay-tools-http";
import { type BareCli, startBareCli } from "../machines/bare-cli";
import { startSharedVm } from "../machines/stack";
import { modelEnv } from "../machines/plan";
import { modelArrival } from "../machines/measure";
import { startRun } from "../parallel/drive";
import { median } from "../lib/stats";
import { RESULTS_DIR } from "../lib/paths";
import { readStats, TICKS_PER_SECOND, treeCpuTicks } from "../warm-path/cpu";
import { timingMarkOf, turnMarks, VM_ALONE_OPTIONS, VM_ALONE_USER, VM_SETTLE_MS, type VmTimingMark, WARM_UP_TURNS } from "../warm-path/plan";


type Variant = { name: string; checkout: string | null; env: Record<string, string> };
export type Turn = { variant: string; round: number; total: number; vm: number; cli: number; proxy: number; toVm: number; overBare: number };
type Running = { variant: Variant; model: AnthropicStandIn; vm: Awaited<ReturnType<typeof startSharedVm>>; marks: VmTimingMark[]; session: string | null; quietFrom: number };

const GAP_MS = 1_000;

export function parseVariant(spec: string): Variant {
  const [head = "", settings = ""] = spec.split(/:(.*)/s);
  const [name = "", checkout] = head.split("@");
  const env = Object.fromEntries(
    settings
      .split(",")
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf("=");
        if (at <= 0) throw new Error(`not NAME=value: ${pair}`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
  );
  if (!name) throw new Error(`a variant needs a name: ${spec}`);
  return { name, checkout: checkout ?? null, env };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const r2 = (n: number) => Math.round(n * 100) / 100;


/**
 * The model's arrival times in fractions of a millisecond, as the VM's marks are: the stand-in
 * stamps a request with Date.now() right before it records it, in the same tick.
 */
function finerClock(model: AnthropicStandIn): AnthropicStandIn {
  const push = model.requests.push.bind(model.requests);
  model.requests.push = (...recorded) => push(...recorded.map((request) => ({ ...request, at: performance.timeOrigin + performance.now() })));
  return model;
}

async function turn(running: Running, text: string): Promise<Omit<Turn, "variant" | "round" | "overBare"> | null> {
  const from = running.model.requests.length;
  const run = startRun(running.vm.url, "main", text, running.session, { userId: VM_ALONE_USER, options: VM_ALONE_OPTIONS });
  const end = await run.end;
  running.quietFrom = Date.now();
  running.session = end.sessionId ?? running.session;
  if (!end.ok) throw new Error(`${running.variant.name}: ${end.error}`);
  const at = modelArrival(running.model.requests.slice(from), run.sentAt, text).firstAt;
  const marks = turnMarks(running.marks, run.sentAt);
  if (at === null || marks.received === null || marks.written === null || marks.modelRequest === null) return null;
  return { total: at - marks.received, vm: marks.written - marks.received, cli: marks.modelRequest - marks.written, proxy: at - marks.modelRequest, toVm: marks.received - run.sentAt };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const roundsAt = args.indexOf("--rounds");
  const rounds = roundsAt >= 0 ? Number(args.splice(roundsAt, 2)[1]) : 30;
  const bareAt = args.indexOf("--bare");
  if (bareAt >= 0) args.splice(bareAt, 1);
  const variants = args.map(parseVariant);
  if (variants.length < 2) throw new Error("give two variants or more");
  const asRoot = process.getuid?.() === 0;
  const started: Running[] = [];
  const closing: Array<() => Promise<void>> = [];
  try {
    let bare: BareCli | null = null;
    if (bareAt >= 0) {
      const model = finerClock(await startAnthropicStandIn());
      closing.push(() => model.close());
      const tools = await httpToolsServer(0, () => {}, { schedules: VM_ALONE_OPTIONS.scheduleTools, approvals: VM_ALONE_OPTIONS.approvals !== undefined });
      closing.push(() => tools.close());
      const cli = await startBareCli(model, modelEnv(model.url, asRoot), async (home) => [...relayOptions(home), ...relayToolArgs(await httpToolsConfig(home, tools.url), VM_ALONE_OPTIONS)]);
      closing.unshift(() => cli.stop());
      bare = cli;
    }
    for (const variant of variants) {
      const model = finerClock(await startAnthropicStandIn());
      const marks: VmTimingMark[] = [];
      const onLine = (line: string) => {
        const mark = timingMarkOf(line);
        if (mark) marks.push(mark);
        else if (line.startsWith("vm:") && !line.includes("vm_timing")) console.log(`[${variant.name}] ${line}`);
      };
      const vm = await startSharedVm(modelEnv(model.url, asRoot), { VM_TIMING: "log", ...variant.env }, onLine, variant.checkout ? join(variant.checkout, "vm") : undefined).catch(async (error: unknown) => {
        await model.close();
        throw error;
      });
      started.push({ variant, model, vm, marks, session: null, quietFrom: 0 });
    }
    for (const running of started) for (let i = 0; i < WARM_UP_TURNS; i++) await turn(running, `vm ab warm up ${i}`);
    const before = readStats();
    const turns: Turn[] = [];
    let bareQuietFrom = 0;
    for (let round = 0; round < rounds; round++) {
      let bareMs = Number.NaN;
      if (bare) {
        await pause(Math.max(...started.map((r) => r.quietFrom), bareQuietFrom) + GAP_MS - Date.now());
        bareMs = (await bare.turn(`vm ab bare ${round}`)) ?? Number.NaN;
        bareQuietFrom = Date.now();
      }
      const order = round % 2 === 0 ? started : [...started].reverse();
      for (const running of order) {
        const lastEnd = Math.max(...started.map((r) => r.quietFrom), bareQuietFrom);
        await pause(Math.max(lastEnd + GAP_MS, running.quietFrom + VM_SETTLE_MS) - Date.now());
        const measured = await turn(running, `vm ab round ${round} ${running.variant.name}`);
        if (measured) turns.push({ variant: running.variant.name, round, ...measured, overBare: measured.total - bareMs });
      }
      console.log(`round ${round + 1}/${rounds}: bare ${r2(bareMs)}, ${turns.filter((t) => t.round === round).map((t) => `${t.variant} ${r2(t.total)}`).join(", ")} ms`);
    }
    const after = readStats();
    report(started, turns, before, after, rounds);
    const saved = join(RESULTS_DIR, `vm-ab-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(saved, `${JSON.stringify({ variants, rounds, turns, marks: Object.fromEntries(started.map((r) => [r.variant.name, r.marks])) })}\n`);
    console.log(`every turn: ${saved}`);
  } finally {
    for (const running of started) {
      await running.vm.stop();
      await running.model.close();
    }
    for (const close of closing) await close();
  }
}

type Hop = "total" | "vm" | "cli" | "proxy" | "toVm" | "overBare";

/** The median of `variant`'s hop minus `base`'s in the same round, over the rounds both have a finite figure in; null: none. */
export function pairedMedian(turns: readonly Turn[], variant: string, base: string, key: Hop): number | null {
  const paired = turns.flatMap((t) => {
    if (t.variant !== variant) return [];
    const other = turns.find((b) => b.variant === base && b.round === t.round);
    const delta = other ? t[key] - other[key] : Number.NaN;
    return Number.isFinite(delta) ? [delta] : [];
  });
  return paired.length > 0 ? median(paired) : null;
}

function report(started: Running[], turns: Turn[], before: Map<number, string>, after: Map<number, string>, rounds: number): void {
  const keys: readonly Hop[] = ["total", "vm", "cli", "proxy", "toVm", "overBare"];
  const first = started[0]!.variant.name;
  console.log(`\nmedians (ms), ${rounds} rounds; total = the VM received the run → the model has its request; load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
  console.log(["variant", "n", ...keys, ...keys.map((k) => `Δ${k} vs ${first}`), "server cpu/turn", "children cpu/turn"].join("\t"));
  for (const running of started) {
    const name = running.variant.name;
    const mine = turns.filter((t) => t.variant === name);
    const deltas = keys.map((key) => {
      const paired = pairedMedian(turns, name, first, key);
      return paired === null ? "" : r2(paired);
    });
    const cpuBefore = treeCpuTicks(before, running.vm.pid);
    const cpuAfter = treeCpuTicks(after, running.vm.pid);
    const perTurn = (ticks: number) => r2((ticks * 1000) / TICKS_PER_SECOND / Math.max(1, rounds));
    console.log([name, mine.length, ...keys.map((key) => {
      const values = mine.map((t) => t[key]).filter(Number.isFinite);
      return values.length > 0 ? r2(median(values)) : "";
    }), ...deltas, perTurn(cpuAfter.root - cpuBefore.root), perTurn(cpuAfter.below - cpuBefore.below)].join("\t"));
  }
}

if (process.argv[1]?.endsWith("vm-ab.ts")) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.stack : String(error));
      process.exit(1);
    },
  );
}
