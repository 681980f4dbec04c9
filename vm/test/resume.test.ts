// `--resume` carries the earlier turns: in a new CLI process, and after the VM itself restarted
// on the same DATA_DIR (HOME and the working directory live there, so the session file is found).
import { expect, it } from "vitest";
import { resultsOf, useHarness } from "./helpers/harness";

// No warm sessions: every run below starts a fresh CLI process that must resume from disk.
const h = useHarness({ warmSessionMs: 0 });

it("resumes a session in a new process, and again after the VM restarted", async () => {
  const first = await (await h.startRun({ text: "remember the word apricot" })).end();
  const sessionId = resultsOf(first)[0]?.sessionId ?? null;
  expect(sessionId).not.toBeNull();

  const second = await (await h.startRun({ sessionId, text: "which word?" })).end();
  expect(resultsOf(second)[0]).toMatchObject({
    sessionId,
    text: expect.stringContaining("[offline model] You said: «which word?». This conversation has 2 user messages; earlier: «remember the word apricot»."),
  });

  await h.restart();
  const third = await (await h.startRun({ sessionId, text: "still there?" })).end();
  expect(resultsOf(third)[0]?.text).toContain("This conversation has 3 user messages; earlier: «remember the word apricot» «which word?»");
  expect(h.spawns).toHaveLength(3);
});
