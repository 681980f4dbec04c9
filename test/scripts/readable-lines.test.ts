// What `npm start` shows of the Worker's log: a line per message and per run, what went wrong,
// and nothing of the routine (status ticks, pumps, successful requests). Pure, as a table.
import { describe, expect, it } from "vitest";
import { namesOf, readableLine } from "../../scripts/stack/readable-lines";

const names = namesOf("+15551230001:Alice,+15551230002:Bob");
const show = (line: string, offlineModel?: boolean) => readableLine(line, { clock: "12:03:04", names, ...(offlineModel ? { offlineModel } : {}) });
const worker = (event: Record<string, unknown>) => `[worker] ${JSON.stringify(event)}`;
const alice = { object: "PhoneAgent", phone: "+1555***0001" };

describe("readableLine", () => {
  it.each<[string, string, string | null, boolean?]>([
    ["a message", worker({ event: "message_queued", ...alice, messageIds: ["SM1"], rowsWritten: 3 }), "[worker] 12:03:04  Alice        sent a message"],
    ["a burst of messages", worker({ event: "message_queued", ...alice, messageIds: ["SM1", "SM2", "SM3"], rowsWritten: 9 }), "[worker] 12:03:04  Alice        sent 3 messages"],
    ["a command", worker({ event: "message_queued", phone: "+1555***0002", messageIds: ["SM1"], command: "ship", rowsWritten: 4 }), "[worker] 12:03:04  Bob          sent a command (ship)"],
    ["someone not in the simulator: the masked number", worker({ event: "message_queued", phone: "+1555***0009", messageIds: ["SM1"] }), "[worker] 12:03:04  +1555***0009 sent a message"],
    ["a run", worker({ event: "run_finished", ...alice, runId: "r1", outcome: "done", results: 1, costUsd: 0.024856, durationMs: 22446 }), "[worker] 12:03:04  Alice        run done in 22 s, $0.0249"],
    ["a short free run", worker({ event: "run_finished", ...alice, runId: "r1", outcome: "stopped", costUsd: 0, durationMs: 1234 }), "[worker] 12:03:04  Alice        run stopped in 1.2 s"],
    ["a run on the offline model: free, said so", worker({ event: "run_finished", ...alice, runId: "r1", outcome: "done", results: 1, costUsd: 0, durationMs: 1234 }), "[worker] 12:03:04  Alice        run done in 1.2 s, offline model: free", true],
    ["the agent's relay tool", worker({ event: "run_tool_call", ...alice, runId: "r1", tool: "schedule_create", ok: true }), "[worker] 12:03:04  Alice        the agent called schedule_create (ok)"],
    ["a failed send: shown, with why", worker({ event: "outbox_failed", ...alice, outboxId: 7, channel: "whatsapp", errorCode: 63016, attempt: 2 }), "[worker] 12:03:04  Alice        ⚠ outbox_failed outboxId=7 channel=whatsapp errorCode=63016 attempt=2"],
    ["a run's failed attempt: nested fields flattened", worker({ event: "run_decision", ...alice, runId: "r1", vmRunId: "r1-1", failure: { reason: "vm_unreachable" }, decision: { action: "retry", at: 5 } }), "[worker] 12:03:04  Alice        ⚠ run_decision failure.reason=vm_unreachable decision.action=retry decision.at=5"],
    ["a refused webhook, from no phone", worker({ event: "webhook_rejected", reason: "bad_signature" }), "[worker] 12:03:04  relay        ⚠ webhook_rejected reason=bad_signature"],
    ["a delivery status: left out", worker({ event: "delivery_status", ...alice, sid: "SM1", status: "read", errorCode: null, rowsWritten: 1 }), null],
    ["a pump's cost: left out", worker({ event: "pump_done", ...alice, trigger: "message", pumps: 1 }), null],
    ["an alarm's cost: left out", worker({ event: "alarm_done", ...alice, trigger: "alarm", units: 1 }), null],
    ["another routine event: left out", worker({ event: "machine_started", ...alice }), null],
    ["a successful request: left out", "[worker] [wrangler:info] POST /twilio/status 204 No Content (151ms)", null],
    ["a health check: left out", "[worker] [wrangler:info] GET /health 200 OK (80ms)", null],
    ["a refused request: shown", "[worker] [wrangler:info] POST /twilio/inbound 403 Forbidden (12ms)", "[worker] 12:03:04  ⚠ POST /twilio/inbound answered 403"],
    ["a refused webhook's secret path: not shown", "[worker] [wrangler:info] POST /github/webhook/qhrKPjmLWb6P?x=1 401 Unauthorized (3ms)", "[worker] 12:03:04  ⚠ POST /github/webhook/… answered 401"],
    ["wrangler's own text: as it came", "[worker] [wrangler:info] Ready on http://127.0.0.1:8787", "[worker] [wrangler:info] Ready on http://127.0.0.1:8787"],
    ["a Worker line that is not JSON: as it came", "[worker] ⎔ Starting local server...", "[worker] ⎔ Starting local server..."],
    ["JSON without an event: as it came", '[worker] {"x":1}', '[worker] {"x":1}'],
    ["the other children: as they came", "[vm]     vm: listening on http://127.0.0.1:8080", "[vm]     vm: listening on http://127.0.0.1:8080"],
    ["npm start's own lines", "[start]  Ready.", "[start]  Ready."],
  ])("%s", (_name, line, shown, offlineModel) => {
    expect(show(line, offlineModel)).toBe(shown);
  });
});

describe("namesOf", () => {
  it("names the simulator's people by their masked numbers, skipping what is not a phone", () => {
    expect(namesOf("+15551230001:Alice, +447700900123:Zoe,5550001:Tg,+1555:Short,+15551230002")).toEqual({ "+1555***0001": "Alice", "+4477***0123": "Zoe" });
    expect(namesOf(undefined)).toEqual({});
  });
});
