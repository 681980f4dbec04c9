// Under `node --expose-gc` (npm run vm, the image) the VM compacts its heap once each time it goes
// quiet: after start, and after a run has ended; never while a run is live.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { COMPACTING_GC } from "../src/server";
import { useHarness } from "./helpers/harness";

const gc = vi.fn();
const original = (globalThis as { gc?: unknown }).gc;
beforeAll(() => {
  (globalThis as { gc?: unknown }).gc = gc;
});
afterAll(() => {
  (globalThis as { gc?: unknown }).gc = original;
});

const h = useHarness({ warmSessionMs: 0 }, {}, { inProcess: "the compaction is watched through this process's globalThis.gc" });

it("compacts once per quiet spell, with the collection that returns memory", async () => {
  await expect.poll(() => gc.mock.calls.length, { timeout: 5_000 }).toBe(1);
  expect(gc).toHaveBeenCalledWith(COMPACTING_GC);
  // Quiet on: no second compaction without new activity.
  await new Promise((r) => setTimeout(r, 2_500));
  expect(gc).toHaveBeenCalledTimes(1);

  const reader = await h.startRun({ text: "[[slow 5000]] take your time" });
  await reader.waitFor((e) => e.type === "session");
  await new Promise((r) => setTimeout(r, 2_000));
  expect(gc).toHaveBeenCalledTimes(1);
  expect((await reader.end()).at(-1)).toMatchObject({ type: "done" });
  await expect.poll(() => gc.mock.calls.length, { timeout: 5_000 }).toBe(2);
});
