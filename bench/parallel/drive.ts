// Runs on the agent VM over HTTP, as the relay starts them (`POST /v1/runs`, the NDJSON event
// stream read to its end), and the offline model's requests that carry a run's text.
import type { StartRunRequestInput } from "../../src/protocol/vm/runs";
import type { AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { STAND_IN_CREDENTIALS } from "../lib/stand-ins";
import { USER_ID } from "./plan";

export type RunEnd = { ok: boolean; endedAt: number; sessionId: string | null; error: string | null };
export type StartedRun = { runId: string; sentAt: number; end: Promise<RunEnd> };

const RUN_TIMEOUT_MS = 120_000;
let counter = 0;

/**
 * Starts one run in `workspace`; `sentAt` is Date.now() just before the request goes out. `more`:
 * another user, or the options a relay would send (the VM's defaults without).
 */
export function startRun(vmUrl: string, workspace: string, text: string, sessionId: string | null, more: Pick<StartRunRequestInput, "userId" | "options"> = { userId: USER_ID }): StartedRun {
  const runId = `bench-par-${Date.now().toString(36)}-${++counter}`;
  const body: StartRunRequestInput = { runId, sessionId, workspace, messages: [{ id: `${runId}-m`, text }], ...more };
  const sentAt = Date.now();
  const end = fetch(`${vmUrl}/v1/runs`, {
    method: "POST",
    headers: { authorization: `Bearer ${STAND_IN_CREDENTIALS.vmToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
  }).then(readRun);
  // Awaited by the caller; a run left behind when the section fails halfway must not end the
  // process with an unhandled rejection while the stack is being stopped.
  end.catch(() => undefined);
  return { runId, sentAt, end };
}

type StreamLine = { type?: string; sessionId?: string; code?: string; message?: string };

async function readRun(response: Response): Promise<RunEnd> {
  if (!response.ok) return { ok: false, endedAt: Date.now(), sessionId: null, error: `POST /v1/runs answered ${response.status}` };
  const lines: StreamLine[] = [];
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.body ?? []) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      lines.push(JSON.parse(buffer.slice(0, nl)) as StreamLine);
      buffer = buffer.slice(nl + 1);
    }
  }
  const endedAt = Date.now();
  const last = lines.filter((l) => l.type !== "heartbeat").at(-1);
  const sessionId = lines.find((l) => l.type === "result")?.sessionId ?? null;
  if (last?.type === "done") return { ok: true, endedAt, sessionId, error: null };
  return { ok: false, endedAt, sessionId, error: last?.type === "error" ? `${last.code}: ${last.message}` : "the stream ended without done" };
}

const isMessages = (r: { method: string; path: string }) => r.method === "POST" && r.path === "/v1/messages";

/** The model's arrival time (its Date.now() once the body was read) of the first request carrying `text` at or after `sentAt`. */
export function arrivalOf(model: Pick<AnthropicStandIn, "requests">, text: string, sentAt: number): number | null {
  // The model's clock has whole milliseconds: a request in the same millisecond as the send counts.
  return model.requests.find((r) => isMessages(r) && r.at >= Math.floor(sentAt) && JSON.stringify(r.body).includes(text))?.at ?? null;
}

/** Waits until the model has been asked for `text` (the run is live, its CLI waiting on the model). */
export async function modelAsked(model: Pick<AnthropicStandIn, "requests">, text: string, sentAt: number, timeoutMs = 60_000): Promise<number> {
  for (const until = Date.now() + timeoutMs; Date.now() < until; await new Promise((r) => setTimeout(r, 10))) {
    const at = arrivalOf(model, text, sentAt);
    if (at !== null) return at;
  }
  throw new Error(`the model was not asked for "${text}" within ${timeoutMs} ms`);
}
