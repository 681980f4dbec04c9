// Nothing an agent starts outlives its CLI (issue 31): the real CLI, told by the offline model to
// start a `setsid` daemon (its own session, re-parented to PID 1, out of the CLI's process group),
// ends its run; when the CLI exits, the daemon is gone too. While the CLI is kept warm by deep
// mode (`keepWarmMs`), the daemon lives on with it. Only where agents have uids of their own
// (root): with the server's uid, nothing of the agent can be told apart from the server's.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { userPathsOf } from "../src/users/user-paths";
import { daemon, isAlive, useDaemons } from "./helpers/daemons";
import { IS_ROOT, processesIn, resultsOf, useHarness } from "./helpers/harness";

// WARM_SESSION_MS 0: a run without keepWarmMs ends its CLI at once.
const h = useHarness({ warmSessionMs: 0 });
const daemons = useDaemons();

it.skipIf(!IS_ROOT)("a setsid daemon the agent started is gone once the run's CLI exits (root: agents of their own uids)", async () => {
  const userId = "+15550003201";
  const workspace = userPathsOf(h.dataDir, userId).workspace;
  const events = await (await h.startRun({ userId, text: daemon("daemon.pid"), options: { permissionMode: "bypassPermissions" } })).end();
  expect(resultsOf(events)[0]?.isError, JSON.stringify(events)).toBe(false);
  const pid = await daemons.pidOf(workspace, "daemon.pid");
  // It did leave the CLI's process group: it leads a session of its own (field 6, [3] after the name).
  if (isAlive(pid)) expect(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[3]).toBe(String(pid));

  await expect.poll(() => processesIn(workspace).filter((p) => p !== pid), { timeout: 10_000, interval: 100 }).toEqual([]);
  await expect.poll(() => isAlive(pid), { timeout: 10_000, interval: 100 }).toBe(false);
});

it.skipIf(!IS_ROOT)("in deep mode the daemon lives while the CLI is kept warm, and goes with it", async () => {
  const userId = "+15550003202";
  const workspace = userPathsOf(h.dataDir, userId).workspace;
  const deep = { permissionMode: "bypassPermissions", keepWarmMs: 60_000 } as const;
  const first = await (await h.startRun({ userId, text: daemon("deep.pid"), options: deep })).end();
  const sessionId = resultsOf(first)[0]?.sessionId ?? null;
  const pid = await daemons.pidOf(workspace, "deep.pid");
  // Another run of the warm process: the daemon is still there while the CLI is.
  const second = await (await h.startRun({ userId, sessionId, text: "still there?", options: deep })).end();
  expect(resultsOf(second)[0]?.isError).toBe(false);
  expect(isAlive(pid)).toBe(true);

  // /end: a run without keepWarmMs, after which the CLI exits (WARM_SESSION_MS 0), and the daemon with it.
  await (await h.startRun({ userId, sessionId, text: "done", options: { permissionMode: "bypassPermissions" } })).end();
  await expect.poll(() => isAlive(pid), { timeout: 10_000, interval: 100 }).toBe(false);
});
