// What `npm start` shows of its children's output: one line per message and per run (time, who,
// what), the failures, and every line that is not the Worker's routine log; the Worker's JSON
// events and wrangler's request lines are behind `--json-log`. Pure: a prefixed line in, the line
// to show (or null) out.

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

/** `offlineModel`: the stack runs the offline model, whose runs cost nothing (the VM reports $0 for them). */
function describeEvent(fields: Fields, offlineModel: boolean): string | null {
  switch (fields.event) {
    case "message_queued": {
      const count = Array.isArray(fields.messageIds) ? fields.messageIds.length : 1;
      if (typeof fields.command === "string") return `sent a command (${fields.command})`;
      return count === 1 ? "sent a message" : `sent ${count} messages`;
    }
    case "run_finished": {
      const cost = offlineModel ? ", offline model: free" : typeof fields.costUsd === "number" && fields.costUsd > 0 ? `, $${fields.costUsd.toFixed(4)}` : "";
      return `run ${String(fields.outcome ?? "ended")} in ${seconds(fields.durationMs)}${cost}`;
    }
    case "run_tool_call":
      return `the agent called ${String(fields.tool)} (${fields.ok === true ? "ok" : "refused"})`;
    case "event_run":
      return `event run ${String(fields.outcome ?? "")}`.trim();
    case "github_event":
      return `GitHub event ${String(fields.outcome ?? "")}`.trim();
    case "trigger_fired":
      return "trigger fired";
    default:
      if (ROUTINE.has(fields.event) || !TROUBLE.test(fields.event)) return null;
      return `⚠ ${fields.event} ${detail(fields)}`.trim();
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

/**
 * The line `npm start` shows for one prefixed line of a child (`[worker] {"event":…}`), or null
 * to leave it out; `clock` is the time to show (the caller's local time). The Worker's events become
 * `[worker] 12:03:04  Alice        sent a message` (every line keeps its source's prefix); its routine
 * events and successful request lines are left out; everything else is shown as it came.
 */
export function readableLine(line: string, o: { clock: string; names: Names; offlineModel?: boolean }): string | null {
  const match = /^(\[worker\]\s+)(.*)$/.exec(line);
  if (!match) return line;
  const [, prefix, text] = match as unknown as [string, string, string];
  const request = REQUEST.exec(text);
  // A webhook's or trigger's path is its secret door: never shown whole.
  if (request) return Number(request[3]) < 400 ? null : `${prefix}${o.clock}  ⚠ ${request[1]} ${request[2]!.replace(/^(\/(?:github\/webhook|trigger|t)\/)[^?]+/, "$1…").replace(/\?.*$/, "")} answered ${request[3]}`;
  const fields = parseEvent(text);
  if (!fields) return line;
  const what = describeEvent(fields, o.offlineModel === true);
  return what === null ? null : `${prefix}${o.clock}  ${who(fields, o.names).padEnd(12)} ${what}`;
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
