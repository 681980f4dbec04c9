import { describe, expect, it } from "vitest";
import { decideOnFailure, type RunFailure, type RunProgress } from "../../src/core/run-policy";

const now = 1_000_000;
const fresh: RunProgress = { vmAttempt: 1, transportFailures: 0, results: 0, freshRetryUsed: false };
const unreachable: RunFailure = { kind: "transport", reason: "unreachable" };
const crashed: RunFailure = { kind: "vm", code: "cli_crashed" };

describe("decideOnFailure", () => {
  it.each([
    ["first transport failure retries the same run after 5 s", unreachable, fresh, { action: "retry_same", at: now + 5000 }],
    ["fifth transport failure waits 80 s", unreachable, { ...fresh, transportFailures: 4 }, { action: "retry_same", at: now + 80000 }],
    ["sixth transport failure gives up", unreachable, { ...fresh, transportFailures: 5 }, { action: "give_up", reason: "failed_after_retries" }],
    ["transport exhausted after a reply: interrupted", unreachable, { ...fresh, transportFailures: 5, results: 1 }, { action: "give_up", reason: "interrupted" }],
    ["transport failure after a reply still reconnects", unreachable, { ...fresh, results: 2 }, { action: "retry_same", at: now + 5000 }],
    ["a crash before output starts a new run after 5 s", crashed, fresh, { action: "retry_new", at: now + 5000, freshSession: false }],
    ["the 5th retry waits 80 s", crashed, { ...fresh, vmAttempt: 5 }, { action: "retry_new", at: now + 80000, freshSession: false }],
    ["a crash of the 6th run gives up", crashed, { ...fresh, vmAttempt: 6 }, { action: "give_up", reason: "failed_after_retries" }],
    ["a crash after a reply never replays", crashed, { ...fresh, results: 1 }, { action: "give_up", reason: "interrupted" }],
    ["vm restart is retried like a crash", { kind: "vm", code: "vm_restarted" }, fresh, { action: "retry_new", at: now + 5000, freshSession: false }],
    ["busy is retried", { kind: "vm", code: "busy" }, { ...fresh, vmAttempt: 2 }, { action: "retry_new", at: now + 10000, freshSession: false }],
    ["unknown run is retried as a new run", { kind: "transport", reason: "unknown_run" }, fresh, { action: "retry_new", at: now + 5000, freshSession: false }],
    ["unknown session retries once at once on a fresh session", { kind: "vm", code: "unknown_session" }, fresh, { action: "retry_new", at: now, freshSession: true }],
    ["unknown session again after the fresh retry backs off", { kind: "vm", code: "unknown_session" }, { ...fresh, vmAttempt: 2, freshRetryUsed: true }, { action: "retry_new", at: now + 10000, freshSession: false }],
    ["auth failure is not retried", { kind: "vm", code: "auth_failed" }, fresh, { action: "give_up", reason: "auth_failed" }],
    ["misconfiguration is not retried", { kind: "vm", code: "misconfigured" }, fresh, { action: "give_up", reason: "misconfigured" }],
    ["misconfiguration on a retry gives up at once", { kind: "vm", code: "misconfigured" }, { ...fresh, vmAttempt: 3 }, { action: "give_up", reason: "misconfigured" }],
    ["time limit is not retried", { kind: "vm", code: "time_limit" }, fresh, { action: "give_up", reason: "time_limit" }],
    ["cancel is not retried", { kind: "vm", code: "cancelled" }, { ...fresh, results: 1 }, { action: "give_up", reason: "cancelled" }],
  ] as const)("%s", (_name, failure, run, expected) => {
    expect(decideOnFailure(failure, run, now)).toEqual(expected);
  });
});
