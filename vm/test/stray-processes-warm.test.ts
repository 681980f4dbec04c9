// A daemon an agent started does not wait for its CLI's exit when the CLI stays warm after the run
// (WARM_SESSION_MS): it goes when the run ends, so it never serves the next run with that
// process's proxy token. Deep mode keeps it (stray-processes.test.ts). Root only: agents of their own uids.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { userPathsOf } from "../src/user-paths";
import { IS_ROOT, processesIn, resultsOf, useHarness } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 60_000 });
const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;
const daemon = (file: string) => bash(`setsid sh -c 'echo $$ > ${file}; exec sleep 600' > /dev/null 2>&1 < /dev/null &`);

const isAlive = (pid: number): boolean => {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};
const started: number[] = [];
afterAll(() => {
  for (const pid of started) if (isAlive(pid)) process.kill(pid, "SIGKILL");
});

it.skipIf(!IS_ROOT)("a setsid daemon goes when the run ends, while its CLI stays warm for the next run", async () => {
  const userId = "+15550003203";
  const workspace = userPathsOf(h.dataDir, userId).workspace;
  const events = await (await h.startRun({ userId, text: daemon("warm.pid"), options: { permissionMode: "bypassPermissions" } })).end();
  expect(resultsOf(events)[0]?.isError, JSON.stringify(events)).toBe(false);
  await expect.poll(() => { try { return readFileSync(join(workspace, "warm.pid"), "utf8").trim(); } catch { return ""; } }, { timeout: 5_000 }).toMatch(/^\d+$/);
  const pid = Number(readFileSync(join(workspace, "warm.pid"), "utf8").trim());
  started.push(pid);
  await expect.poll(() => isAlive(pid), { timeout: 10_000, interval: 100 }).toBe(false);
  // The CLI itself is still there, warm.
  expect(processesIn(workspace).filter((p) => p !== pid)).toHaveLength(1);
});
