// The warm-path benchmark as data: how many rounds, the phone, the texts, what the VM-alone reference
// sends, and which VM marks (VM_TIMING=log) belong to a turn. Pure.
import { WHATSAPP_INSTRUCTIONS } from "../../src/protocol/vm/agent-instructions";
import { DEFAULT_APPROVAL_TIMEOUT_MS } from "../../src/protocol/vm/approvals";
import type { RunOptions } from "../../src/protocol/vm/runs";

/**
 * Rounds of one warm turn, one hello-world request and one bare CLI turn each (`--quick`: a smoke
 * run). 40: at 20, a bootstrap of the rounds put the judged figure within ±3 ms, much of what it
 * moved by from run to run; 40 takes that to about ±2 ms for a minute and a half more.
 */
export function roundsOf(quick: boolean): number {
  return quick ? 3 : 40;
}

/** The VM-alone reference's rounds after those, one bare CLI turn and one VM-alone turn each. */
export function aloneRoundsOf(quick: boolean): number {
  return quick ? 2 : 20;
}

/**
 * How long after its last turn the VM is left before a reference round is timed. A quiet VM
 * compacts its heap (a synchronous major collection, 20-50 ms here) at its first idle check at
 * least 1 s after its last activity, so between 1 and 2 s after it (vm/src/server.ts): a turn
 * sent into that collection, to the VM or to the bare CLI beside it on the same 2 cores, would
 * time it. (The path's rounds keep their own cadence: each of their VM turns comes more than 2 s
 * after the one before.)
 */
export const VM_SETTLE_MS = 2_200;

/** Turns before the samples: the first spawns the CLI, the others find it warm. */
export const WARM_UP_TURNS = 3;

export const WARM_PATH_PHONE = "+15550032001";

/**
 * The VM-alone reference's user: the same VM, a CLI of its own, its runs sent straight to
 * `POST /v1/runs` with nothing of the relay at work meanwhile.
 */
export const VM_ALONE_USER = "+15550032002";

/**
 * What the relay sends with a chat run under its default settings (src/runs/run-input.ts,
 * `APPROVALS_DEFAULT` edits): the same CLI flags, relay tools and system prompt as the path's.
 */
export const VM_ALONE_OPTIONS: RunOptions = {
  permissionMode: "bypassPermissions",
  approvals: { mode: "edits", timeoutMs: DEFAULT_APPROVAL_TIMEOUT_MS },
  scheduleTools: true,
  appendSystemPrompt: WHATSAPP_INSTRUCTIONS,
};

/** A text no other turn sends, so the model request carrying it is this turn's. */
export function turnText(kind: "warm_up" | "sample" | "bare" | "alone_warm_up" | "alone" | "bare_alone", index: number, runId: string): string {
  return `bench warm path ${kind} ${index} ${runId}`;
}

/** One line of the VM's VM_TIMING=log output (vm/src/main.ts). */
export type VmTimingMark = { runId: string; mark: string; at: number };

/** A VM stdout line as a timing mark, or null for any other line. */
export function timingMarkOf(line: string): VmTimingMark | null {
  if (!line.startsWith("{") || !line.includes('"vm_timing"')) return null;
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    if (parsed.event !== "vm_timing" || typeof parsed.runId !== "string" || typeof parsed.mark !== "string" || typeof parsed.at !== "number") return null;
    return { runId: parsed.runId, mark: parsed.mark, at: parsed.at };
  } catch {
    return null;
  }
}

/**
 * The VM's marks of the turn sent at `sentAt`: the first run received at or after it, and that
 * run's first `written` and first `model_request`. Null where the VM logged none.
 */
export function turnMarks(marks: readonly VmTimingMark[], sentAt: number): { received: number | null; written: number | null; modelRequest: number | null } {
  const received = marks.find((m) => m.mark === "received" && m.at >= sentAt);
  if (!received) return { received: null, written: null, modelRequest: null };
  const first = (mark: string) => marks.find((m) => m.runId === received.runId && m.mark === mark)?.at ?? null;
  return { received: received.at, written: first("written"), modelRequest: first("model_request") };
}
