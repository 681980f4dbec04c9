// A VM that has served nobody (a fresh shared VM, a new per-user Machine) makes a slot for a new
// user at boot and starts its spare with the options the relay starts a new user's first run with
// under its defaults (NEW_USER_RUN_OPTIONS), so the very first message takes a CLI already up. A
// first user with other options starts their own CLI and keeps their own key; their options
// replace the defaults as the slot's. The real CLI against the local Messages stand-in.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NEW_USER_RUN_OPTIONS } from "../../src/protocol/vm/agent-instructions";
import { ownKeyOf, userPathsOf } from "../src/users/user-paths";
import { type Harness, processesIn, resultsOf, uniqueId, useHarness } from "./helpers/harness";

const CHAT = { permissionMode: "bypassPermissions", scheduleTools: true } as const;
const CAREFUL = { permissionMode: "acceptEdits", scheduleTools: true } as const;

/** A harness on a fresh DATA_DIR, and the runs a spare took. */
function freshVm() {
  const taken: string[] = [];
  const h = useHarness({ warmSessionMs: 60_000, spareAgents: 2 }, { onTiming: (runId, mark) => void (mark === "spare_taken" && taken.push(runId)) });
  return { h, taken };
}

async function run(h: Harness, userId: string, options: object): Promise<string> {
  const runId = uniqueId("run");
  const events = await (await h.startRun({ runId, userId, text: "hello", options })).end();
  expect(resultsOf(events)[0]?.isError, JSON.stringify(events)).toBe(false);
  return runId;
}

/** The slot the server made for the next new user (users/user-slots.ts), as it recorded it. */
const slotsOf = (h: Harness): { ready: string | null; template: unknown } => {
  try {
    return JSON.parse(readFileSync(join(h.dataDir, ".user-slots.json"), "utf8"));
  } catch {
    return { ready: null, template: null };
  }
};
/** The CLIs working in a slot's workspace (not a command one of them runs there). */
const slotClis = (h: Harness, key: string) =>
  processesIn(join(h.dataDir, "users", key, "workspace")).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0]!.includes("claude");
    } catch {
      return false;
    }
  });

describe("a VM that has served nobody", () => {
  const { h, taken } = freshVm();

  it("starts a spare at boot with a new user's first run's options, and the first user's first message takes it, even as the VM boots", async () => {
    // Sent as soon as the slot is recorded, its spare perhaps still starting, as a new per-user Machine's first message comes.
    await expect.poll(() => slotsOf(h).ready, { timeout: 30_000, interval: 50 }).not.toBeNull();
    const slot = slotsOf(h).ready!;
    const ann = "+15550006401";
    const first = await run(h, ann, NEW_USER_RUN_OPTIONS);
    expect(taken).toEqual([first]);
    expect(h.spawns).toEqual([]);
    expect(userPathsOf(h.dataDir, ann).key).toBe(slot);
  });
});

describe("a VM whose first user has other options", () => {
  const { h, taken } = freshVm();

  it("starts that user's own CLI under their own key; their options replace the defaults as the slot's, whose spare a new user takes once the VM serves several", async () => {
    await expect.poll(() => slotsOf(h).ready, { timeout: 30_000, interval: 50 }).not.toBeNull();
    const slot = slotsOf(h).ready!;
    // Up before the message: the slot's spare, with the relay's defaults.
    await expect.poll(() => slotClis(h, slot).length, { timeout: 30_000, interval: 100 }).toBe(1);
    const bea = "+15550006402";
    const first = await run(h, bea, CHAT);
    expect(h.spawns).toEqual([first]);
    expect(taken).toEqual([]);
    expect(userPathsOf(h.dataDir, bea).key).toBe(ownKeyOf(h.dataDir, bea));
    // The defaults' spare is gone; none comes back while she is the only user (it may be her own Machine).
    expect(slotsOf(h).template).toEqual(CHAT);
    await expect.poll(() => slotClis(h, slot).length, { timeout: 30_000, interval: 100 }).toBe(0);

    // A second new user, with options of his own: the VM serves several now, and the slot's spare
    // starts with the first user's options (not the last run's, not the defaults).
    const second = await run(h, "+15550006403", CAREFUL);
    expect(h.spawns).toContain(second);
    await expect.poll(() => slotClis(h, slot).length, { timeout: 30_000, interval: 100 }).toBe(1);
    const dee = "+15550006404";
    const third = await run(h, dee, CHAT);
    expect(taken).toEqual([third]);
    expect(h.spawns).not.toContain(third);
    expect(userPathsOf(h.dataDir, dee).key).toBe(slot);
  });
});
