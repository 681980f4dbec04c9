// A refusal's reset and name, read from the headers of the model's 429 as Anthropic sends them:
// `retry-after` in seconds or as an HTTP date, a subscription's unified headers (epoch seconds),
// an API key's per-limit headers (RFC 3339), and what is not taken (other statuses, junk, the past,
// a reset too far away).
import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import { MAX_RESET_AHEAD_MS, modelLimitOfAnswer } from "../../src/core/model-limit-headers";

const NOW = Date.parse("2026-11-25T17:00:00Z");
const at = (iso: string) => Date.parse(iso);

describe("modelLimitOfAnswer", () => {
  const cases: Array<{ name: string; status: number | undefined; headers: IncomingHttpHeaders; seen: unknown }> = [
    { name: "a 200 is no refusal", status: 200, headers: { "retry-after": "30" }, seen: null },
    { name: "a 529 (overloaded) is no limit", status: 529, headers: { "retry-after": "30" }, seen: null },
    { name: "no status is no refusal", status: undefined, headers: {}, seen: null },
    { name: "a bare 429: a limit, when and which unknown", status: 429, headers: {}, seen: { resetsAt: null, limit: null } },
    { name: "retry-after in seconds", status: 429, headers: { "retry-after": "3600" }, seen: { resetsAt: NOW + 3_600_000, limit: null } },
    { name: "retry-after as an HTTP date", status: 429, headers: { "retry-after": "Wed, 25 Nov 2026 18:30:00 GMT" }, seen: { resetsAt: at("2026-11-25T18:30:00Z"), limit: null } },
    { name: "retry-after of 0: nothing ahead, no reset", status: 429, headers: { "retry-after": "0" }, seen: { resetsAt: null, limit: null } },
    { name: "retry-after that is no number or date", status: 429, headers: { "retry-after": "soon" }, seen: { resetsAt: null, limit: null } },
    {
      name: "a subscription: the unified reset (epoch seconds) and its representative claim",
      status: 429,
      headers: { "anthropic-ratelimit-unified-status": "rejected", "anthropic-ratelimit-unified-reset": String((NOW + 5 * 3_600_000) / 1000), "anthropic-ratelimit-unified-representative-claim": "five_hour" },
      seen: { resetsAt: NOW + 5 * 3_600_000, limit: "five_hour" },
    },
    {
      name: "retry-after comes before the unified reset",
      status: 429,
      headers: { "retry-after": "60", "anthropic-ratelimit-unified-reset": String((NOW + 3_600_000) / 1000) },
      seen: { resetsAt: NOW + 60_000, limit: null },
    },
    {
      name: "an API key's requests limit spent: its RFC 3339 reset, named",
      status: 429,
      headers: { "anthropic-ratelimit-requests-remaining": "0", "anthropic-ratelimit-requests-reset": "2026-11-25T17:01:00Z", "anthropic-ratelimit-tokens-remaining": "9000", "anthropic-ratelimit-tokens-reset": "2026-11-25T17:00:10Z" },
      seen: { resetsAt: at("2026-11-25T17:01:00Z"), limit: "requests" },
    },
    {
      name: "two API-key limits spent: the later reset, the first named",
      status: 429,
      headers: {
        "anthropic-ratelimit-input-tokens-remaining": "0",
        "anthropic-ratelimit-input-tokens-reset": "2026-11-25T17:00:30+00:00",
        "anthropic-ratelimit-output-tokens-remaining": "0",
        "anthropic-ratelimit-output-tokens-reset": "2026-11-25T17:00:45.500Z",
      },
      seen: { resetsAt: at("2026-11-25T17:00:45.500Z"), limit: "input_tokens" },
    },
    {
      name: "an API-key reset of a limit not spent is not the refusal's",
      status: 429,
      headers: { "anthropic-ratelimit-requests-remaining": "12", "anthropic-ratelimit-requests-reset": "2026-11-25T17:01:00Z" },
      seen: { resetsAt: null, limit: null },
    },
    {
      name: "an API-key reset that is not RFC 3339 is not taken",
      status: 429,
      headers: { "anthropic-ratelimit-requests-remaining": "0", "anthropic-ratelimit-requests-reset": "tomorrow" },
      seen: { resetsAt: null, limit: "requests" },
    },
    { name: "a reset in the past", status: 429, headers: { "anthropic-ratelimit-unified-reset": String((NOW - 60_000) / 1000) }, seen: { resetsAt: null, limit: null } },
    { name: "a reset too far ahead", status: 429, headers: { "retry-after": String(MAX_RESET_AHEAD_MS / 1000 + 60) }, seen: { resetsAt: null, limit: null } },
    { name: "a claim that is no limit's name", status: 429, headers: { "anthropic-ratelimit-unified-representative-claim": "Five Hour; drop table" }, seen: { resetsAt: null, limit: null } },
    { name: "a header given twice: the first", status: 429, headers: { "anthropic-ratelimit-unified-representative-claim": ["five_hour", "seven_day"] }, seen: { resetsAt: null, limit: "five_hour" } },
  ];
  it.each(cases)("$name", ({ status, headers, seen }) => {
    expect(modelLimitOfAnswer(status, headers, NOW)).toEqual(seen);
  });
});
