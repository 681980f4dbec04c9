// A daemon an agent started does not wait for its CLI's exit when the CLI stays warm after the run
// (WARM_SESSION_MS): it goes when the run ends, so it never serves the next run with that
// process's proxy token. Deep mode keeps it (stray-processes.test.ts). Root only: agents of their own uids.
import { expect, it } from "vitest";
import { userPathsOf } from "../src/users/user-paths";
import { daemon, isAlive, useDaemons } from "./helpers/daemons";
import { IS_ROOT, processesIn, resultsOf, useHarness } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 60_000 });
const daemons = useDaemons();

it.skipIf(!IS_ROOT)("a setsid daemon goes when the run ends, while its CLI stays warm for the next run", async () => {
  const userId = "+15550003203";
  const workspace = userPathsOf(h.dataDir, userId).workspace;
  const events = await (await h.startRun({ userId, text: daemon("warm.pid"), options: { permissionMode: "bypassPermissions" } })).end();
  expect(resultsOf(events)[0]?.isError, JSON.stringify(events)).toBe(false);
  const pid = await daemons.pidOf(workspace, "warm.pid");
  await expect.poll(() => isAlive(pid), { timeout: 10_000, interval: 100 }).toBe(false);
  // The CLI itself is still there, warm.
  expect(processesIn(workspace).filter((p) => p !== pid)).toHaveLength(1);
});
