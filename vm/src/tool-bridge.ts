// Relay tool calls in flight: each agent process with the tools gets a secret of its own; a call
// presented with it becomes a `tool_call` event of that process's current run and waits for the
// relay's `tool-result`, for at most `timeoutMs`, and never past the end of the run.
import { createHash, randomBytes } from "node:crypto";
import { SEND_FILE_TOOL } from "../../src/protocol/relay-tools";
import type { ToolAnswer } from "./core/relay-tool-wire";
import { createPendingAsks } from "./pending-asks";
import type { Run } from "./run";

export type ToolGrant = { secret: string; revoke(): void };

const digestOf = (secret: string) => createHash("sha256").update(secret, "utf8").digest("hex");
/** Calls of a finished run are remembered this long (a late answer finds nothing to apply either way). */
const SETTLED_KEPT_MS = 10 * 60_000;

export function createToolBridge(options: { timeoutMs: number }) {
  /** By the secret's digest: looking one up says nothing about any secret. */
  const owners = new Map<string, () => Run | null>();
  const asks = createPendingAsks<ToolAnswer>({ keepSettledMs: SETTLED_KEPT_MS });

  return {
    /** A fresh secret for one agent process; its calls go to whatever run it serves at the time. */
    grant(currentRun: () => Run | null): ToolGrant {
      const secret = randomBytes(32).toString("base64url");
      const digest = digestOf(secret);
      owners.set(digest, currentRun);
      return { secret, revoke: () => owners.delete(digest) };
    },

    /** The run a presented `Authorization: Bearer <secret>` speaks for: undefined when the secret is unknown. */
    ownerOf(authorization: string | undefined): (() => Run | null) | undefined {
      const match = /^Bearer (\S+)$/.exec(authorization ?? "");
      return match?.[1] ? owners.get(digestOf(match[1])) : undefined;
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
