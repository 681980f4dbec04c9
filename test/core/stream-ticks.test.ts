import { describe, expect, it } from "vitest";
import { nextTickAt, STREAM_IDLE_TIMEOUT_MS, type StreamTimes, TYPING_REFRESH_MS } from "../../src/runs/stream-ticks";

const t0 = 1_000_000;
const fresh: StreamTimes = { lastLineAt: t0, lastTypingAt: t0, progressAt: null };

describe("nextTickAt", () => {
  it.each<[string, StreamTimes, number | null, { at: number; tick: string }]>([
    ["a fresh stream with nothing else due: the typing indicator first", fresh, null, { at: t0 + TYPING_REFRESH_MS, tick: "typing" }],
    ["another unit due sooner: hand back", fresh, t0 + 1_000, { at: t0 + 1_000, tick: "hand_back" }],
    ["a progress update before the typing refresh", { ...fresh, progressAt: t0 + 5_000 }, null, { at: t0 + 5_000, tick: "progress" }],
    ["typing just refreshed, no line for a while: the stream is dead first", { ...fresh, lastTypingAt: t0 + 40_000 }, null, { at: t0 + STREAM_IDLE_TIMEOUT_MS, tick: "dead" }],
    ["a tie between dead and hand_back: dead wins", { ...fresh, lastTypingAt: t0 + 40_000 }, t0 + STREAM_IDLE_TIMEOUT_MS, { at: t0 + STREAM_IDLE_TIMEOUT_MS, tick: "dead" }],
    ["a tie between progress and hand_back: progress wins", { ...fresh, progressAt: t0 + 3_000 }, t0 + 3_000, { at: t0 + 3_000, tick: "progress" }],
    ["a last answer held for its end: applied alone at its bound, before a later hand-back", { ...fresh, answerHeldUntil: t0 + 3_000 }, t0 + 5_000, { at: t0 + 3_000, tick: "lone_answer" }],
    ["a last answer held past a hand-back: the hand-back first (the answer stays held)", { ...fresh, answerHeldUntil: t0 + 3_000 }, t0 + 1_000, { at: t0 + 1_000, tick: "hand_back" }],
    ["overdue work elsewhere: hand back at once", fresh, t0 - 10, { at: t0 - 10, tick: "hand_back" }],
    // The run waits for the user's answer: no typing indicator, however long ago the last one was.
    ["waiting for the user: no typing, the heartbeat deadline next", { ...fresh, lastTypingAt: null }, null, { at: t0 + STREAM_IDLE_TIMEOUT_MS, tick: "dead" }],
    ["waiting for the user, a waiting update due: that first", { ...fresh, lastTypingAt: null, progressAt: t0 + 30_000 }, null, { at: t0 + 30_000, tick: "progress" }],
  ])("%s", (_name, stream, until, expected) => {
    expect(nextTickAt(stream, { until })).toEqual(expected);
  });
});
