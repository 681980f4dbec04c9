// The relay's log events, read out of the stack's prefixed lines and counted with what says why.
import { expect, it } from "vitest";
import { countEvents, relayEvents } from "../log-events";

const lines = [
  { at: 1, line: '[worker] {"event":"outbox_failed","object":"PhoneAgent","phone":"+1555***0001","outboxId":3,"errorCode":"20429","attempt":3}' },
  { at: 2, line: '[worker] {"event":"outbox_retry","outboxId":3,"errorCode":"20500","retryAt":9}' },
  { at: 3, line: '[worker] {"event":"run_decision","runId":"r","failure":{"kind":"vm","code":"vm_restarted"},"decision":{"action":"retry_new","at":5}}' },
  { at: 4, line: '[worker] {"event":"run_decision","decision":{"action":"give_up","reason":"interrupted"}}' },
  { at: 5, line: '[worker] {"event":"run_failure","failure":{"kind":"transport","reason":"unreachable"}}' },
  { at: 5.5, line: '[worker] {"event":"run_decision","failure":{"kind":"transport","reason":"unreachable"},"decision":{"action":"retry_same","at":10},"message":"connect ECONNREFUSED"}' },
  { at: 6, line: '[worker] [wrangler:info] POST /twilio/inbound 200 OK (12ms)' },
  { at: 7, line: '[vm]     {"event":"run_started"}' },
  { at: 8, line: "[worker] {not json}" },
  { at: 9, line: '[worker] {"event":"outbox_failed","outboxId":4,"errorCode":"20429","attempt":3}' },
];

it("reads only the Worker's JSON event lines, with the field that says why and when a retry was planned for", () => {
  expect(relayEvents(lines)).toEqual([
    { at: 1, event: "outbox_failed", detail: "20429", phone: "+1555***0001", retryAt: null },
    { at: 2, event: "outbox_retry", detail: "20500", phone: null, retryAt: 9 },
    { at: 3, event: "run_decision", detail: "vm_restarted/retry_new", phone: null, retryAt: 5 },
    { at: 4, event: "run_decision", detail: "interrupted", phone: null, retryAt: null },
    { at: 5, event: "run_failure", detail: "unreachable", phone: null, retryAt: null },
    { at: 5.5, event: "run_decision", detail: "unreachable/retry_same", phone: null, retryAt: 10 },
    { at: 9, event: "outbox_failed", detail: "20429", phone: null, retryAt: null },
  ]);
});

it("counts them by event and detail, sorted", () => {
  expect(countEvents(relayEvents(lines))).toEqual({
    "outbox_failed:20429": 2,
    "outbox_retry:20500": 1,
    "run_decision:interrupted": 1,
    "run_decision:unreachable/retry_same": 1,
    "run_decision:vm_restarted/retry_new": 1,
    "run_failure:unreachable": 1,
  });
});
