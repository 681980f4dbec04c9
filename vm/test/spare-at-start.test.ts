// The spare started with the VM (runs/spare-records.ts, spare-agents.ts startAtBoot): each user's
// last run leaves its options and workspace on DATA_DIR, and a VM that starts again (a restart, a
// Machine started after a stop) starts that user's spare at once, so their first message after it
// takes a spare. A first run with other options starts a CLI of its own, and the spare after it
// replaces the one started at boot. A run the restart cut gets its CLI started ahead with
// `--resume` of its session, which the relay's restart of it takes. The real CLI against the local
// Messages stand-in.
import { appendFileSync, existsSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ownKeyOf, userPathsOf } from "../src/users/user-paths";
import { IS_ROOT, processesIn, resultsOf, uniqueId, useHarness } from "./helpers/harness";

const taken: string[] = [];
const h = useHarness({ warmSessionMs: 60_000, spareAgents: 2 }, { onTiming: (runId, mark) => void (mark === "spare_taken" && taken.push(runId)) });
const alice = "+15550006301";
const bob = "+15550006302";
const CHAT = { permissionMode: "bypassPermissions", scheduleTools: true } as const;
const CAREFUL = { permissionMode: "acceptEdits", scheduleTools: true } as const;

async function run(userId: string, text: string, options: object, more: { workspace?: string; sessionId?: string | null } = {}) {
  const runId = uniqueId("run");
  const events = await (await h.startRun({ runId, userId, text, options, ...more })).end();
  expect(resultsOf(events)[0]?.isError, JSON.stringify(events)).toBe(false);
  return runId;
}

/** The CLIs whose working directory is exactly `dir`, and the flags each was started with. */
const clisAt = (dir: string) =>
  processesIn(dir).flatMap((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return argv[0]!.includes("claude") && readlinkSync(`/proc/${pid}/cwd`) === dir ? [argv.join(" ")] : [];
    } catch {
      return [];
    }
  });
const recordOf = (userId: string) => join(userPathsOf(h.dataDir, userId).root, ".spare-run.json");

it("a VM that starts again starts the spare of the user who ran last, and their first message takes it", async () => {
  const a = userPathsOf(h.dataDir, alice);
  await run(alice, "before the restart", CHAT, { workspace: "notes" });
  expect(JSON.parse(readFileSync(recordOf(alice), "utf8"))).toMatchObject({ workspace: "notes", options: CHAT });
  const notes = join(a.root, "workspaces", "notes");

  await h.restart();
  // Nothing of the server before survived it; the spare is the new server's, started as it started.
  await expect.poll(() => clisAt(notes).length, { timeout: 30_000, interval: 100 }).toBe(1);
  expect(clisAt(a.workspace)).toEqual([]);

  const first = await run(alice, "the first message after it", CHAT, { workspace: "notes" });
  expect(taken).toEqual([first]);
  expect(h.spawns).not.toContain(first);
});

it("a first run with other options starts its own CLI, and its spare replaces the one started at boot", async () => {
  const a = userPathsOf(h.dataDir, alice);
  await run(alice, "in main", CHAT);
  await h.restart();
  await expect.poll(() => clisAt(a.workspace).length, { timeout: 30_000, interval: 100 }).toBe(1);
  const bootSpare = clisAt(a.workspace)[0]!;
  expect(bootSpare).toContain("bypassPermissions");

  const careful = await run(alice, "carefully", CAREFUL);
  expect(taken).not.toContain(careful);
  expect(h.spawns).toContain(careful);
  // The run's warm CLI and a spare with its options; the boot's spare is gone.
  await expect.poll(() => clisAt(a.workspace).filter((cli) => cli.includes("acceptEdits")).length, { timeout: 30_000, interval: 100 }).toBe(2);
  await expect.poll(() => clisAt(a.workspace).filter((cli) => cli.includes("bypassPermissions")), { timeout: 30_000, interval: 100 }).toEqual([]);
  expect(JSON.parse(readFileSync(recordOf(alice), "utf8")).options).toMatchObject(CAREFUL);
  // The next new session with those options takes that spare.
  const next = await run(alice, "carefully again", CAREFUL);
  expect(taken).toContain(next);
});

it("a record that is not one starts nothing, and a user who never ran has none", async () => {
  const b = userPathsOf(h.dataDir, bob);
  await run(bob, "once", CHAT);
  writeFileSync(recordOf(bob), '{"workspace":"../../etc","options":{}}');
  // Alice's record is set aside too: only Bob's could start one.
  writeFileSync(recordOf(alice), "not json");
  await h.restart();
  // The server is up and has looked (its boot spares start right after listen); a run of someone else shows it serves.
  await run("+15550006303", "someone else", CHAT);
  expect(clisAt(b.workspace)).toEqual([]);
  expect(clisAt(userPathsOf(h.dataDir, alice).workspace)).toEqual([]);
  expect(existsSync(userPathsOf(h.dataDir, "+15550006304").root)).toBe(false);
});

it("a run the restart cut has its CLI started ahead on its session, and the relay's restart of it takes that CLI", async () => {
  const carol = "+15550006305";
  const events = await (await h.startRun({ userId: carol, text: "before the crash", options: CHAT })).end();
  const sessionId = resultsOf(events)[0]!.sessionId;
  // Named once she ran: her first run may have taken a slot made ahead (its key is then hers).
  const c = userPathsOf(h.dataDir, carol);
  // A run on that session the last process left live (its log has no end), as a crash leaves it.
  const cut = uniqueId("cut");
  const runs = join(h.dataDir, ".runs");
  writeFileSync(join(runs, `${cut}.meta.json`), JSON.stringify({ runId: cut, userKey: c.key, userId: carol, createdAt: Date.now(), start: { workspace: "main", sessionId, options: CHAT } }));
  appendFileSync(join(runs, `${cut}.ndjson`), `${JSON.stringify({ seq: 1, type: "session", sessionId })}\n`);

  await h.restart();
  await expect.poll(() => clisAt(c.workspace).filter((cli) => cli.includes(`--resume=${sessionId}`)).length, { timeout: 30_000, interval: 100 }).toBe(1);

  // The relay's restart: the same session and options, no CLI of its own.
  const restarted = uniqueId("run");
  const after = await (await h.startRun({ runId: restarted, userId: carol, text: "the restart", options: CHAT, sessionId })).end();
  expect(resultsOf(after)[0], JSON.stringify(after)).toMatchObject({ isError: false, sessionId });
  expect(h.spawns).not.toContain(restarted);
  // One CLI on that session, the one started ahead, now the run's warm one.
  expect(clisAt(c.workspace).filter((cli) => cli.includes(`--resume=${sessionId}`)).length).toBe(1);
});

/** The slot made for the next new user (users/user-slots.ts), as the server recorded it. */
const readySlot = (): string | null => {
  try {
    return JSON.parse(readFileSync(join(h.dataDir, ".user-slots.json"), "utf8")).ready;
  } catch {
    return null;
  }
};
const slotWorkspace = (key: string) => join(h.dataDir, "users", key, "workspace");

it("a VM that starts after any run has a spare for the next new user, whose first message takes it as their own; the next new user gets the next slot", async () => {
  await run(alice, "someone ran before", CHAT);
  await h.restart();
  await expect.poll(() => readySlot(), { timeout: 30_000, interval: 100 }).not.toBeNull();
  const slot = readySlot()!;
  await expect.poll(() => clisAt(slotWorkspace(slot)).length, { timeout: 30_000, interval: 100 }).toBe(1);
  // Nothing of anyone is in the slot's CLI: no git identity, a key that is nobody's.
  const [slotPid] = processesIn(slotWorkspace(slot));
  expect(readFileSync(`/proc/${slotPid}/environ`, "utf8")).not.toContain("GIT_AUTHOR");

  // A phone the VM has never served: its first message takes the slot's spare.
  const dave = "+15550006306";
  const identity = { name: "Dave", email: "dave@example.test" };
  const report = `[[tool Bash ${JSON.stringify({ command: `{ pwd; id -u; echo "$HOME"; git config user.email; } > dave.txt` })}]]`;
  const first = uniqueId("run");
  const events = await (await h.startRun({ runId: first, userId: dave, text: `hello ${report}`, options: CHAT, gitIdentity: identity })).end();
  expect(resultsOf(events)[0]?.isError, JSON.stringify(events)).toBe(false);
  expect(taken).toContain(first);
  expect(h.spawns).not.toContain(first);
  // Everything of Dave's is the slot's from now on: his key, his workspace, his HOME, his commits' identity.
  const d = userPathsOf(h.dataDir, dave);
  expect(d.key).toBe(slot);
  expect(ownKeyOf(h.dataDir, dave)).not.toBe(slot);
  const [cwd, uid, home, email] = readFileSync(join(d.workspace, "dave.txt"), "utf8").trim().split("\n");
  expect([cwd, home, email]).toEqual([d.workspace, d.home, identity.email]);
  if (IS_ROOT) expect(Number(uid)).not.toBe(0);
  // Users who were there before keep their own keys.
  expect(userPathsOf(h.dataDir, alice).key).toBe(ownKeyOf(h.dataDir, alice));

  // His second message resumes his session in his CLI, still warm.
  const second = uniqueId("run");
  const again = await (await h.startRun({ runId: second, userId: dave, text: "again", options: CHAT, gitIdentity: identity, sessionId: resultsOf(events)[0]!.sessionId })).end();
  expect(resultsOf(again)[0]?.isError, JSON.stringify(again)).toBe(false);
  expect(h.spawns).not.toContain(second);

  // The next slot is another key; the next new user with other options starts a CLI of their own there.
  await expect.poll(() => readySlot() !== null && readySlot() !== slot, { timeout: 30_000, interval: 100 }).toBe(true);
  const next = readySlot()!;
  await expect.poll(() => clisAt(slotWorkspace(next)).length, { timeout: 30_000, interval: 100 }).toBe(1);
  const erin = "+15550006307";
  const careful = await run(erin, "carefully", CAREFUL);
  expect(h.spawns).toContain(careful);
  expect(taken).not.toContain(careful);
  expect(userPathsOf(h.dataDir, erin).key).toBe(next);
  expect(userPathsOf(h.dataDir, dave).key).toBe(slot);
});
