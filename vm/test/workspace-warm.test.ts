// A warm process belongs to one workspace and one session: a run for another workspace never
// attaches to it, even naming the same session; the warm process is stopped and a fresh one
// starts in the other directory.
import { expect, it } from "vitest";
import { readConversation } from "../../test/stand-ins/anthropic-conversation";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { processesIn, resultsOf, useHarness } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 60_000 });
const userId = "+15550001002";

it("does not attach a run in workspace B to A's warm process", async () => {
  const paths = userPathsOf(h.dataDir, userId);
  const a = workspaceDirOf(paths, "proj-a");
  const b = workspaceDirOf(paths, "proj-b");
  const first = resultsOf(await (await h.startRun({ userId, workspace: "proj-a", text: "in a" })).end())[0];
  expect(processesIn(a)).toHaveLength(1);

  // Same session id, other workspace: a new process, in B. (Claude Code 2.1.330 finds a session
  // by id anywhere under the same HOME, and then tells the model the session's first directory
  // while its tools run in B: the relay must keep each session with its workspace.)
  await (await h.startRun({ userId, workspace: "proj-b", sessionId: first?.sessionId ?? null, text: "in b" })).end();
  expect(h.spawns).toHaveLength(2);
  await expect.poll(() => processesIn(a), { timeout: 10_000 }).toEqual([]);
  expect(processesIn(b)).toHaveLength(1);
  const cwdOf = (userText: string) => {
    const req = h.api.requests.findLast((r) => r.path === "/v1/messages" && readConversation(r.body as { messages: unknown }).userTexts.includes(userText));
    return /Primary working directory: ([^\s\\]+)/.exec(JSON.stringify(req?.body))?.[1];
  };

  // Back in A: B's warm process is replaced too, and A's session goes on.
  const again = resultsOf(await (await h.startRun({ userId, workspace: "proj-a", sessionId: first?.sessionId ?? null, text: "a again [[count]]" })).end())[0];
  expect(again?.text).toContain("seen 3 user messages");
  expect(h.spawns).toHaveLength(3);
  await expect.poll(() => processesIn(b), { timeout: 10_000 }).toEqual([]);
  expect(cwdOf("a again [[count]]")).toBe(a);
});
