// What `npm start` shows of its children's output: one line per message, per command (as it was
// typed) and per run (with its conversation), what went wrong in plain words, and every line that
// is not the Worker's routine log; the Worker's JSON events, wrangler's request lines and start-up,
// and workerd's internal notes are behind `--json-log`. A child's own prefix (`[emulator]`, `vm:`)
// is dropped under the stack's. Pure: a prefixed line in, the line to show (or null) out.
import { stripVTControlCharacters } from "node:util";
import { unprefixed } from "./line-buffer";
import { stepWorkerOutput, WORKER_OUTPUT_START, type WorkerOutputState } from "./worker-output";

/** Masked phone (as the relay logs it, `+1555***0001`) → a name to show, e.g. the simulator's Alice. */
export type Names = Readonly<Record<string, string>>;

type Fields = Record<string, unknown> & { event: string };

/** Events that are the relay's routine bookkeeping: a status tick, a pump's or alarm's cost, a migration. */
const ROUTINE = new Set([
  "delivery_status", "pump_done", "alarm_done", "migrated", "run_streaming", "run_input", "media_settled", "media_served", "media_swept",
  "web_page_served", "status_ignored", "machines_swept", "run_task_alone", "messages_carried", "stored", "github_watch", "linked_chat",
]);
/** Events that say something went wrong or was turned away: always shown. */
const TROUBLE = /fail|error|refused|rejected|invalid|unreachable|lost|unsent|unanswered|missing|not_allowed|no_|held|retry|gone|unconsumed|decision/;

const seconds = (ms: unknown) => (typeof ms === "number" ? `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s` : "?");

function who(fields: Fields, names: Names): string {
  const phone = typeof fields.phone === "string" ? fields.phone : null;
  if (phone) return names[phone] ?? phone;
  return typeof fields.object === "string" ? fields.object : "relay";
}

/** The few fields that say why, for a line about trouble: `key=value`, nested objects flattened one level. */
function detail(fields: Fields): string {
  const skip = new Set(["event", "object", "phone", "messageIds", "runId", "vmRunId", "rowsWritten"]);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (skip.has(key) || value === null || value === undefined) continue;
    if (typeof value === "object") {
      for (const [inner, v] of Object.entries(value as Record<string, unknown>)) if (typeof v !== "object" && v !== undefined) parts.push(`${key}.${inner}=${String(v)}`);
    } else {
      parts.push(`${key}=${String(value)}`);
    }
  }
  return parts.join(" ").slice(0, 200);
}

/** A run's outcome as a person says it (the relay's word for /stop is `cancelled`). */
const OUTCOMES: Record<string, string> = { cancelled: "stopped", failed_after_retries: "failed after retries", auth_failed: "failed: the model refused its credentials", vm_unfit: "failed: the VM cannot run agents", time_limit: "stopped at its time limit" };
const TRANSPORT: Record<string, string> = { unreachable: "could not reach the VM", http_error: "the VM answered with an error", bad_stream: "the VM's stream broke off", unknown_run: "the VM did not know the run" };

const words = (code: unknown) => String(code ?? "").replace(/_/g, " ");
const conversationOf = (fields: Fields) => (typeof fields.conversation === "string" ? `@${fields.conversation} ` : "");
const record = (value: unknown): Record<string, unknown> => (typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {});

/** A run's failed attempt, and what the relay does about it; null for /stop's, which the run's own line tells. */
function describeDecision(fields: Fields): string | null {
  const failure = record(fields.failure);
  const decision = record(fields.decision);
  if (failure.code === "cancelled" || decision.reason === "cancelled") return null;
  const what = failure.kind === "transport" ? (TRANSPORT[String(failure.reason)] ?? words(failure.reason)) : `the VM said ${words(failure.code)}${failure.reason ? ` (${words(failure.reason)})` : ""}`;
  const message = typeof fields.message === "string" && fields.message !== "" ? `: ${fields.message.slice(0, 120)}` : "";
  const next =
    decision.action === "retry_same" || decision.action === "retry_new" ? "trying again" :
    decision.action === "cut" ? "the run ends; its unanswered messages go into the next run" :
    decision.action === "hold" ? "the model is paused; the messages wait" :
    `gave up (${words(decision.reason)})`;
  return `⚠ ${conversationOf(fields)}run: ${what}${message}; ${next}`;
}

const unsent = (f: Fields) => `a ${typeof f.channel === "string" ? `${f.channel} ` : ""}message could not be sent (error ${String(f.errorCode ?? "?")}, attempt ${String(f.attempt ?? "?")})`;

/** The trouble a new user of the stack meets most, in words; any other is its event's words and fields. */
const PLAIN: Readonly<Record<string, (fields: Fields) => string>> = {
  outbox_failed: (f) => `${unsent(f)}; given up`,
  outbox_retry: (f) => `${unsent(f)}; trying again`,
  webhook_rejected: (f) => `a webhook to ${String(f.path ?? "the relay")} was refused (${words(f.reason)})`,
  message_refused: (f) => `a message was refused (${words(f.reason)})`,
  voice_not_transcribed: (f) => `a voice note could not be transcribed (${words(f.reason)})`,
  pump_error: (f) => `the relay's work stopped on an error: ${String(f.error ?? "?").slice(0, 160)}`,
};

/** `offlineModel`: the stack runs the offline model, whose runs cost nothing (the VM reports $0 for them). */
function describeEvent(fields: Fields, offlineModel: boolean): string | null {
  switch (fields.event) {
    case "message_queued": {
      const count = Array.isArray(fields.messageIds) ? fields.messageIds.length : 1;
      if (typeof fields.command === "string") return `sent ${/^[/@]/.test(fields.command) ? fields.command : `“${fields.command}”`}`;
      return count === 1 ? "sent a message" : `sent ${count} messages`;
    }
    case "run_finished": {
      const cost = offlineModel ? ", offline model: free" : typeof fields.costUsd === "number" && fields.costUsd > 0 ? `, $${fields.costUsd.toFixed(4)}` : "";
      const outcome = String(fields.outcome ?? "ended");
      return `${conversationOf(fields)}run ${OUTCOMES[outcome] ?? words(outcome)} in ${seconds(fields.durationMs)}${cost}`;
    }
    case "run_decision":
      return describeDecision(fields);
    case "run_tool_call":
      return `the agent called ${String(fields.tool)} (${fields.ok === true ? "ok" : "refused"})`;
    case "event_run":
      return `event run ${String(fields.outcome ?? "")}`.trim();
    case "github_event":
      return `GitHub event ${String(fields.outcome ?? "")}`.trim();
    case "trigger_fired":
      return "trigger fired";
    default: {
      if (ROUTINE.has(fields.event) || !TROUBLE.test(fields.event)) return null;
      const plain = PLAIN[fields.event];
      if (plain) return `⚠ ${plain(fields)}`;
      const why = detail(fields);
      return `⚠ ${words(fields.event)}${why ? `: ${why}` : ""}`;
    }
  }
}

function parseEvent(text: string): Fields | null {
  if (!text.startsWith("{")) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && typeof (parsed as { event?: unknown }).event === "string" ? (parsed as Fields) : null;
  } catch {
    return null;
  }
}

/** wrangler dev's request line: `[wrangler:info] POST /twilio/status 204 No Content (12ms)`. */
const REQUEST = /^\[wrangler:info\] ([A-Z]+) (\S+) (\d{3})\b/;
/** A child's own prefix, said again under the stack's (`[twilio] [emulator] …`). */
const OWN_PREFIX: Readonly<Record<string, RegExp>> = { twilio: /^\[emulator\] /, telegram: /^\[telegram\] /, fly: /^\[fly\] /, vm: /^vm: / };

/** The Worker's own text (not the stack's prefix) as `npm start` shows it, or null to leave it out. */
function workerText(text: string, o: { clock: string; names: Names; offlineModel?: boolean }): string | null {
  const request = REQUEST.exec(text);
  // A webhook's or trigger's path is its secret door: never shown whole.
  if (request) return Number(request[3]) < 400 ? null : `${o.clock}  ⚠ ${request[1]} ${request[2]!.replace(/^(\/(?:github\/webhook|trigger|t)\/)[^?]+/, "$1…").replace(/\?.*$/, "")} answered ${request[3]}`;
  const fields = parseEvent(text);
  if (!fields) return text;
  const what = describeEvent(fields, o.offlineModel === true);
  return what === null ? null : `${o.clock}  ${who(fields, o.names).padEnd(12)} ${what}`;
}

/**
 * The line `npm start` shows for one prefixed line of a child (`[worker] {"event":…}`), or null
 * to leave it out; `clock` is the time to show (the caller's local time). The Worker's events become
 * `[worker] 12:03:04  Alice        sent a message` (every line keeps its source's prefix); its routine
 * events and successful request lines are left out; everything else is shown as it came, less a
 * child's own prefix. `worker` carries wrangler's start-up blocks from line to line (worker-output.ts).
 */
export function readableLine(line: string, o: { clock: string; names: Names; offlineModel?: boolean; worker?: WorkerOutputState }): { line: string | null; worker: WorkerOutputState } {
  const worker = o.worker ?? WORKER_OUTPUT_START;
  const parts = unprefixed(line);
  if (!parts) return { line, worker };
  const { source, prefix } = parts;
  const text = parts.text.replace(OWN_PREFIX[source] ?? /^(?!)/, "");
  if (source !== "worker") return { line: `${prefix}${text}`, worker };
  // Read without its colour codes (wrangler colours its warnings even into a pipe); a line shown as it came keeps them.
  const plain = stripVTControlCharacters(text);
  const step = stepWorkerOutput(worker, plain);
  const shown = step.show === null ? null : workerText(step.show, o);
  return { line: shown === null ? null : `${prefix}${shown === plain ? text : shown}`, worker: step.state };
}

/** readableLine over a stream of lines, carrying its state: what `npm start` writes each child's line through. */
export function readableLines(names: Names, offlineModel = false): (line: string, clock: string) => string | null {
  let worker = WORKER_OUTPUT_START;
  return (line, clock) => {
    const shown = readableLine(line, { clock, names, offlineModel, worker });
    worker = shown.worker;
    return shown.line;
  };
}

/** The simulator's people (`+15551230001:Alice,…`, as EMULATOR_USERS names them) by their masked number, as the relay logs it. */
export function namesOf(users: string | undefined): Names {
  const names: Record<string, string> = {};
  for (const entry of (users ?? "").split(",")) {
    const [phone = "", name = ""] = entry.trim().split(":");
    const digits = /^\+(\d{8,15})$/.exec(phone)?.[1];
    if (digits && name) names[`+${digits.slice(0, Math.min(4, digits.length - 7))}***${digits.slice(-4)}`] = name;
  }
  return names;
}
