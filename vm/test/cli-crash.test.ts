// A CLI that dies without answering ends the run with `cli_crashed` and its last stderr words.
// A fake CLAUDE_BIN: a tiny script that starts like the CLI (one line on stdout), then crashes.
// A CLI that cannot start at all is a configuration problem: misconfigured-cli.test.ts.
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { useHarness } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";

const dir = tempDir("vm-crash-");
// Reachable by the agents' own uids (a root VM runs the CLI as the user), as an installed CLI is.
chmodSync(dir, 0o755);
const crashingBin = join(dir, "claude");
writeFileSync(
  crashingBin,
  [
    "#!/bin/sh",
    `echo '{"type":"system","subtype":"init","session_id":"0b9c2e4e-1111-4111-8111-111111111111"}'`,
    "echo 'panic: segment fault in the offline test' >&2",
    "exit 3",
  ].join("\n"),
);
chmodSync(crashingBin, 0o755);

const h = useHarness({ claudeBin: crashingBin });

it("reports cli_crashed with the exit code and stderr tail", async () => {
  const events = await (await h.startRun({ text: "hi" })).end();
  expect(events).toEqual([
    { seq: 1, type: "session", sessionId: "0b9c2e4e-1111-4111-8111-111111111111" },
    { seq: 2, type: "error", code: "cli_crashed", message: "the Claude Code CLI exited with code 3 before answering: panic: segment fault in the offline test" },
  ]);
});
