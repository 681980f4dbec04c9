// The warm-path benchmark as data: how many rounds, the phone, the texts, and which VM marks (VM_TIMING=log)
// belong to a turn. Pure.

/** Rounds of one warm turn, one hello-world request and one bare CLI turn each (`--quick`: a smoke run). */
export function roundsOf(quick: boolean): number {
  return quick ? 3 : 20;
}

/** Turns before the samples: the first spawns the CLI, the others find it warm. */
export const WARM_UP_TURNS = 3;

export const WARM_PATH_PHONE = "+15550032001";

/** A text no other turn sends, so the model request carrying it is this turn's. */
export function turnText(kind: "warm_up" | "sample" | "bare", index: number, runId: string): string {
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
