// As root the CLI refuses bypassPermissions (the relay's mode) unless IS_SANDBOX is exactly "1".
// A root VM runs each agent as a uid of its own, so this is about AGENT_UIDS=off: the VM's
// startup check names it on /health before any run; a bypassPermissions run ends at once with
// `misconfigured` from the CLI's own refusal; IS_SANDBOX=1 fixes both.
import { describe, expect, it } from "vitest";
import { healthProblem, useHarness } from "./helpers/harness";

const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)("as root with AGENT_UIDS=off (skipped when not root: the CLI refuses bypassPermissions to root only)", () => {
  const h = useHarness({ agentUids: "off", cliEnv: { IS_SANDBOX: "yes" } });

  const run = async (userId: string, permissionMode: "bypassPermissions" | "acceptEdits") => {
    const started = Date.now();
    const events = await (await h.startRun({ userId, text: "hi", options: { permissionMode } })).end();
    return { events, ms: Date.now() - started };
  };

  it('names the problem on /health before any run (IS_SANDBOX "yes" is not "1")', async () => {
    const problem = await healthProblem(h, (p) => p !== null);
    expect(problem).toBe(
      `the VM runs as root with IS_SANDBOX "yes": the Claude Code CLI refuses bypassPermissions (the relay's permission mode) as root unless IS_SANDBOX=1; set IS_SANDBOX=1 or run the VM as a non-root user`,
    );
    expect(h.spawns).toEqual([]);
  });

  it("ends a bypassPermissions run at once with misconfigured, in the CLI's own words; the model is never called", async () => {
    const { events, ms } = await run("+15550000320", "bypassPermissions");
    expect(events).toEqual([
      {
        seq: 1,
        type: "error",
        code: "misconfigured",
        reason: "root_without_sandbox",
        message:
          "the Claude Code CLI refuses bypassPermissions because the VM runs as root without IS_SANDBOX=1 (it said: --dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons)",
      },
    ]);
    expect(ms).toBeLessThan(5_000);
    expect(h.spawns).toHaveLength(1);
    expect(h.api.requests).toEqual([]);
  });

  it("still answers a run in a mode the CLI accepts as root, and keeps the problem", async () => {
    const { events } = await run("+15550000321", "acceptEdits");
    expect(events.map((e) => e.type)).toEqual(["session", "result", "done"]);
    expect(await healthProblem(h, () => true)).toContain("the VM runs as root with IS_SANDBOX");
  });

  it("with IS_SANDBOX=1: no problem, and a bypassPermissions run is answered", async () => {
    await h.restart({ cliEnv: { IS_SANDBOX: "1" } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await healthProblem(h, () => true)).toBeNull();
    const { events } = await run("+15550000322", "bypassPermissions");
    expect(events.map((e) => e.type)).toEqual(["session", "result", "done"]);
  });
});
