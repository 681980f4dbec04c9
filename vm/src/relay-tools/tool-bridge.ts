// Relay tool calls in flight: each agent process with the tools gets a secret of its own, and is
// heard only from the relay MCP server its CLI started: the first direct child of a live CLI of
// its uid to present the secret (at the server's start, before the agent can run anything) is the
// only process whose requests count; anything else is refused and logged (docs/vm.md). A call
// becomes a `tool_call` event of that process's current run and waits for the relay's
// `tool-result`, for at most `timeoutMs`, and never past the end of the run.
import { createHash, randomBytes } from "node:crypto";
import { SEND_FILE_TOOL } from "../../../src/protocol/relay-tools";
import type { AgentIds } from "../core/agent-ids";
import type { ToolAnswer } from "../core/relay-tool-wire";
import type { PeerProcess, PeerSocket } from "./peer-process";
import { createPendingAsks } from "./pending-asks";
import type { Run } from "../core/run-handle";

export type ToolGrant = { secret: string; revoke(): void };

/** Who presented a secret: the process at the other end of the request's connection. */
export type PeerCheck = {
  /** The live CLIs, by pid, and whom each runs as (agent-records.ts). */
  liveClis: () => ReadonlyMap<number, AgentIds | null>;
  /** The process holding the connection's client end, among the direct children of `parents` (peer-process.ts). */
  peerOf: (socket: PeerSocket, ids: AgentIds | null, parents: ReadonlySet<number>) => Promise<PeerProcess | null>;
};

type Owner = { currentRun: () => Run | null; ids: AgentIds | null; bound: PeerProcess | null };

/** Why a request with a secret was not heard; the log names it, never the secret. */
export type Refusal = "unknown_secret" | "unknown_process" | "not_bound_yet" | "already_bound" | "other_process";

const digestOf = (secret: string) => createHash("sha256").update(secret, "utf8").digest("hex");
/** Calls of a finished run are remembered this long (a late answer finds nothing to apply either way). */
const SETTLED_KEPT_MS = 10 * 60_000;

export function createToolBridge(options: { timeoutMs: number; peers: PeerCheck }) {
  /** By the secret's digest: looking one up says nothing about any secret. */
  const owners = new Map<string, Owner>();

  /** The process behind a request, if it is a direct child of a live CLI of the owner's uid. */
  async function peerOf(owner: Owner, socket: PeerSocket | null): Promise<PeerProcess | null> {
    if (!socket) return null;
    const parents = new Set([...options.peers.liveClis()].filter(([, ids]) => (ids?.uid ?? null) === (owner.ids?.uid ?? null)).map(([pid]) => pid));
    return options.peers.peerOf(socket, owner.ids, parents);
  }
  const ownerOf = (authorization: string | undefined): Owner | undefined => {
    const match = /^Bearer (\S+)$/.exec(authorization ?? "");
    return match?.[1] ? owners.get(digestOf(match[1])) : undefined;
  };
  const asks = createPendingAsks<ToolAnswer>({ keepSettledMs: SETTLED_KEPT_MS });

  return {
    /** A fresh secret for one agent process (running as `ids`); its calls go to whatever run it serves at the time. */
    grant(currentRun: () => Run | null, ids: AgentIds | null = null): ToolGrant {
      const secret = randomBytes(32).toString("base64url");
      const digest = digestOf(secret);
      owners.set(digest, { currentRun, ids, bound: null });
      return { secret, revoke: () => owners.delete(digest) };
    },

    /**
     * The relay MCP server says it has started: the secret is bound to that process, the first
     * direct child of a live CLI of its uid to present it. Later, nothing else is heard with it.
     */
    async bind(authorization: string | undefined, socket: PeerSocket | null): Promise<Refusal | null> {
      const owner = ownerOf(authorization);
      if (!owner) return "unknown_secret";
      if (owner.bound) return "already_bound";
      const peer = await peerOf(owner, socket);
      if (!peer) return "unknown_process";
      // Checked again after the wait: two at once bind one.
      if (owner.bound) return "already_bound";
      owner.bound = peer;
      return null;
    },

    /**
     * The run a request speaks for, when it presents `Authorization: Bearer <secret>` from the
     * very process the secret is bound to (same pid, same start time); else why not.
     */
    async callerOf(authorization: string | undefined, socket: PeerSocket | null): Promise<{ currentRun: () => Run | null } | { refused: Refusal }> {
      const owner = ownerOf(authorization);
      if (!owner) return { refused: "unknown_secret" };
      if (!owner.bound) return { refused: "not_bound_yet" };
      const peer = await peerOf(owner, socket);
      if (!peer) return { refused: "unknown_process" };
      if (peer.pid !== owner.bound.pid || peer.startTime !== owner.bound.startTime) return { refused: "other_process" };
      return { currentRun: owner.currentRun };
    },

    /** Emits the call on the run's stream and resolves with the relay's answer, a timeout or the run's end. */
    async call(run: Run, name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
      if (run.admits("tool_call").kind !== "accept") return { ok: false, text: "The run is ending; the tool was not called." };
      const callId = `call_${randomBytes(12).toString("base64url")}`;
      // Asked first: a relay that answers at once finds the call.
      const outcome = asks.ask(run.id, callId, options.timeoutMs, undefined);
      run.onFinished(() => asks.endRun(run.id));
      run.feed({ type: "tool_call", callId, name, args });
      const settled = await outcome;
      if (settled.kind === "answer") return settled.value;
      if (settled.kind === "run_over") return { ok: false, text: "The run ended before the relay answered." };
      const seconds = Math.round(options.timeoutMs / 1000);
      const unsure = name === SEND_FILE_TOOL ? "the file may or may not have been sent" : "the change may or may not have been made (check with schedule_list)";
      return { ok: false, text: `The relay did not answer within ${seconds} s; ${unsure}.` };
    },

    /** The relay's answer; false when no such call of that run is waiting (answered, timed out, ended). */
    answer(runId: string, callId: string, answer: ToolAnswer): boolean {
      return asks.answer(runId, callId, answer) === "ok";
    },
  };
}

export type ToolBridge = ReturnType<typeof createToolBridge>;
