// Claude Code's own slash commands, sent as the text of a run's first message (docs/vm.md,
// "Slash commands"): local ones answer at once, prompt ones reach the model, a project's
// .claude/commands are not read (the agent writes them, and their `allowed-tools` would be
// permissions it grants itself), and a command is never merged with the messages after it.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { resultsOf, uniqueId, useHarness } from "./helpers/harness";

const h = useHarness();
const userId = "+15550001011";

it("answers /context in the CLI itself: a result at no cost", async () => {
  const events = await (await h.startRun({ userId, text: "/context" })).end();
  expect(events.map((e) => e.type)).toEqual(["session", "result", "done"]);
  expect(resultsOf(events)[0]).toMatchObject({ isError: false, costUsd: 0, numTurns: 0 });
  expect(resultsOf(events)[0]?.text).toContain("Context Usage");
});

it("sends a leading command alone: its arguments are not the messages after it", async () => {
  const [command, after] = [{ id: uniqueId("m"), text: "/context" }, { id: uniqueId("m"), text: "and hello" }];
  const events = await (await h.startRun({ userId, messages: [command, after] })).end();
  const results = resultsOf(events);
  expect(results.map((r) => r.messageIds)).toEqual([[command.id], [after.id]]);
  expect(results[0]?.text).toContain("Context Usage");
  expect(results[1]?.text).toContain("You said: «and hello»");
});

it("does not run a project's own command from .claude/commands: its text goes to the model as written", async () => {
  // The CLI reads no project settings source (docs/vm.md, approvals), and commands come with it:
  // a command file's `allowed-tools` runs those tools unasked, and the agent can write the file.
  expect((await h.call("POST", "/v1/workspaces", { userId, workspace: "cmds" })).status).toBe(201);
  const dir = workspaceDirOf(userPathsOf(h.dataDir, userId), "cmds");
  mkdirSync(join(dir, ".claude", "commands"), { recursive: true });
  writeFileSync(join(dir, ".claude", "commands", "greet.md"), "---\ndescription: Greet someone\nallowed-tools: Bash\n---\nPlease greet $ARGUMENTS warmly.\n");
  const events = await (await h.startRun({ userId, workspace: "cmds", text: "/greet Bob and Alice" })).end();
  expect(resultsOf(events)[0]?.text).toContain("You said: «/greet Bob and Alice»");
});

it("/compact and /clear answer with empty text; /clear starts a new session", async () => {
  const first = resultsOf(await (await h.startRun({ userId, workspace: "compact", text: "remember apricot" })).end())[0];
  const compact = await (await h.startRun({ userId, workspace: "compact", sessionId: first?.sessionId ?? null, text: "/compact" })).end();
  expect(resultsOf(compact)[0]).toMatchObject({ text: "", isError: false, sessionId: first?.sessionId });
  expect(resultsOf(compact)[0]?.costUsd).toBeGreaterThan(0);

  const clear = await (await h.startRun({ userId, workspace: "compact", sessionId: first?.sessionId ?? null, text: "/clear" })).end();
  const fresh = clear.find((e) => e.type === "session");
  expect(fresh).toBeDefined();
  expect(fresh).not.toMatchObject({ sessionId: first?.sessionId });
  expect(resultsOf(clear)[0]).toMatchObject({ text: "", costUsd: 0 });
});
