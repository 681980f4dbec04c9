// `npm run soak`'s short default inside `npm test`: a minute of seeded faults on the real stack
// (VM and wrangler dev crashes, Twilio outages, duplicate webhooks, a burst), then a drain.
// Fails on any accepted message lost or answered twice. Every process and the repository copy are
// registered for cleanup as they start, and cleaned up even when the set-up fails halfway.
import { existsSync, mkdirSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { REPO_ROOT } from "../../lib/paths";
import { renderTable } from "../../lib/table";
import { DEFAULT_MINUTES } from "../args";
import { soakFigures } from "../report";
import { runSoak } from "../soak";
import { createTeardowns } from "../teardowns";

/** The plan is replayable: `SOAK_SEED=N` to try another. */
const SEED = Number(process.env.SOAK_SEED ?? 20261122);
const logDir = join(REPO_ROOT, "test/artifacts/soak");
const log = (line: string) => console.log(`[soak] ${line}`);
const teardowns = createTeardowns(log);
afterAll(async () => {
  expect(await teardowns.runAll()).toEqual([]);
  expect(leftovers("relay-short-soak-")).toEqual({ directories: [], processes: [] });
});

/** Repository copies of this test still in the temporary directory, and processes working in one (Linux's /proc). */
function leftovers(prefix: string): { directories: string[]; processes: string[] } {
  const directories = readdirSync(tmpdir()).filter((name) => name.startsWith(prefix));
  const processes = existsSync("/proc")
    ? readdirSync("/proc").filter((pid) => {
        if (!/^\d+$/.test(pid)) return false;
        try {
          return readlinkSync(`/proc/${pid}/cwd`).startsWith(join(tmpdir(), prefix));
        } catch {
          return false;
        }
      })
    : [];
  return { directories, processes };
}

it(
  "loses no accepted message and answers none twice under a minute of faults",
  async () => {
    mkdirSync(logDir, { recursive: true });
    const result = await runSoak({ minutes: DEFAULT_MINUTES, seed: SEED, senders: 6, label: "short-soak", logDir, teardowns, log });
    const figures = soakFigures({ ledger: result.ledger, faults: result.faults, deliveries: result.deliveries, unplannedExits: result.unplannedExits.length, bounds: result.latencyBounds, relayEvents: result.relayEvents });
    console.log(renderTable(figures));
    writeFileSync(join(logDir, "short-soak.json"), `${JSON.stringify({ figures, ...result }, null, 2)}\n`);

    // Every planned fault really happened, and nothing else died.
    expect(result.faults.filter((f) => f.outcome !== "done").map((f) => `${f.event.kind}: ${f.outcome} ${f.note ?? ""}`)).toEqual([]);
    expect(result.unplannedExits).toEqual([]);
    expect(result.ledger.accepted).toBeGreaterThanOrEqual(10);
    expect({ lost: result.ledger.lost, doubled: result.ledger.doubled, explained: result.explained }).toEqual({ lost: 0, doubled: 0, explained: [] });
  },
  10 * 60_000,
);
