// A soak is repeatable from its seed: every random choice (the fault plan, the senders' turns,
// slow and not, their patience and pauses, the spacing of a burst) comes from seeded streams,
// and everything that decides a run is in its parameters.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../lib/paths";
import { planFaults } from "../fault-plan";
import { describeParameters, soakParameters } from "../parameters";
import { seededRandom } from "../../lib/seeded-random";
import { drawTurn, PATIENCE_MS, SLOW_MS, SLOW_SHARE, THINK_MS } from "../senders";

const turns = (seed: number, sender: number, n: number) => {
  const random = seededRandom(seed).fork(`sender ${sender}`);
  return Array.from({ length: n }, () => drawTurn(random));
};

describe("the senders' turns", () => {
  it("replay from the seed, and differ between senders and seeds", () => {
    expect(turns(7, 0, 50)).toEqual(turns(7, 0, 50));
    expect(turns(7, 1, 50)).not.toEqual(turns(7, 0, 50));
    expect(turns(8, 0, 50)).not.toEqual(turns(7, 0, 50));
  });

  it("stay within their ranges, about one in four slow", () => {
    const drawn = turns(20261122, 0, 2_000);
    for (const t of drawn) {
      expect(t.slowMs === 0 || (t.slowMs >= SLOW_MS.min && t.slowMs <= SLOW_MS.max)).toBe(true);
      expect(t.patienceMs).toBeGreaterThanOrEqual(PATIENCE_MS.min);
      expect(t.patienceMs).toBeLessThanOrEqual(PATIENCE_MS.max);
      expect(t.thinkMs).toBeGreaterThanOrEqual(THINK_MS.min);
      expect(t.thinkMs).toBeLessThanOrEqual(THINK_MS.max);
    }
    const slowShare = drawn.filter((t) => t.slowMs > 0).length / drawn.length;
    expect(Math.abs(slowShare - SLOW_SHARE)).toBeLessThan(0.04);
  });
});

it("the fault plan replays from the seed", () => {
  expect(planFaults({ seed: 20261122, faultMs: 60_000, senders: 6 })).toEqual(planFaults({ seed: 20261122, faultMs: 60_000, senders: 6 }));
});

it("no module of the soak draws an unseeded random number (run.ts only for --seed random)", () => {
  const dir = join(REPO_ROOT, "bench/soak");
  const unseeded = /Math\.random|randomInt|randomUUID|randomBytes|getRandomValues/;
  const offenders = readdirSync(dir)
    .filter((name) => name.endsWith(".ts"))
    .flatMap((name) =>
      readFileSync(join(dir, name), "utf8")
        .split("\n")
        .filter((line) => unseeded.test(line) && !line.trimStart().startsWith("//"))
        .map((line) => `${name}: ${line.trim()}`),
    );
  expect(offenders.filter((o) => !o.startsWith("run.ts: import") && !/^run\.ts: .*parseSoakArgs\(.*randomInt/.test(o))).toEqual([]);
});

it("the parameters hold the arguments and every fixed rate, length and wait, printable one group a line", () => {
  const parameters = soakParameters({ minutes: 1, seed: 42, senders: 3 });
  expect(parameters).toMatchObject({
    minutes: 1,
    seed: 42,
    senders: 3,
    faults: { vmDownMs: 3_000, outageMs: { min: 10_000, max: 20_000 } },
    behaviour: { slowShare: SLOW_SHARE },
    drain: { quietMs: 10_000, maxMs: 180_000 },
  });
  // Saved as JSON and read back the same.
  expect(JSON.parse(JSON.stringify(parameters))).toEqual(parameters);
  const lines = describeParameters(parameters);
  expect(lines[0]).toBe("minutes=1 seed=42 senders=3");
  expect(lines.map((l) => l.split(":")[0])).toEqual(["minutes=1 seed=42 senders=3", "faults", "behaviour", "webhooks", "drain"]);
});
