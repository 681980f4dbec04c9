import { describe, expect, it } from "vitest";
import {
  emptyHistory,
  liveCommits,
  pruned,
  redoTarget,
  runEnded,
  runRedone,
  runStarted,
  runUndone,
  undoTarget,
  type CheckpointHistory,
} from "../../src/core/checkpoint-history";

const c = (n: number) => n.toString(16).padStart(40, "0");

/** Runs r1..rn, each from commit 2i-1 to 2i; `changed` says which changed files. */
function historyOf(changed: boolean[]): CheckpointHistory {
  return changed.reduce((h, didChange, i) => runEnded(runStarted(h, `r${i + 1}`, c(2 * i + 1), i), `r${i + 1}`, c(2 * i + 2), didChange), emptyHistory());
}

describe("undo target", () => {
  it.each([
    { name: "no runs", changed: [], undone: [], target: null },
    { name: "the last run that changed files", changed: [true, true], undone: [], target: "r2" },
    { name: "skips runs that changed nothing", changed: [true, false, false], undone: [], target: "r1" },
    { name: "walks back past undone runs", changed: [true, true, true], undone: ["r3"], target: "r2" },
    { name: "nothing left to undo", changed: [true, false], undone: ["r1"], target: null },
  ])("$name", ({ changed, undone, target }) => {
    const history = undone.reduce((h, runId) => runUndone(h, runId, c(99)), historyOf(changed));
    expect(undoTarget(history)?.runId ?? null).toBe(target);
  });

  it("a live run (no after yet) is never undone", () => {
    expect(undoTarget(runStarted(emptyHistory(), "r1", c(1), 0))).toBeNull();
  });
});

describe("redo", () => {
  it("takes back the undos last first, and the run counts as not undone again", () => {
    let h = historyOf([true, true]);
    h = runUndone(h, "r2", c(50));
    h = runUndone(h, "r1", c(51));
    expect(redoTarget(h)).toEqual({ runId: "r1", restore: c(51) });
    h = runRedone(h);
    expect(redoTarget(h)).toEqual({ runId: "r2", restore: c(50) });
    expect(undoTarget(h)?.runId).toBe("r1");
    h = runRedone(h);
    expect(redoTarget(h)).toBeNull();
    expect(runRedone(h)).toBe(h);
  });

  it.each([
    { name: "a run that changes files clears it", changed: true, left: 0 },
    { name: "a run that changes nothing leaves it", changed: false, left: 1 },
  ])("$name", ({ changed, left }) => {
    let h = runUndone(historyOf([true]), "r1", c(50));
    h = runEnded(runStarted(h, "r2", c(60), 9), "r2", c(61), changed);
    expect(h.redo).toHaveLength(left);
  });
});

describe("starting and ending", () => {
  it("a second start of the same run keeps the first checkpoint", () => {
    const h = runStarted(emptyHistory(), "r1", c(1), 0);
    expect(runStarted(h, "r1", c(2), 1)).toBe(h);
  });
  it("the end of an unknown run changes nothing", () => {
    const h = historyOf([true]);
    expect(runEnded(h, "nope", c(7), true)).toBe(h);
  });
});

describe("pruning", () => {
  it("keeps the last runs, and the redo entries of kept runs only", () => {
    let h = historyOf([true, true, true, true]);
    h = runUndone(h, "r4", c(90));
    h = runUndone(h, "r3", c(91));
    h = { ...h, redo: [{ runId: "r1", restore: c(92) }, ...h.redo] };
    const kept = pruned(h, 2);
    expect(kept.runs.map((r) => r.runId)).toEqual(["r3", "r4"]);
    expect(kept.redo.map((r) => r.runId)).toEqual(["r4", "r3"]);
    expect(pruned(kept, 2)).toBe(kept);
  });

  it("live commits are every before, after and redo state", () => {
    const h = runUndone(historyOf([true]), "r1", c(9));
    expect([...liveCommits(h)].sort()).toEqual([c(1), c(2), c(9)]);
  });
});
