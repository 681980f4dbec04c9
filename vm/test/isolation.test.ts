// Two users on one VM are fully apart: their own HOME and workspace under DATA_DIR (named by a
// hash), their own files, and neither can resume the other's session.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { readConversation } from "../../test/stand-ins/anthropic-conversation";
import { userKeyOf, userPathsOf } from "../src/users/user-paths";
import { resultsOf, useHarness } from "./helpers/harness";

const h = useHarness();

const alice = "+15550000501";
const bob = "+15550000502";

it("keeps each user's files, HOME and sessions to themselves", async () => {
  const write = '[[tool Write {"file_path":"notes.txt","content":"alice only"}]]';
  const aliceRun = await (await h.startRun({ userId: alice, text: write, options: { permissionMode: "acceptEdits" } })).end();
  const aliceSession = resultsOf(aliceRun)[0]?.sessionId ?? null;
  expect(aliceRun.some((e) => e.type === "progress" && e.text === "Writing notes.txt")).toBe(true);
  // The terminal event carries the run's tool calls, as the private page lists them.
  expect(aliceRun.at(-1)).toMatchObject({ type: "done", toolCalls: { calls: [{ tool: "Write", input: "notes.txt" }], more: 0 } });
  const bobRun = await (await h.startRun({ userId: bob, text: "hello" })).end();
  expect(resultsOf(bobRun)[0]?.isError).toBe(false);

  const a = userPathsOf(h.dataDir, alice);
  const b = userPathsOf(h.dataDir, bob);
  expect(readdirSync(join(h.dataDir, "users")).sort()).toEqual([userKeyOf(h.dataDir, alice), userKeyOf(h.dataDir, bob)].sort());
  expect(existsSync(join(a.workspace, "notes.txt"))).toBe(true);
  expect(existsSync(join(b.workspace, "notes.txt"))).toBe(false);
  // Claude Code keeps sessions under $HOME/.claude: Alice's session file is in her HOME only.
  const sessionFiles = (home: string) => readdirSync(join(home, ".claude", "projects"), { recursive: true }).map(String);
  expect(sessionFiles(a.home).some((f) => f.endsWith(`${aliceSession}.jsonl`))).toBe(true);
  expect(sessionFiles(b.home).some((f) => f.includes(String(aliceSession)))).toBe(false);

  // Each CLI ran in its own workspace (the model is told its working directory).
  const cwdOf = (userText: string) => {
    const req = h.api.requests.find((r) => r.path === "/v1/messages" && readConversation(r.body as { messages: unknown }).userTexts.includes(userText));
    return /Primary working directory: ([^\s\\]+)/.exec(JSON.stringify(req?.body))?.[1];
  };
  expect(cwdOf("hello")).toBe(b.workspace);

  // Bob cannot resume Alice's session, even knowing its id.
  const stolen = await (await h.startRun({ userId: bob, sessionId: aliceSession, text: "what did alice say?" })).end();
  expect(stolen.at(-1)).toMatchObject({ type: "error", code: "unknown_session" });
});
