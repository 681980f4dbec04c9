// `npm run soak [-- --minutes N --seed S --senders K]`: the real stack under injected faults,
// then a drain; prints the table and writes bench/results/soak-<time>.json (and soak-latest.json).
// Exits 1 when an accepted message was lost or answered twice, 2 when the soak could not run.
import { randomInt } from "node:crypto";
import { mkdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { gitState } from "../lib/git-state";
import { REPO_ROOT, RESULTS_DIR } from "../lib/paths";
import { fileStamp } from "../lib/results";
import { renderTable } from "../lib/table";
import { parseSoakArgs } from "./args";
import { describeFault } from "./fault-plan";
import { describeParameters } from "./parameters";
import { soakFigures, soakPassed } from "./report";
import { runSoak } from "./soak";
import { createTeardowns } from "./teardowns";

const log = (line: string) => console.error(`[soak] ${line}`);
let args;
try {
  args = parseSoakArgs(process.argv.slice(2), () => randomInt(2 ** 31));
} catch (error) {
  console.error(`npm run soak: ${error instanceof Error ? error.message : String(error)}`);
  console.error("usage: npm run soak -- [--minutes N (default 1)] [--seed S|random (default 20261122)] [--senders 1-6 (default 6)]");
  process.exit(2);
}

const teardowns = createTeardowns(log);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the stack`);
    void teardowns.runAll().then(() => process.exit(130));
  });
}

const startedAt = new Date();
const logDir = join(REPO_ROOT, "test/artifacts/soak");
mkdirSync(logDir, { recursive: true });
let result;
try {
  result = await runSoak({ ...args, label: `soak-${fileStamp(startedAt)}`, logDir, teardowns, log });
} catch (error) {
  log(`the soak could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await teardowns.runAll();
  process.exit(2);
}
const cleanup = await teardowns.runAll();

const figures = soakFigures({
  ledger: result.ledger,
  faults: result.faults,
  deliveries: result.deliveries,
  unplannedExits: result.unplannedExits.length,
  bounds: result.latencyBounds,
  relayEvents: result.relayEvents,
});
console.log(`\nsoak ${startedAt.toISOString()}: ${args.minutes} min of faults, seed ${args.seed}, ${args.senders} senders, drained in ${result.drainS} s`);
console.log(`parameters:\n${describeParameters(result.parameters).map((line) => `  ${line}`).join("\n")}\n`);
console.log(renderTable(figures));
console.log("\nwhat bounds the p99 (the slowest replies, down to the p99):");
for (const b of result.latencyBounds) console.log(`  ${b.token} ${b.latencyS} s, accepted at +${b.acceptedAtS} s: ${b.bound}`);
console.log(`\nfaults (replay with --seed ${args.seed} --minutes ${args.minutes}${args.senders === 6 ? "" : ` --senders ${args.senders}`}):`);
result.faults.forEach((f) => console.log(`  ${describeFault(f.event)}${f.outcome === "done" ? "" : ` [${f.outcome}]`}${f.note ? ` ${f.note}` : ""}`));
if (result.explained.length > 0) {
  console.log("\nlost or doubled:");
  for (const e of result.explained) {
    const events = Object.entries(e.relayEvents).map(([k, n]) => `${k} ×${n}`).join(", ");
    const gaveUp = e.outboxFailedAtS === null ? "" : `, reply given up at +${e.outboxFailedAtS} s`;
    const unnamed = e.unnamedIn.length > 0 ? `; notices that did not quote it: ${e.unnamedIn.join(", ")}` : "";
    console.log(`  ${e.token} ${e.outcome}, accepted at +${e.acceptedAtS} s${gaveUp}; faults: ${e.faults.join(", ") || "none"}; relay: ${events || "nothing logged"}${unnamed}`);
  }
}
if (cleanup.length > 0) console.log(`\ncleanup problems: ${cleanup.join("; ")}`);

const payload = {
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  args,
  code: gitState(),
  machine: { cpus: cpus().length, node: process.version, loadavgAtEnd: loadavg() },
  passed: soakPassed(result.ledger),
  figures,
  ...result,
};
mkdirSync(RESULTS_DIR, { recursive: true });
const path = join(RESULTS_DIR, `soak-${fileStamp(startedAt)}.json`);
const text = `${JSON.stringify(payload, null, 2)}\n`;
await writeFile(path, text);
await writeFile(join(RESULTS_DIR, "soak-latest.json"), text);
console.log(`\nresults: ${path} (and bench/results/soak-latest.json); stack log: ${result.logPath}`);
process.exit(soakPassed(result.ledger) ? 0 : 1);
