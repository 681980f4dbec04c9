// A run with `forkSession` works in a fork of the session it names, with the real CLI: it reads
// that session's history, its events carry a new session id, and the session it forked from is
// left as it was (the next run that resumes it sees none of the fork's turns). Warm processes
// too: the fork never takes up the warm process of the session it forks, nor the reverse.
import { expect, it } from "vitest";
import { resultsOf, useHarness } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 60_000 });
const userId = "+15550001311";

it("forks the session: a new id that starts from its history, the forked one unchanged", async () => {
  const own = await (await h.startRun({ userId, text: "remember the word apricot" })).end();
  const session = resultsOf(own)[0]?.sessionId ?? null;
  expect(session).not.toBeNull();

  const event = await (await h.startRun({ userId, sessionId: session, text: "[[count]] from an issue", options: { permissionMode: "acceptEdits", forkSession: true } })).end();
  const [forked] = resultsOf(event);
  expect(forked?.text).toContain("this conversation has seen 2 user messages");
  expect(forked?.sessionId).not.toBe(session);
  expect(event.find((e) => e.type === "session")).toMatchObject({ sessionId: forked?.sessionId });

  // The user's session goes on from its own last turn: the fork's is not in it.
  const next = await (await h.startRun({ userId, sessionId: session, text: "[[count]] mine" })).end();
  expect(resultsOf(next)[0]).toMatchObject({ sessionId: session, text: expect.stringContaining("this conversation has seen 2 user messages") });
  // Three processes: the warm one of the user's session was not used for the fork, nor the fork's for the user's run.
  expect(h.spawns).toHaveLength(3);
});
