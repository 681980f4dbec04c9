// Test harness: the offline model, a VM server on a fresh DATA_DIR with the real CLI, and a
// client that reads event streams line by line, each line checked against the protocol schema.
// The server runs in a child process as the image runs it (vm-process.ts: as root, without
// CAP_DAC_OVERRIDE); the test itself keeps the machine's capabilities to set up and look.
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { afterAll, beforeAll } from "vitest";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VmStreamLineSchema, type VmRunEvent, type StartRunRequestInput, type VmStreamLine } from "../../../src/protocol/vm/runs";
import { VmHealthSchema } from "../../../src/protocol/vm/health";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../../test/stand-ins/anthropic-api";
import type { VmConfigInput } from "../../src/config";
import { resolveClaudeBin } from "../../src/claude-bin";
import { startVmServer, type VmHooks, type VmServer } from "../../src/server";
import { assertNoIdSwitch, installIdSwitchGuard } from "./id-switch-guard";
import { startVmProcess, type VmProcess } from "./vm-process";

// Every VM a test starts here runs with Node's id switches refused (id-switch-guard.ts).
installIdSwitchGuard();

export const TOKEN = "test-token-0123456789";
export const CLAUDE_BIN = resolveClaudeBin() ?? "claude-not-installed";

export const IS_ROOT = process.getuid?.() === 0;

/**
 * The CLI refuses bypassPermissions as root unless IS_SANDBOX=1. A root VM runs each user's agent
 * as a uid of its own, which needs nothing; only a root VM with AGENT_UIDS=off runs the CLI as
 * root, and then the variable goes through the VM's pass-through.
 */
const sandboxFor = (agentUids: VmConfigInput["agentUids"]): Record<string, string> => (IS_ROOT && agentUids === "off" ? { IS_SANDBOX: "1" } : {});

export type EventReader = {
  status: number;
  lines: VmStreamLine[];
  events(): VmRunEvent[];
  /** Resolves with the first event that matches, waiting for it if need be. */
  waitFor(match: (event: VmRunEvent) => boolean, timeoutMs?: number): Promise<VmRunEvent>;
  /** Every event, once the stream has ended. */
  end(): Promise<VmRunEvent[]>;
};

export function readEvents(response: Response): EventReader {
  const lines: VmStreamLine[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  let failure: unknown = null;
  const events = () => lines.filter((l): l is VmRunEvent => l.type !== "heartbeat");
  const wake = () => waiters.forEach((w) => w());
  const finished = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of response.body ?? []) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
          lines.push(VmStreamLineSchema.parse(JSON.parse(buffer.slice(0, nl))));
          buffer = buffer.slice(nl + 1);
          wake();
        }
      }
      if (buffer.trim() !== "") throw new Error(`unterminated line: ${buffer}`);
    } catch (error) {
      failure = error;
    }
    ended = true;
    wake();
  })();
  return {
    status: response.status,
    lines,
    events,
    waitFor(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events().find(match);
          if (found) return done(() => resolve(found));
          if (failure) return done(() => reject(failure));
          if (ended) return done(() => reject(new Error(`stream ended without it: ${JSON.stringify(events())}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`timed out; got ${JSON.stringify(events())}`))), timeoutMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
    async end() {
      await finished;
      if (failure) throw failure;
      return events();
    },
  };
}

export type Harness = {
  vm: VmServer | VmProcess;
  /** The server's process: a child of this one (as the image runs it), or this one for a server kept in-process. */
  readonly pid: number;
  api: AnthropicStandIn;
  dataDir: string;
  spawns: string[];
  call(method: string, path: string, body?: unknown, token?: string | null): Promise<Response>;
  startRun(request: Partial<StartRunRequestInput> & { text?: string }): Promise<EventReader>;
  restart(overrides?: Partial<VmConfigInput>): Promise<void>;
  close(): Promise<void>;
};

let counter = 0;
export function uniqueId(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now()}-${++counter}`;
}

/**
 * `inProcess`: why this test's server cannot run in a child as the image runs it (it watches
 * something of this process the server uses, such as `globalThis.gc`, or passes a `memory` hook,
 * a function the server calls for an answer). Such a server has this process's capabilities.
 */
export type HarnessOptions = { inProcess?: string };

export async function startHarness(overrides: Partial<VmConfigInput> = {}, hooks: VmHooks = {}, options: HarnessOptions = {}): Promise<Harness> {
  if (hooks.memory && !options.inProcess) throw new Error("a memory hook cannot cross to the server's child process: pass inProcess with the reason");
  const api = await startAnthropicStandIn();
  const dataDir = mkdtempSync(join(tmpdir(), "vm-test-"));
  const spawns: string[] = [];
  const config = (more: Partial<VmConfigInput>): VmConfigInput => ({
    port: 0,
    host: "127.0.0.1",
    vmToken: TOKEN,
    dataDir,
    claudeBin: CLAUDE_BIN,
    heartbeatMs: 0,
    // The test machine's /proc may have no hidepid, and a test is one person's VM: a file that
    // checks the refusal sets it false.
    allowSharedProc: true,
    ...overrides,
    ...more,
    cliEnv: {
      ANTHROPIC_BASE_URL: api.url,
      ANTHROPIC_API_KEY: "sk-offline-test",
      ...sandboxFor(more.agentUids ?? overrides.agentUids),
      ...overrides.cliEnv,
      ...more.cliEnv,
    },
  });
  const allHooks: VmHooks = {
    ...hooks,
    onTiming: (runId, mark, at, event) => {
      if (mark === "spawned") spawns.push(runId);
      hooks.onTiming?.(runId, mark, at, event);
    },
  };
  const start = (input: VmConfigInput): Promise<VmServer | VmProcess> => (options.inProcess ? startVmServer(input, allHooks) : startVmProcess(input, allHooks));
  let vm: VmServer | VmProcess;
  try {
    vm = await start(config({}));
  } catch (error) {
    // Nothing else will release them: the caller gets no harness.
    await api.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  // The id switches a server child attempted (its guard's lines), those of servers a restart ended included.
  const switchedBefore: string[] = [];
  const switchesOf = (server: VmServer | VmProcess) => ("idSwitches" in server ? server.idSwitches() : []);
  const harness: Harness = {
    vm,
    get pid() {
      return "pid" in harness.vm ? harness.vm.pid : process.pid;
    },
    api,
    dataDir,
    spawns,
    call(method, path, body, token = TOKEN) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      return fetch(`${harness.vm.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    },
    async startRun({ text = "hello", ...request }) {
      const body: StartRunRequestInput = {
        runId: uniqueId("run"),
        userId: "+15550000001",
        sessionId: null,
        messages: [{ id: uniqueId("m"), text }],
        options: { permissionMode: "acceptEdits" },
        ...request,
      };
      return readEvents(await harness.call("POST", "/v1/runs", body));
    },
    async restart(more = {}) {
      await harness.vm.close();
      switchedBefore.push(...switchesOf(harness.vm));
      harness.vm = await start(config(more));
    },
    async close() {
      await harness.vm.close();
      await api.close();
      // Homes, workspaces, sessions and run logs of this harness: nothing of a test run remains.
      rmSync(dataDir, { recursive: true, force: true });
      // Even a switch whose throw the server caught fails the file.
      const switched = [...switchedBefore, ...switchesOf(harness.vm)];
      if (switched.length > 0) throw new Error(`the VM server switched its ids ${switched.length} time(s):\n${switched.join("\n")}`);
      assertNoIdSwitch();
    },
  };
  return harness;
}

/** Live processes whose working directory is inside `dir` (the CLI and anything it started). */
export function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) pids.push(Number(entry));
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return pids;
}

/**
 * The problem /health reports to the relay (with the token): polled until `settle` accepts it
 * (the startup check runs after the server listens) or `timeoutMs` has passed.
 */
export async function healthProblem(harness: Pick<Harness, "call">, settle: (problem: string | null) => boolean, timeoutMs = 10_000): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { problem = null } = VmHealthSchema.parse(await (await harness.call("GET", "/health")).json());
    if (settle(problem) || Date.now() > deadline) return problem;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function resultsOf(events: VmRunEvent[]) {
  return events.filter((e): e is Extract<VmRunEvent, { type: "result" }> => e.type === "result");
}

/** A harness for the whole test file: started before its tests, closed after them. */
export function useHarness(overrides: Partial<VmConfigInput> = {}, hooks: VmHooks = {}, options: HarnessOptions = {}): Harness {
  let current: Harness | null = null;
  beforeAll(async () => {
    current = await startHarness(overrides, hooks, options);
  });
  afterAll(() => current?.close());
  const get = (): Harness => {
    if (!current) throw new Error("the harness starts in beforeAll");
    return current;
  };
  return {
    get vm() {
      return get().vm;
    },
    get pid() {
      return get().pid;
    },
    get api() {
      return get().api;
    },
    get dataDir() {
      return get().dataDir;
    },
    get spawns() {
      return get().spawns;
    },
    call: (...args) => get().call(...args),
    startRun: (request) => get().startRun(request),
    restart: (more) => get().restart(more),
    close: () => get().close(),
  };
}
