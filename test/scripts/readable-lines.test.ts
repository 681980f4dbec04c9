// What `npm start` shows of the Worker's log: a line per message, command (as typed) and run (with
// its conversation), what went wrong in plain words, and nothing of the routine (status ticks,
// pumps, successful requests, /stop's decision, wrangler's start-up, workerd's internal notes), and
// no child's prefix twice. Pure, as tables.
import { describe, expect, it } from "vitest";
import { namesOf, readableLine, readableLines } from "../../scripts/stack/readable-lines";
import { INTERNAL_NOTE } from "../../scripts/stack/worker-output";

const names = namesOf("+15551230001:Alice,+15551230002:Bob");
const show = (line: string, offlineModel?: boolean) => readableLine(line, { clock: "12:03:04", names, ...(offlineModel ? { offlineModel } : {}) }).line;
const worker = (event: Record<string, unknown>) => `[worker] ${JSON.stringify(event)}`;
const alice = { object: "PhoneAgent", phone: "+1555***0001" };

describe("readableLine", () => {
  it.each<[string, string, string | null, boolean?]>([
    ["a message", worker({ event: "message_queued", ...alice, messageIds: ["SM1"], rowsWritten: 3 }), "[worker] 12:03:04  Alice        sent a message"],
    ["a burst of messages", worker({ event: "message_queued", ...alice, messageIds: ["SM1", "SM2", "SM3"], rowsWritten: 9 }), "[worker] 12:03:04  Alice        sent 3 messages"],
    ["a command, as it was typed", worker({ event: "message_queued", phone: "+1555***0002", messageIds: ["SM1"], command: "/schedules", rowsWritten: 4 }), "[worker] 12:03:04  Bob          sent /schedules"],
    ["/stop", worker({ event: "message_queued", ...alice, messageIds: ["SM1"], command: "/stop", rowsWritten: 4 }), "[worker] 12:03:04  Alice        sent /stop"],
    ["an answer to a question", worker({ event: "message_queued", ...alice, messageIds: ["SM1"], command: "yes", rowsWritten: 4 }), "[worker] 12:03:04  Alice        sent “yes”"],
    ["someone not in the simulator: the masked number", worker({ event: "message_queued", phone: "+1555***0009", messageIds: ["SM1"] }), "[worker] 12:03:04  +1555***0009 sent a message"],
    ["a run, named by its conversation", worker({ event: "run_finished", ...alice, runId: "r1", conversation: "alpha", outcome: "done", results: 1, costUsd: 0.024856, durationMs: 22446 }), "[worker] 12:03:04  Alice        @alpha run done in 22 s, $0.0249"],
    ["a run beside it", worker({ event: "run_finished", ...alice, runId: "r2", conversation: "beta", outcome: "done", results: 1, costUsd: 0, durationMs: 15000 }), "[worker] 12:03:04  Alice        @beta run done in 15 s"],
    ["a run /stop ended", worker({ event: "run_finished", ...alice, runId: "r1", conversation: "alpha", outcome: "cancelled", costUsd: 0, durationMs: 1234 }), "[worker] 12:03:04  Alice        @alpha run stopped in 1.2 s"],
    ["a run of a conversation since deleted", worker({ event: "run_finished", ...alice, runId: "r1", conversation: null, outcome: "failed_after_retries", durationMs: 60000 }), "[worker] 12:03:04  Alice        run failed after retries in 60 s"],
    ["a run on the offline model: free, said so", worker({ event: "run_finished", ...alice, runId: "r1", conversation: "alpha", outcome: "done", results: 1, costUsd: 0, durationMs: 1234 }), "[worker] 12:03:04  Alice        @alpha run done in 1.2 s, offline model: free", true],
    ["/stop's decision: no warning (the run's line tells it)", worker({ event: "run_decision", ...alice, runId: "r1", vmRunId: "r1-1", conversation: "alpha", failure: { kind: "vm", code: "cancelled" }, decision: { action: "give_up", reason: "cancelled" } }), null],
    ["the agent's relay tool", worker({ event: "run_tool_call", ...alice, runId: "r1", tool: "schedule_create", ok: true }), "[worker] 12:03:04  Alice        the agent called schedule_create (ok)"],
    ["a failed send: in words, with why", worker({ event: "outbox_failed", ...alice, outboxId: 7, channel: "whatsapp", errorCode: 63016, attempt: 2 }), "[worker] 12:03:04  Alice        ⚠ a whatsapp message could not be sent (error 63016, attempt 2); given up"],
    ["a send tried again", worker({ event: "outbox_retry", ...alice, outboxId: 7, channel: "telegram", errorCode: 429, attempt: 1, retryAt: 5 }), "[worker] 12:03:04  Alice        ⚠ a telegram message could not be sent (error 429, attempt 1); trying again"],
    ["another trouble: its words and fields", worker({ event: "machine_stop_failed", ...alice, machineId: "m1", status: 500 }), "[worker] 12:03:04  Alice        ⚠ machine stop failed: machineId=m1 status=500"],
    ["a run's attempt that could not reach the VM", worker({ event: "run_decision", ...alice, runId: "r1", vmRunId: "r1-1", conversation: "alpha", failure: { kind: "transport", reason: "unreachable" }, decision: { action: "retry_same", at: 5 }, message: "connect ECONNREFUSED" }), "[worker] 12:03:04  Alice        ⚠ @alpha run: could not reach the VM: connect ECONNREFUSED; trying again"],
    ["a run the VM failed, given up", worker({ event: "run_decision", ...alice, runId: "r1", vmRunId: "r1-1", conversation: "alpha", failure: { kind: "vm", code: "auth_failed" }, decision: { action: "give_up", reason: "auth_failed" } }), "[worker] 12:03:04  Alice        ⚠ @alpha run: the VM said auth failed; gave up (auth failed)"],
    ["a refused webhook, from no phone", worker({ event: "webhook_rejected", reason: "bad_signature" }), "[worker] 12:03:04  relay        ⚠ a webhook to the relay was refused (bad signature)"],
    ["a refused Telegram webhook", worker({ event: "webhook_rejected", path: "/telegram/webhook", reason: "no_secret" }), "[worker] 12:03:04  relay        ⚠ a webhook to /telegram/webhook was refused (no secret)"],
    ["a delivery status: left out", worker({ event: "delivery_status", ...alice, sid: "SM1", status: "read", errorCode: null, rowsWritten: 1 }), null],
    ["a pump's cost: left out", worker({ event: "pump_done", ...alice, trigger: "message", pumps: 1 }), null],
    ["an alarm's cost: left out", worker({ event: "alarm_done", ...alice, trigger: "alarm", units: 1 }), null],
    ["another routine event: left out", worker({ event: "machine_started", ...alice }), null],
    ["a successful request: left out", "[worker] [wrangler:info] POST /twilio/status 204 No Content (151ms)", null],
    ["a health check: left out", "[worker] [wrangler:info] GET /health 200 OK (80ms)", null],
    ["a refused request: shown", "[worker] [wrangler:info] POST /twilio/inbound 403 Forbidden (12ms)", "[worker] 12:03:04  ⚠ POST /twilio/inbound answered 403"],
    ["a refused webhook's secret path: not shown", "[worker] [wrangler:info] POST /github/webhook/qhrKPjmLWb6P?x=1 401 Unauthorized (3ms)", "[worker] 12:03:04  ⚠ POST /github/webhook/… answered 401"],
    ["wrangler's own text: as it came", "[worker] [wrangler:warn] The latest compatibility date is older", "[worker] [wrangler:warn] The latest compatibility date is older"],
    ["a Worker line that is not JSON: as it came", "[worker] ⎔ Reloading local server...", "[worker] ⎔ Reloading local server..."],
    ["JSON without an event: as it came", '[worker] {"x":1}', '[worker] {"x":1}'],
    ["the other children: as they came", "[model]  anthropic stand-in (offline model) listening on http://127.0.0.1:8790", "[model]  anthropic stand-in (offline model) listening on http://127.0.0.1:8790"],
    ["the VM's own prefix: not twice", "[vm]     vm: listening on http://127.0.0.1:8080", "[vm]     listening on http://127.0.0.1:8080"],
    ["the Twilio emulator's own prefix: not twice", "[twilio] [emulator] Twilio emulator and phone simulator on http://127.0.0.1:8788", "[twilio] Twilio emulator and phone simulator on http://127.0.0.1:8788"],
    ["the Telegram stand-in's own prefix: not twice", "[telegram] [telegram] Bot API stand-in on http://127.0.0.1:8791", "[telegram] Bot API stand-in on http://127.0.0.1:8791"],
    ["the Fly stand-in's own prefix: not twice", "[fly]    [fly] Machines API on http://127.0.0.1:4280", "[fly]    Machines API on http://127.0.0.1:4280"],
    ["another child's bracket: kept", "[vm]     [claude] hello", "[vm]     [claude] hello"],
    ["a Worker error of wrangler's: shown, its colours kept (removed later where not allowed)", "[worker] \u001b[31m✘ [ERROR]\u001b[0m Uncaught TypeError", "[worker] \u001b[31m✘ [ERROR]\u001b[0m Uncaught TypeError"],
    ["npm start's own lines", "[start]  Ready.", "[start]  Ready."],
  ])("%s", (_name, line, shown, offlineModel) => {
    expect(show(line, offlineModel)).toBe(shown);
  });
});

/** What `npm start` printed of wrangler's start-up (its colour codes as they came into a file), then a message. */
const START_UP = [
  "[worker]",
  "[worker]  ⛅️ wrangler 4.164.0",
  "[worker] ────────────────────",
  "[worker] Using secrets defined in .dev.vars",
  "[worker] Your Worker has access to the following bindings:",
  "[worker] Binding                                                         Resource                  Mode",
  "[worker] env.PHONE_AGENT (PhoneAgent)                                    Durable Object            local",
  '[worker] env.TWILIO_API_BASE ("(hidden)")                                Environment Variable      local',
  "[worker]",
  "[worker] \u001b[33m▲ \u001b[43;33m[\u001b[43;30mWARNING\u001b[43;33m]\u001b[0m \u001b[1mScheduled Workers are not automatically triggered during local development.\u001b[0m",
  "[worker]",
  "[worker]   To manually trigger a scheduled event, run:",
  '[worker]     curl "http://127.0.0.1:8787/cdn-cgi/local/scheduled"',
  "[worker]   For more details, see \u001b[4mhttps://developers.cloudflare.com/workers/configuration/cron-triggers/#test-cron-triggers-locally\u001b[0m",
  "[worker]",
  "[worker]",
  "[worker] ⎔ Starting local server...",
  "[worker] [wrangler:info] Ready on http://127.0.0.1:8787",
  `[worker] ${JSON.stringify({ event: "message_queued", ...alice, messageIds: ["SM1"], command: "/new", rowsWritten: 4 })}`,
];

describe("readableLines: a stream of lines", () => {
  it("leaves wrangler's start-up out (banner, bindings table, the crons warning, Ready on), then shows the messages", () => {
    const readable = readableLines(names);
    expect(START_UP.map((line) => readable(line, "12:03:04")).filter((line) => line !== null)).toEqual(["[worker] 12:03:04  Alice        sent /new"]);
  });

  it("explains workerd's internal notes once, and leaves them out after", () => {
    const readable = readableLines(names);
    const nosentry = "[worker] workerd/io/worker.c++:2088: info: NOSENTRY SQLite alarm handler canceled with requestScheduledAlarm.";
    expect([nosentry, "[worker] ✘ [ERROR] a real error", nosentry].map((line) => readable(line, "12:03:04"))).toEqual([`[worker] ${INTERNAL_NOTE}`, "[worker] ✘ [ERROR] a real error", null]);
  });

  it("shows a warning of wrangler's other than the crons one, with its lines", () => {
    const readable = readableLines(names);
    const lines = ["[worker] ▲ [WARNING] Your compatibility date is in the future", "[worker]   Falling back to today"];
    expect(lines.map((line) => readable(line, "12:03:04"))).toEqual(lines);
  });
});

describe("namesOf", () => {
  it("names the simulator's people by their masked numbers, skipping what is not a phone", () => {
    expect(namesOf("+15551230001:Alice, +447700900123:Zoe,5550001:Tg,+1555:Short,+15551230002")).toEqual({ "+1555***0001": "Alice", "+4477***0123": "Zoe" });
    expect(namesOf(undefined)).toEqual({});
  });
});
