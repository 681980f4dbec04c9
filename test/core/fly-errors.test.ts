import { describe, expect, it } from "vitest";
import { classifyFlyFailure } from "../../src/machines/fly-errors";

describe("classifyFlyFailure", () => {
  it.each([
    [429, { error: "rate limit exceeded" }, 2000, { failure: "rate_limited", retryAfterMs: 2000 }],
    [503, { error: "internal error" }, 1000, { failure: "unavailable", retryAfterMs: 1000 }],
    [500, null, undefined, { failure: "unavailable" }],
    [408, { error: "deadline_exceeded: machine did not reach state started in time" }, undefined, { failure: "unavailable" }],
    [401, { error: "You must be authenticated to view this." }, undefined, { failure: "unauthorized" }],
    [404, { error: "machine not found: 148e" }, undefined, { failure: "not_found" }],
    [400, { error: "volume vol_x not found" }, undefined, { failure: "not_found" }],
    [400, { error: "no capacity available in iad" }, undefined, { failure: "no_capacity" }],
    [412, { error: "insufficient resources to create new machine with existing volume" }, undefined, { failure: "no_capacity" }],
    [503, { error: "out of capacity", status: "insufficient_capacity" }, undefined, { failure: "no_capacity" }],
    [412, { error: "whatever", status: "insufficient_capacity" }, undefined, { failure: "no_capacity" }],
    [409, { error: "aborted: could not reserve resource for machine: insufficient memory available to fulfill request" }, undefined, { failure: "no_capacity" }],
    [403, { error: 'organization "x" is using 1970176 MB of memory in dfw which is over the allowed quota' }, undefined, { failure: "no_capacity" }],
    [
      409,
      { error: "aborted: machine ID 78419dec230468 lease currently held by abc@tokens.fly.io, expires at 2026-08-14T09:57:35Z" },
      undefined,
      // Whole seconds: the lease is surely over by the next one.
      { failure: "lease_held", leaseExpiresAt: Date.parse("2026-08-14T09:57:36Z") },
    ],
    [
      409,
      { error: "aborted: machine ID 78419dec230468 lease currently held by abc@tokens.fly.io, expires at 2026-08-14T09:57:35.250Z" },
      undefined,
      { failure: "lease_held", leaseExpiresAt: Date.parse("2026-08-14T09:57:35.250Z") },
    ],
    [409, { error: 'already_exists: unique machine name violation, machine ID 1 with name "agent-x" already exists' }, undefined, { failure: "conflict" }],
    [412, { error: "unable to start machine from current state: 'started'" }, undefined, { failure: "conflict" }],
    [422, { error: "Validation failed: Name has already been taken", status: "name_taken" }, undefined, { failure: "conflict" }],
    [400, { error: "config.image: image is required" }, undefined, { failure: "bad_request" }],
  ])("%i %j → %j", (status, body, retryAfterMs, expected) => {
    expect(classifyFlyFailure(status, body, retryAfterMs)).toMatchObject({ ok: false, status, ...expected });
  });
});
