// A volume written by the VM before users were kept apart (every agent as the one user of the
// server, everything owned by it: the image's `node`) is taken over at start: each user's tree
// goes to the user's own uid, the run logs to the server, and nothing is lost: the session
// resumes, the files are the agent's to change, and the old run's events replay.
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AgentIdTableSchema } from "../src/core/agent-ids";
import { userPathsOf } from "../src/users/user-paths";
import { IS_ROOT, processesIn, readEvents, resultsOf, uniqueId, useHarness } from "./helpers/harness";

const userId = "+15550001701";
const OLD_OWNER = 1000;
const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;

describe.skipIf(!IS_ROOT)("as root, a DATA_DIR laid out by one user (skipped when not root: only root can give files away)", () => {
  // Before: every agent as the server's user (AGENT_UIDS=off), as every VM did before this one.
  const h = useHarness({ agentUids: "off", warmSessionMs: 0 });

  it("is handed over at start, and the user's session, files and run logs are all still there", async () => {
    const oldRunId = uniqueId("run");
    const old = await (await h.startRun({ runId: oldRunId, userId, text: `remember apricot ${bash("echo before > notes.txt")}` })).end();
    const sessionId = resultsOf(old)[0]?.sessionId ?? null;
    expect(resultsOf(old)[0]?.isError).toBe(false);
    // The image's volume: all of it the `node` user's, given away once the old server's CLI is
    // gone (a volume is taken over at start, with nothing running): a CLI still exiting removes
    // its files under the walk, and `chown -R` fails on one that vanished.
    const paths = userPathsOf(h.dataDir, userId);
    await expect.poll(() => processesIn(paths.root), { timeout: 10_000 }).toEqual([]);
    execFileSync("chown", ["-R", `${OLD_OWNER}:${OLD_OWNER}`, h.dataDir]);
    expect(statSync(join(paths.home, ".claude")).uid).toBe(OLD_OWNER);

    await h.restart({ agentUids: "auto" });
    const uid = AgentIdTableSchema.parse(JSON.parse(readFileSync(join(h.dataDir, ".agent-ids.json"), "utf8"))).users[paths.key];
    expect(uid).toBeGreaterThanOrEqual(20_000);
    for (const path of [paths.root, paths.home, join(paths.home, ".claude"), paths.workspace, join(paths.workspace, "notes.txt")]) {
      expect(statSync(path).uid, path).toBe(uid);
    }
    expect(statSync(paths.root).mode & 0o777).toBe(0o700);
    expect(statSync(join(h.dataDir, ".runs", `${oldRunId}.ndjson`)).uid).toBe(0);
    expect(statSync(h.dataDir).mode & 0o777).toBe(0o711);

    // The session resumes from the handed-over HOME, and the agent changes its old file.
    const resumed = await (await h.startRun({ userId, sessionId, text: bash("echo after >> notes.txt") })).end();
    expect(resultsOf(resumed)[0]).toMatchObject({ isError: false, sessionId });
    const check = await (await h.startRun({ userId, sessionId, text: "[[count]]" })).end();
    expect(resultsOf(check)[0]?.text).toContain("this conversation has seen 3 user messages");
    expect(readFileSync(join(paths.workspace, "notes.txt"), "utf8")).toBe("before\nafter\n");

    // The old run's events replay, exactly as they were sent.
    const replay = await readEvents(await h.call("GET", `/v1/runs/${oldRunId}/events?after=0`)).end();
    expect(replay).toEqual(old);
  });
});
