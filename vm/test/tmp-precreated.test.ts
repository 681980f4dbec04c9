// One agent cannot keep another's CLI from starting on a shared VM: the CLI refuses a temporary
// directory another uid owns (`<CLAUDE_CODE_TMPDIR or TMPDIR>/claude-<uid>`), and an agent can
// make `/tmp/claude-<uid>` and `/tmp/cc-socks-<uid>` first for every uid in the range. Here an
// agent makes both for the next user's uid, and that user's CLI still runs a command, with the
// VM's own settings and with an operator's CLAUDE_CODE_TMPDIR=/tmp passed through (which alone
// used to send every CLI to /tmp: docs/notes/cli-tmp-dirs.md).
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { VmConfigInput } from "../src/config";
import { AgentIdTableSchema, preferredUid } from "../src/core/agent-ids";
import { userPathsOf } from "../src/users/user-paths";
import { IS_ROOT, resultsOf, useHarness } from "./helpers/harness";

const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;
const bypass = { permissionMode: "bypassPermissions" } as const;
const planted: string[] = [];

afterAll(() => {
  for (const dir of planted) rmSync(dir, { recursive: true, force: true });
});

function plantedFirst(title: string, overrides: Partial<VmConfigInput>, attacker: string, victim: string): void {
  describe.skipIf(!IS_ROOT)(`${title} (skipped when not root: only root can switch uids)`, () => {
    const h = useHarness(overrides);
    const table = () => AgentIdTableSchema.parse(JSON.parse(readFileSync(join(h.dataDir, ".agent-ids.json"), "utf8")));

    it("starts a user's CLI although another agent made /tmp/claude-<uid> and /tmp/cc-socks-<uid> for its uid first", async () => {
      // The uid the victim will get: the first free one from its key's preferred uid (agent-ids.ts).
      const uid = preferredUid(userPathsOf(h.dataDir, victim).key);
      const dirs = [`/tmp/claude-${uid}`, `/tmp/cc-socks-${uid}`];
      planted.push(...dirs);
      const made = await (await h.startRun({ userId: attacker, text: bash(`mkdir -m 700 ${dirs.join(" ")} && stat -c %u ${dirs.join(" ")}`), options: bypass })).end();
      const attackerUid = table().users[userPathsOf(h.dataDir, attacker).key];
      expect(resultsOf(made)[0]?.text, JSON.stringify(made)).toContain(`answered: ${attackerUid} ${attackerUid}`);

      const events = await (await h.startRun({ userId: victim, text: bash("echo ran-as-$(id -u)"), options: bypass })).end();
      // The directories were planted for the uid the victim really got.
      expect(table().users[userPathsOf(h.dataDir, victim).key]).toBe(uid);
      expect(resultsOf(events)[0]?.text, JSON.stringify(events)).toContain(`answered: ran-as-${uid}`);
      expect(events.at(-1)?.type).toBe("done");
    });
  });
}

plantedFirst("as root, with agents of their own uids", {}, "+15550003101", "+15550003102");
plantedFirst("as root, with an operator's CLAUDE_CODE_TMPDIR=/tmp", { cliEnv: { CLAUDE_CODE_TMPDIR: "/tmp" } }, "+15550003103", "+15550003104");
