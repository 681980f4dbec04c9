// Users kept apart by the OS: as root the VM runs each user's agent as a uid of its own, and one
// agent told to look at another's files, transcripts, the run logs or the uid record is refused
// by the kernel (the issue's `cat $(find … -name other-notes.txt)` finds nothing). Without
// IS_SANDBOX: the CLI runs as a non-root uid and takes bypassPermissions as it is.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AgentIdTableSchema } from "../src/core/agent-ids";
import { userPathsOf } from "../src/users/user-paths";
import { IS_ROOT, processesIn, resultsOf, uniqueId, useHarness } from "./helpers/harness";

const alice = "+15550001501";
const bob = "+15550001502";
const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;

describe.skipIf(!IS_ROOT)("as root, each user's agent runs as its own uid (skipped when not root: only root can switch uids)", () => {
  const h = useHarness({ warmSessionMs: 60_000 });
  const run = async (userId: string, text: string, runId = uniqueId("run")) => {
    const events = await (await h.startRun({ runId, userId, text, options: { permissionMode: "bypassPermissions" } })).end();
    expect(resultsOf(events)[0]?.isError, JSON.stringify(events)).toBe(false);
    return { runId, events };
  };
  const statOf = (path: string) => {
    const s = statSync(path);
    return { uid: s.uid, mode: s.mode & 0o777 };
  };

  it("refuses one agent every look at another user's directories, transcripts, run logs and the uid record", async () => {
    const b = userPathsOf(h.dataDir, bob);
    const a = userPathsOf(h.dataDir, alice);
    const bobRun = await run(bob, bash("echo 'meet at noon' > other-notes.txt"));
    const bobSession = resultsOf(bobRun.events)[0]?.sessionId ?? "";
    const [project] = readdirSync(join(b.home, ".claude", "projects"));
    const transcript = join(b.home, ".claude", "projects", project ?? "missing", `${bobSession}.jsonl`);
    expect(readFileSync(transcript, "utf8")).toContain("meet at noon");
    // Bob's CLI is still alive (warm): its environment is his agent's alone.
    const [bobPid] = processesIn(b.workspace);
    expect(bobPid).toBeDefined();

    await run(alice, "hello");
    const probes: Array<[string, string]> = [
      ["list DATA_DIR", `ls ${h.dataDir}`],
      ["list the users", `ls ${join(h.dataDir, "users")}`],
      ["list the tree of bob", `ls ${b.root}`],
      ["list the workspace of bob", `ls ${b.workspace}`],
      ["read the note of bob", `cat ${join(b.workspace, "other-notes.txt")}`],
      ["read the transcript of bob", `cat ${transcript}`],
      ["list the run logs", `ls ${join(h.dataDir, ".runs")}`],
      ["read the run log of bob", `cat ${join(h.dataDir, ".runs", `${bobRun.runId}.ndjson`)}`],
      ["read the uid record", `cat ${join(h.dataDir, ".agent-ids.json")}`],
      ["read the CLI environment of bob", `cat /proc/${bobPid}/environ`],
      ["signal the CLI of bob", `kill -0 ${bobPid}`],
    ];
    // A script in Alice's workspace: each probe's exit status and words, one line each (labels and
    // commands hold no single quote).
    const script = [
      "probe() { label=$1; shift; out=$(sh -c \"$1\" 2>&1); echo \"$label|$?|$(echo \"$out\" | tr '\\n' ' ')\"; }",
      ...probes.map(([label, command]) => `probe '${label}' '${command}'`),
      `probe 'find the note' 'find ${h.dataDir} -name other-notes.txt'`,
      "echo \"id|$(id -u)|$(id -g)|$(id -G)\"",
    ].join("\n");
    writeFileSync(join(a.workspace, "probe.sh"), `${script}\n`);
    await run(alice, bash("sh probe.sh > probe.out"));

    const lines = readFileSync(join(a.workspace, "probe.out"), "utf8").trim().split("\n");
    const seen = new Map(lines.map((line) => [line.split("|")[0] ?? "", line.split("|").slice(1)] as const));
    for (const [label] of probes) {
      const [status, words = ""] = seen.get(label) ?? [];
      expect(status, `${label}: ${words}`).not.toBe("0");
      expect(words, label).toMatch(/Permission denied|Operation not permitted/);
    }
    // The issue's `cat $(find / -name other-notes.txt)`: nothing found, refused on the way.
    const [findStatus, findWords = ""] = seen.get("find the note") ?? [];
    expect(findStatus).toBe("1");
    expect(findWords).toContain("Permission denied");
    expect(findWords).not.toContain(`${b.workspace}/other-notes.txt`);

    // Whom each ran as: the uids the VM recorded, neither root, each alone in its groups.
    const table = AgentIdTableSchema.parse(JSON.parse(readFileSync(join(h.dataDir, ".agent-ids.json"), "utf8")));
    const aliceUid = table.users[a.key];
    const bobUid = table.users[b.key];
    expect(seen.get("id")).toEqual([String(aliceUid), String(aliceUid), String(aliceUid)]);
    expect(aliceUid).not.toBe(bobUid);
    expect(Math.min(aliceUid ?? 0, bobUid ?? 0)).toBeGreaterThanOrEqual(20_000);
    expect(readFileSync(`/proc/${bobPid}/status`, "utf8")).toMatch(new RegExp(`\\nUid:\\t${bobUid}\\t${bobUid}\\t${bobUid}\\t${bobUid}\\n`));

    // On disk: each tree its user's and owner-only; the rest the server's.
    for (const dir of [a.root, a.home, a.workspace, a.tmp]) expect(statOf(dir), dir).toEqual({ uid: aliceUid, mode: 0o700 });
    expect(statOf(b.root)).toEqual({ uid: bobUid, mode: 0o700 });
    expect(statOf(h.dataDir)).toEqual({ uid: 0, mode: 0o711 });
    expect(statOf(join(h.dataDir, "users"))).toEqual({ uid: 0, mode: 0o711 });
    expect(statOf(join(h.dataDir, ".runs"))).toEqual({ uid: 0, mode: 0o700 });
    expect(statOf(join(h.dataDir, ".agent-ids.json"))).toEqual({ uid: 0, mode: 0o600 });
  });
});
