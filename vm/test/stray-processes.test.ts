// Nothing an agent starts outlives its CLI (issue 31): the real CLI, told by the offline model to
// start a `setsid` daemon (its own session, re-parented to PID 1, out of the CLI's process group),
// ends its run; when the CLI exits, the daemon is gone too. While the CLI is kept warm by deep
// mode (`keepWarmMs`), the daemon lives on with it. Only where agents have uids of their own
// (root): with the server's uid, nothing of the agent can be told apart from the server's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { userPathsOf } from "../src/user-paths";
import { IS_ROOT, processesIn, resultsOf, useHarness } from "./helpers/harness";

// WARM_SESSION_MS 0: a run without keepWarmMs ends its CLI at once.
const h = useHarness({ warmSessionMs: 0 });
const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;
/** A daemon as an agent would leave one: a new session, its stdio detached, its pid in a file. */
const daemon = (file: string) => bash(`setsid sh -c 'echo $$ > ${file}; exec sleep 600' > /dev/null 2>&1 < /dev/null &`);

const isAlive = (pid: number): boolean => {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

/** Every daemon started, ended after the file whatever the tests found. */
const started: number[] = [];
afterAll(() => {
  for (const pid of started) if (isAlive(pid)) process.kill(pid, "SIGKILL");
});

async function daemonPid(workspace: string, file: string): Promise<number> {
  await expect.poll(() => { try { return readFileSync(join(workspace, file), "utf8").trim(); } catch { return ""; } }, { timeout: 5_000 }).toMatch(/^\d+$/);
  const pid = Number(readFileSync(join(workspace, file), "utf8").trim());
  started.push(pid);
  return pid;
}

it.skipIf(!IS_ROOT)("a setsid daemon the agent started is gone once the run's CLI exits (root: agents of their own uids)", async () => {
  const userId = "+15550003201";
  const workspace = userPathsOf(h.dataDir, userId).workspace;
  const events = await (await h.startRun({ userId, text: daemon("daemon.pid"), options: { permissionMode: "bypassPermissions" } })).end();
  expect(resultsOf(events)[0]?.isError, JSON.stringify(events)).toBe(false);
  const pid = await daemonPid(workspace, "daemon.pid");
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
  const pid = await daemonPid(workspace, "deep.pid");
  // Another run of the warm process: the daemon is still there while the CLI is.
  const second = await (await h.startRun({ userId, sessionId, text: "still there?", options: deep })).end();
  expect(resultsOf(second)[0]?.isError).toBe(false);
  expect(isAlive(pid)).toBe(true);

  // /end: a run without keepWarmMs, after which the CLI exits (WARM_SESSION_MS 0), and the daemon with it.
  await (await h.startRun({ userId, sessionId, text: "done", options: { permissionMode: "bypassPermissions" } })).end();
  await expect.poll(() => isAlive(pid), { timeout: 10_000, interval: 100 }).toBe(false);
});
