// What the VM stand-in recorded, readable from workerd tests (no Node imports here).
import type { InputMessage, RunEvent, RunOptions } from "../../src/protocol/vm-protocol";

export type StandInRequest = {
  kind: "start" | "events" | "input" | "cancel" | "tool-result";
  callId?: string;
  runId: string;
  userId: string;
  sessionId?: string | null;
  messages?: InputMessage[];
  options?: RunOptions;
  after?: number;
  /** For input: whether the live run took it (false: the run had finished). */
  accepted?: boolean;
  at: number;
};

/**
 * POST /__stand-in/script: the next run started for `userId` executes nothing. Its first
 * connections (POST /v1/runs, then each GET …/events) write `connections[i]`'s chunks verbatim
 * (no newline added) and end; once they are used up, connections serve `events` after `?after=`.
 */
export type VmScript = { userId: string; connections: string[][]; events: RunEvent[] };
