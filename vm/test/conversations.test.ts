// Two conversations of one user: each its own workspace directory (the CLI's working directory)
// and its own Claude Code session, resumed independently of the other.
import { expect, it } from "vitest";
import { readConversation } from "../../test/stand-ins/anthropic-conversation";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { resultsOf, useHarness } from "./helpers/harness";

const h = useHarness();
const userId = "+15550001001";

it("resumes two conversations of one user independently, each in its own directory", async () => {
  const paths = userPathsOf(h.dataDir, userId);
  const a1 = resultsOf(await (await h.startRun({ userId, workspace: "conv-a", text: "alpha one" })).end())[0];
  const b1 = resultsOf(await (await h.startRun({ userId, workspace: "conv-b", text: "beta one [[count]]" })).end())[0];
  const a2 = resultsOf(await (await h.startRun({ userId, workspace: "conv-a", sessionId: a1?.sessionId ?? null, text: "alpha two [[count]]" })).end())[0];

  expect(a1?.sessionId).not.toBe(b1?.sessionId);
  expect(a2).toMatchObject({ sessionId: a1?.sessionId, text: "[offline model] count: this conversation has seen 2 user messages." });
  expect(b1?.text).toBe("[offline model] count: this conversation has seen 1 user message.");

  // Each CLI worked in its workspace (the model is told its working directory).
  const cwdOf = (userText: string) => {
    const req = h.api.requests.find((r) => r.path === "/v1/messages" && readConversation(r.body as { messages: unknown }).userTexts.includes(userText));
    return /Primary working directory: ([^\s\\]+)/.exec(JSON.stringify(req?.body))?.[1];
  };
  expect(cwdOf("alpha one")).toBe(workspaceDirOf(paths, "conv-a"));
  expect(cwdOf("beta one [[count]]")).toBe(workspaceDirOf(paths, "conv-b"));
  expect(workspaceDirOf(paths, "conv-a")).toBe(`${paths.root}/workspaces/conv-a`);

  // "main" is today's directory: a run without a workspace, and one naming "main", share it.
  const plain = resultsOf(await (await h.startRun({ userId, text: "main one" })).end())[0];
  const named = resultsOf(await (await h.startRun({ userId, workspace: "main", sessionId: plain?.sessionId ?? null, text: "main two [[count]]" })).end())[0];
  expect(named?.text).toContain("seen 2 user messages");
  expect(cwdOf("main one")).toBe(paths.workspace);
});
