// Relay tool calls in flight. Each agent process with the tools gets a secret of its own, and its
// calls are heard only from that very process: the CLI the VM spawned (its pid, known from the
// spawn) must hold the client end of the connection a `tools/call` arrives on. The agent can read
// the secret (it is in a file of its uid), but whatever it runs is another process, so a call it
// forges is refused and logged (docs/vm.md). A call becomes a `tool_call` event of that process's
// current run and waits for the relay's `tool-result`, for at most `timeoutMs`, and never past the
// end of the run.
import { createHash, randomBytes } from "node:crypto";
import { SEND_FILE_TOOL } from "../../../src/protocol/relay-tools";
import type { AgentIds } from "../core/agent-ids";
import type { ToolAnswer } from "../core/relay-tool-wire";
import type { PeerSocket } from "./peer-process";
import { createPendingAsks } from "./pending-asks";
import type { Run } from "../core/run-handle";

/** Which tools one agent process is offered (relay-mcp-tools.ts). */
export type ToolsOffer = { schedules: boolean; approvals: boolean };

export type ToolGrant = {
  secret: string;
  /** The agent's CLI, once spawned: only its own connections are heard. */
  attach(pid: number): void;
  revoke(): void;
};

/** Whether process `pid` (running as `ids`; null: the server's uid) holds the client end of `socket` (peer-process.ts). */
export type HolderCheck = (socket: PeerSocket, ids: AgentIds | null, pid: number) => Promise<boolean>;

/** An agent process's grant as the MCP route sees it: what it is offered, and the run it serves now. */
export type ToolOwner = { readonly offer: ToolsOffer; readonly currentRun: () => Run | null };
type Owner = ToolOwner & { ids: AgentIds | null; pid: number | null; heardOn: WeakSet<object> };

/** Why a request was not heard; the log names it, never the secret. */
export type Refusal = "unknown_secret" | "not_started" | "other_process";

const digestOf = (secret: string) => createHash("sha256").update(secret, "utf8").digest("hex");
/** Calls of a finished run are remembered this long (a late answer finds nothing to apply either way). */
const SETTLED_KEPT_MS = 10 * 60_000;

export function createToolBridge(options: { timeoutMs: number; holds: HolderCheck }) {
  /** By the secret's digest: looking one up says nothing about any secret. */
  const owners = new Map<string, Owner>();
  const asks = createPendingAsks<ToolAnswer>({ keepSettledMs: SETTLED_KEPT_MS });
  const ownerOf = (authorization: string | undefined): Owner | undefined => {
    const match = /^Bearer (\S+)$/.exec(authorization ?? "");
    return match?.[1] ? owners.get(digestOf(match[1])) : undefined;
  };

  return {
    /** A fresh secret for one agent process (running as `ids`); its calls go to whatever run it serves at the time. */
    grant(currentRun: () => Run | null, offer: ToolsOffer, ids: AgentIds | null = null): ToolGrant {
      const secret = randomBytes(32).toString("base64url");
      const digest = digestOf(secret);
      const owner: Owner = { currentRun, offer, ids, pid: null, heardOn: new WeakSet() };
      owners.set(digest, owner);
      return {
        secret,
        attach: (pid) => void (owner.pid = pid),
        revoke: () => owners.delete(digest),
      };
    },

    /** The grant a request's `Authorization: Bearer <secret>` names, if any: enough to list the tools, never to call one. */
    ownerOf,

    /**
     * Whether a call on this connection is the agent's CLI's own. Checked once per connection (the
     * CLI keeps its connections open); a connection of any other process is never heard.
     */
    async heard(owner: ToolOwner, connection: { socket: PeerSocket; key: object } | null): Promise<Refusal | null> {
      const own = owner as Owner;
      if (own.pid === null) return "not_started";
      if (!connection) return "other_process";
      if (own.heardOn.has(connection.key)) return null;
      if (!(await options.holds(connection.socket, own.ids, own.pid))) return "other_process";
      own.heardOn.add(connection.key);
      return null;
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
