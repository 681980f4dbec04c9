// What the run manager is given by the server that builds it: the configuration, the run logs,
// and the units a run's process needs (the tool bridge, the credential proxy, the user's HOME
// and rules, the checkpoints), each optional where a test of the CLI's own behaviour runs without.
import type { GitIdentity } from "../../../src/protocol/vm/runs";
import type { AwakeTime } from "../awake-timers";
import type { Checkpoints } from "../checkpoints/checkpoints";
import type { AgentRecords } from "../cli/agent-records";
import type { AgentFence } from "../core/agent-fence";
import type { VmConfig } from "../config";
import type { AgentIds } from "../core/agent-ids";
import type { ProblemObservation } from "../core/config-problem";
import type { CredentialProxy } from "../credentials/credential-proxy";
import type { ToolBridge } from "../relay-tools/tool-bridge";
import type { AgentUsers } from "../users/agent-users";
import type { RunLog } from "./run-log";

/**
 * Where a run is at a moment (performance.now()): its request received, its CLI spawned (or a spare taken), its
 * checkpoint started, a turn of it written to the CLI's stdin, a model request of its CLI at the
 * credential proxy, a result line read, its change being recorded and recorded (the checkpoint after
 * it, which its last answer waits for). For the benchmark, and VM_TIMING=log.
 */
export type TimingMark = "received" | "spawned" | "spare_taken" | "checkpoint_started" | "written" | "model_request" | "result_line" | "change_started" | "change_recorded";
export type ManagerDeps = {
  config: VmConfig;
  log: RunLog;
  /** A run ended or a process was stopped: counts as activity for the idle monitor. */
  touch: () => void;
  /** The awake time warm processes wait on, so a suspended Machine resumes with them still warm. */
  awake: Pick<AwakeTime, "now" | "after">;
  onTiming?: (runId: string, mark: TimingMark, at: number) => void;
  tools: ToolBridge;
  /** Where agents' CLIs reach this server's MCP endpoint on loopback (known once it listens). */
  vmUrl: () => string;
  /** What each finished run says about the VM's configuration (for /health and the log). */
  observe?: (seen: ProblemObservation) => void;
  /** Who each user's agent runs as. */
  users: Pick<AgentUsers, "idsOf">;
  /** Where each agent process group is recorded while it lives (agent-records.ts). */
  records?: Pick<AgentRecords, "add" | "release" | "runEnded">;
  /** Writes the user's git config and gh's files (as that user) before an agent process starts; `proxyToken`: the process's own. */
  prepareHome?: (ids: AgentIds | null, home: string, identity: GitIdentity | undefined, proxyToken: string | null) => Promise<void>;
  /**
   * The credential proxy (credential-proxy.ts): each agent process gets a token of its own,
   * admitted while the process serves a live run, in place of the VM's secrets. Without it the
   * pass-through variables go to the CLI as they are (tests of the CLI's own behaviour).
   */
  proxy?: Pick<CredentialProxy, "grant" | "registerAgent" | "agentEnv" | "resultText">;
  /** Extra values no message may carry (the operator's git credentials). */
  secrets?: readonly string[];
  /** The user's "always" rules of a workspace as the CLI's `--settings` file (approval-rules.ts); none without. */
  rulesFileOf?: (userKey: string, cwd: string) => string | null;
  /**
   * The workspace's files recorded before each run (its process starts after) and after it (its
   * terminal event carries what changed): checkpoints.ts. Without it, runs record nothing.
   */
  checkpoints?: Pick<Checkpoints, "before" | "after">;
  /** Each agent process in a Landlock domain of its own (core/agent-fence.ts); none where the kernel has none. */
  fence?: AgentFence | null;
  /** The Machine's memory in MB (tests set it); default the kernel's total and available. */
  memory?: () => { totalMb: number; freeMb: number };
};
