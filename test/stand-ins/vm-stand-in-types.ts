// What the VM stand-in recorded, readable from workerd tests (no Node imports here).
import type { InputMessage, RunOptions } from "../../src/protocol/vm-protocol";

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
