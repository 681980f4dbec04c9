// A root VM on a /proc without hidepid=2 refuses every run at once, by name, unless
// ALLOW_SHARED_PROC=1, which it then names on /health; and a VM whose agents could open Fly's
// Machines API socket refuses every run whatever the setting. Each refusal is the run's one
// terminal event, so the relay tells the user the machine is unfit instead of waiting.
import { chmodSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VmHealthSchema } from "../../src/protocol/vm/health";
import { procVisibilityOf } from "../src/core/agent-ids";
import { openFlyApiSocket, type OpenFlyApiSocket } from "./helpers/fly-api-socket";
import { IS_ROOT, startHarness, TOKEN, type Harness } from "./helpers/harness";

const PROC_SHARED = IS_ROOT && procVisibilityOf(readFileSync("/proc/self/mountinfo", "utf8")) === "visible";

async function health(harness: Harness, token: string | null) {
  const res = await harness.call("GET", "/health", undefined, token);
  return { status: res.status, body: VmHealthSchema.parse(await res.json()) };
}

describe.skipIf(!PROC_SHARED)("a root VM on a /proc without hidepid=2 (skipped when not root, or when /proc has it)", () => {
  it("without ALLOW_SHARED_PROC: /health 503 names it, and a run is refused at once, starting no CLI", async () => {
    const harness = await startHarness({ allowSharedProc: false });
    try {
      expect(await health(harness, null)).toEqual({ status: 503, body: { ok: false, missing: ["/proc hidepid=2"] } });
      expect((await health(harness, TOKEN)).body.problem).toMatch(/^\/proc hidepid=2 is not in force/);
      const run = await harness.startRun({ text: "hi" });
      const events = await run.end();
      expect(events).toEqual([{ seq: 1, type: "error", code: "misconfigured", reason: "shared_proc", message: expect.stringContaining("ALLOW_SHARED_PROC=1") }]);
      expect(harness.spawns).toEqual([]);
      expect(harness.api.requests).toEqual([]);
    } finally {
      await harness.close();
    }
  });

  it("with ALLOW_SHARED_PROC=1: runs, and /health says it was allowed", async () => {
    const harness = await startHarness({ allowSharedProc: true });
    try {
      // Named to the relay (with the token), as its problem is; anyone else hears only that it is up.
      expect(await health(harness, TOKEN)).toEqual({ status: 200, body: { ok: true, allowed: ["ALLOW_SHARED_PROC"], problem: null } });
      expect(await health(harness, null)).toEqual({ status: 200, body: { ok: true } });
      const events = await (await harness.startRun({ text: "hi" })).end();
      expect(events.at(-1)?.type).toBe("done");
    } finally {
      await harness.close();
    }
  });
});

describe.skipIf(!IS_ROOT)("a root VM whose agents could open Fly's Machines API socket (skipped when not root)", () => {
  let dir = "";
  let socket: OpenFlyApiSocket | undefined;
  beforeAll(async () => {
    socket = await openFlyApiSocket("vm-fly-api-");
    dir = socket.dir;
  });
  afterAll(() => socket?.close());

  it("refuses every run by name, ALLOW_SHARED_PROC or not; closed to all but root, it runs", async () => {
    const open = await startHarness({ allowSharedProc: true, flyApiSocket: join(dir, "api") });
    try {
      const { status, body } = await health(open, null);
      expect(status).toBe(503);
      expect(body.missing).toEqual(["/.fly/api"]);
      const events = await (await open.startRun({ text: "hi" })).end();
      expect(events).toEqual([{ seq: 1, type: "error", code: "misconfigured", reason: "fly_api_open", message: expect.stringContaining("/.fly/api") }]);
      expect(open.spawns).toEqual([]);
    } finally {
      await open.close();
    }
    // What the image's entrypoint does to it.
    chmodSync(dir, 0o700);
    const closed = await startHarness({ allowSharedProc: true, flyApiSocket: join(dir, "api") });
    try {
      expect((await health(closed, null)).body.missing).toBeUndefined();
      expect((await (await closed.startRun({ text: "hi" })).end()).at(-1)?.type).toBe("done");
    } finally {
      await closed.close();
    }
  });
});
