// CHECKPOINTS=off: parsed with the VM's config; a run that changes files then carries no change,
// nothing is written under .checkpoints, and /undo and /redo answer 409 saying checkpoints are off.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VM_ROUTES, VmErrorBodySchema } from "../../src/protocol/vm/routes";
import { CHECKPOINTS_OFF_MESSAGE } from "../src/http/checkpoint-routes";
import { loadVmConfig } from "../src/config";
import { userPathsOf } from "../src/users/user-paths";
import { useHarness } from "./helpers/harness";

describe("CHECKPOINTS", () => {
  const env = { VM_TOKEN: "t", CLAUDE_BIN: "/bin/true" };
  it.each([
    [undefined, "on"],
    ["", "on"],
    ["on", "on"],
    ["off", "off"],
  ])("%j is %s", (value, expected) => {
    expect(loadVmConfig({ ...env, ...(value === undefined ? {} : { CHECKPOINTS: value }) }).checkpoints).toBe(expected);
  });
  it("refuses anything else", () => {
    expect(() => loadVmConfig({ ...env, CHECKPOINTS: "no" })).toThrow(/checkpoints/);
  });
});

const h = useHarness({ checkpoints: "off" });
const userId = "+15550002424";
const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;

it("with checkpoints off a run that writes a file carries no change, and /undo and /redo say why", async () => {
  const events = await (await h.startRun({ userId, text: bash("printf 'one\\n' > a.txt"), options: { permissionMode: "bypassPermissions" } })).end();
  const done = events.find((e) => e.type === "done");
  expect(done?.type).toBe("done");
  expect(done?.type === "done" && done.change).toBeUndefined();
  const paths = userPathsOf(h.dataDir, userId);
  expect(readFileSync(join(paths.workspace, "a.txt"), "utf8")).toBe("one\n");
  expect([existsSync(join(h.dataDir, ".checkpoints")), existsSync(join(paths.root, ".checkpoints"))]).toEqual([false, false]);

  for (const [route, error] of [
    [VM_ROUTES.workspaceUndo("main", userId), "nothing_to_undo"],
    [VM_ROUTES.workspaceRedo("main", userId), "nothing_to_redo"],
  ] as const) {
    const answer = await h.call("POST", route);
    expect(answer.status).toBe(409);
    expect(VmErrorBodySchema.parse(await answer.json())).toEqual({ error, message: CHECKPOINTS_OFF_MESSAGE });
  }
  expect(readFileSync(join(paths.workspace, "a.txt"), "utf8")).toBe("one\n");
  // An unknown workspace is still that.
  expect((await h.call("POST", VM_ROUTES.workspaceUndo("nope", userId))).status).toBe(404);
});
