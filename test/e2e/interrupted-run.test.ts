// A test run stopped halfway leaves nothing behind: `vitest run` on an end-to-end file, in a process
// group of its own as a terminal runs it, is stopped once its stack (wrangler dev and workerd, the
// VM, the Twilio emulator, the offline model) answers: by SIGTERM to vitest alone, or by SIGINT to
// its whole group (Ctrl-C). Within 15 s no process of that run may remain, and no copy of the repo.
// The run's processes are told apart from everyone else's by a variable of their environment and by
// a temporary directory of its own (TMPDIR), which holds its clones, DATA_DIR and the CLI's cwd.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/fresh-clone";

const PROBE_VAR = "INTERRUPTED_RUN_PROBE";
type Proc = { pid: number; args: string; env: Record<string, string> };

/** Every live process that belongs to the probed run (Linux's /proc; this test runs as root in CI). */
function probedProcesses(probe: string, dir: string): Proc[] {
  const found: Proc[] = [];
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      if (/\) [ZX] /.test(readFileSync(`/proc/${entry}/stat`, "utf8"))) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, "latin1").split("\0");
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
      let cwd = "";
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        // Gone meanwhile.
      }
      if (environ.includes(`${PROBE_VAR}=${probe}`) || args.includes(dir) || cwd.startsWith(dir)) {
        const env = Object.fromEntries(environ.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
        found.push({ pid: Number(entry), args, env });
      }
    } catch {
      // Ended while we read, or not ours to read.
    }
  }
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** The stack's four children, found by what they run, with the port each listens on. */
function stackUrls(procs: Proc[]): string[] | null {
  const find = (pattern: RegExp) => procs.find((p) => pattern.test(p.args));
  const worker = find(/wrangler\.js dev/)?.args.match(/--port (\d+)/)?.[1];
  const vm = find(/src\/main\.ts/)?.env.PORT;
  const twilio = find(/emulator\/main\.ts/)?.env.EMULATOR_PORT;
  const model = find(/anthropic-api-main\.ts/)?.env.ANTHROPIC_STAND_IN_PORT;
  if (!worker || !vm || !twilio || !model) return null;
  return [`http://127.0.0.1:${worker}/health`, `http://127.0.0.1:${vm}/health`, `http://127.0.0.1:${twilio}/`, `http://127.0.0.1:${model}/`];
}

type Probed = { vitest: ChildProcess; probe: string; dir: string };
let probed: Probed | undefined;

afterEach(() => {
  // Whatever the outcome, nothing of the probed run outlives this test.
  if (!probed) return;
  const { probe, dir } = probed;
  for (const p of probedProcesses(probe, dir)) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // Gone.
    }
  }
  rmSync(dir, { recursive: true, force: true });
  probed = undefined;
});

/** `vitest run` on one end-to-end file, in its own group; resolves once its whole stack answers. */
async function startProbedRun(): Promise<Probed> {
  const probe = randomUUID();
  const dir = mkdtempSync(join(tmpdir(), "interrupted-run-"));
  // The VM's agent users reach their homes under DATA_DIR, which the inner run's clone puts here.
  chmodSync(dir, 0o755);
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST.*|NODE_ENV|TEST)$/.test(key)));
  const vitest = spawn(process.execPath, [join(REPO_ROOT, "node_modules/vitest/vitest.mjs"), "run", "--project", "e2e", "test/e2e/signed-webhooks.test.ts"], {
    cwd: REPO_ROOT,
    env: { ...env, [PROBE_VAR]: probe, TMPDIR: dir, WRANGLER_SEND_METRICS: "false" },
    detached: true,
    stdio: "ignore",
  });
  probed = { vitest, probe, dir };
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (vitest.exitCode !== null) throw new Error(`the probed run exited (${vitest.exitCode}) before its stack answered`);
    if (Date.now() > deadline) throw new Error("the probed run's stack did not answer within 150 s");
    const urls = stackUrls(probedProcesses(probe, dir));
    if (urls && (await Promise.all(urls.map(answers))).every(Boolean)) return probed;
    await sleep(500);
  }
}

async function expectNothingLeft({ vitest, probe, dir }: Probed): Promise<void> {
  const deadline = Date.now() + 15_000;
  let left = probedProcesses(probe, dir);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(250);
    left = probedProcesses(probe, dir);
  }
  expect(left.map((p) => `${p.pid} ${p.args.slice(0, 160)}`)).toEqual([]);
  expect(vitest.exitCode !== null || vitest.signalCode !== null).toBe(true);
  // The repository copies the run made under its TMPDIR are gone too.
  expect(readdirSync(dir).filter((name) => name.startsWith("relay-"))).toEqual([]);
}

it("SIGTERM to vitest while an end-to-end stack is up leaves no process of the run", { timeout: 200_000 }, async () => {
  const run = await startProbedRun();
  expect(probedProcesses(run.probe, run.dir).some((p) => /workerd/.test(p.args))).toBe(true);
  process.kill(run.vitest.pid!, "SIGTERM");
  await expectNothingLeft(run);
});

it("SIGINT to the run's process group (Ctrl-C) while an end-to-end stack is up leaves no process of the run", { timeout: 200_000 }, async () => {
  const run = await startProbedRun();
  process.kill(-run.vitest.pid!, "SIGINT");
  await expectNothingLeft(run);
});
