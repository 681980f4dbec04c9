// A CLI that dies without answering ends the run with `cli_crashed` and its last stderr words.
// The only test with a fake CLAUDE_BIN: a tiny script that starts like the CLI, then crashes.
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { useHarness } from "./helpers/harness.js";

const dir = mkdtempSync(join(tmpdir(), "vm-crash-"));
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

it("reports cli_crashed when CLAUDE_BIN cannot be started at all", async () => {
  await h.restart({ claudeBin: join(dir, "missing-claude") });
  const events = await (await h.startRun({ userId: "+15550000300", text: "hi" })).end();
  expect(events).toEqual([{ seq: 1, type: "error", code: "cli_crashed", message: expect.stringContaining("could not start the Claude Code CLI: spawn") }]);
});
