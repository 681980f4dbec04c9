import { describe, expect, it } from "vitest";
import { decideOnFailure, type RunFailure, type RunProgress } from "../../src/core/run-policy";

const now = 1_000_000;
const fresh: RunProgress = { vmAttempt: 1, transportFailures: 0, streamed: false, freshRetryUsed: false };
const streaming: RunProgress = { ...fresh, streamed: true };
const unreachable: RunFailure = { kind: "transport", reason: "unreachable" };
const crashed: RunFailure = { kind: "vm", code: "cli_crashed" };

describe("decideOnFailure", () => {
  it.each([
    ["first transport failure retries the same run after 5 s", unreachable, fresh, { action: "retry_same", at: now + 5000 }],
    ["fifth transport failure waits 80 s", unreachable, { ...fresh, transportFailures: 4 }, { action: "retry_same", at: now + 80000 }],
    ["sixth transport failure before any event gives up: the CLI never had the messages", unreachable, { ...fresh, transportFailures: 5 }, { action: "give_up", reason: "failed_after_retries" }],
    ["transport exhausted once the run streamed: the run is cut", unreachable, { ...streaming, transportFailures: 5 }, { action: "cut" }],
    ["transport failure while streaming still reconnects", unreachable, streaming, { action: "retry_same", at: now + 5000 }],
    ["a CLI crash cuts the run", crashed, fresh, { action: "cut" }],
    ["a crash after replies cuts the run as well", crashed, streaming, { action: "cut" }],
    ["a VM restart cuts the run", { kind: "vm", code: "vm_restarted" }, streaming, { action: "cut" }],
    ["an unknown run (the VM forgot it) cuts the run", { kind: "transport", reason: "unknown_run" }, fresh, { action: "cut" }],
    ["busy is retried as a new VM run, backing off", { kind: "vm", code: "busy" }, { ...fresh, vmAttempt: 2 }, { action: "retry_new", at: now + 10000, freshSession: false }],
    ["busy on the 6th VM run gives up", { kind: "vm", code: "busy" }, { ...fresh, vmAttempt: 6 }, { action: "give_up", reason: "failed_after_retries" }],
    ["unknown session retries once at once on a fresh session", { kind: "vm", code: "unknown_session" }, fresh, { action: "retry_new", at: now, freshSession: true }],
    ["unknown session again after the fresh retry gives up", { kind: "vm", code: "unknown_session" }, { ...fresh, vmAttempt: 2, freshRetryUsed: true }, { action: "give_up", reason: "failed_after_retries" }],
    ["auth failure is not retried", { kind: "vm", code: "auth_failed" }, fresh, { action: "give_up", reason: "auth_failed" }],
    ["misconfiguration is not retried", { kind: "vm", code: "misconfigured" }, fresh, { action: "give_up", reason: "misconfigured" }],
    ["a machine without the capabilities to run agents is not retried, and named", { kind: "vm", code: "misconfigured", reason: "missing_capabilities" }, fresh, { action: "give_up", reason: "vm_unfit" }],
    ["misconfiguration on a retry gives up at once", { kind: "vm", code: "misconfigured" }, { ...fresh, vmAttempt: 3 }, { action: "give_up", reason: "misconfigured" }],
    ["time limit is not retried", { kind: "vm", code: "time_limit" }, fresh, { action: "give_up", reason: "time_limit" }],
    ["the model's limit with its reset holds the work until then", { kind: "vm", code: "model_limit", resetsAt: now + 60_000, limit: "five_hour" }, streaming, { action: "hold", hold: { kind: "limit", resetsAt: now + 60_000, limit: "five_hour" } }],
    ["a limit the model gave no reset for holds too", { kind: "vm", code: "model_limit" }, fresh, { action: "hold", hold: { kind: "limit", resetsAt: null, limit: null } }],
    ["a model unavailable through the CLI's retries holds the work", { kind: "vm", code: "model_unavailable" }, fresh, { action: "hold", hold: { kind: "unavailable" } }],
    ["cancel is not retried", { kind: "vm", code: "cancelled" }, streaming, { action: "give_up", reason: "cancelled" }],
  ] as const)("%s", (_name, failure, run, expected) => {
    expect(decideOnFailure(failure, run, now)).toEqual(expected);
  });
});
