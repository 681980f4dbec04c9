// A spare CLI is handed over only when it carries nothing of another user's or conversation's
// state, and one is started only when the VM has room for it beside every warm process.
import { describe, expect, it } from "vitest";
import { type CutRunFacts, resumeSparesOf, type SpareDemand, type SpareFacts, type SpareWant, spareRefusal, spareWanted } from "../../src/core/spare-agent";

const spare: SpareFacts = {
  userKey: "u1",
  uid: 40001,
  cwd: "/data/users/u1/workspaces/a",
  home: "/data/users/u1/home",
  fingerprint: "chat",
  settingsPath: null,
  sessionId: null,
  served: false,
  alive: true,
  stopping: false,
  retired: false,
};
const S1 = "0b8e5c1e-2d3f-4a5b-8c6d-7e8f9a0b1c2d";
const S2 = "1c9f6d2f-3e4a-4b6c-9d7e-8f9a0b1c2d3e";
const want: SpareWant = { userKey: "u1", uid: 40001, cwd: spare.cwd, home: spare.home, fingerprint: "chat", settingsPath: null, sessionId: null };

describe("spareRefusal", () => {
  it.each<[string, Partial<SpareFacts>, Partial<SpareWant>, string | null]>([
    ["the same user, workspace and options, a new session", {}, {}, null],
    ["with the same rules file", { settingsPath: "/r/u1-a.json" }, { settingsPath: "/r/u1-a.json" }, null],
    ["exited", { alive: false }, {}, "it is no longer running"],
    ["being stopped", { stopping: true }, {}, "it is no longer running"],
    ["its workspace's rules changed", { retired: true }, {}, "its workspace's settings changed"],
    ["another user's", {}, { userKey: "u2", uid: 40002, home: "/data/users/u2/home" }, "another user's"],
    ["the same key under another uid", {}, { uid: 40002 }, "another uid's"],
    ["the server's uid for a user's run", { uid: null }, {}, "another uid's"],
    ["another HOME", {}, { home: "/data/users/u1/other" }, "another HOME"],
    ["another workspace of the user", {}, { cwd: "/data/users/u1/workspaces/b" }, "another workspace"],
    ["a run that resumes a session", {}, { sessionId: "0b8e5c1e-2d3f-4a5b-8c6d-7e8f9a0b1c2d" }, "the run resumes a session"],
    ["one that served a run", { served: true }, {}, "it holds a session already"],
    ["one whose CLI reported a session", { sessionId: "0b8e5c1e-2d3f-4a5b-8c6d-7e8f9a0b1c2d" }, {}, "it holds a session already"],
    ["started with --resume of the session the run resumes", { sessionId: S1 }, { sessionId: S1 }, null],
    ["started with --resume of another session", { sessionId: S1 }, { sessionId: S2 }, "it resumes another session"],
    ["started with --resume, and served a run since", { sessionId: S1, served: true }, { sessionId: S1 }, "it holds a session already"],
    ["started with --resume, with other options", { sessionId: S1 }, { sessionId: S1, fingerprint: "task" }, "other options or run variables"],
    ["started with --resume, in another workspace", { sessionId: S1 }, { sessionId: S1, cwd: "/data/users/u1/workspaces/b" }, "another workspace"],
    ["other options or git identity", {}, { fingerprint: "task" }, "other options or run variables"],
    ["rules given since it started", {}, { settingsPath: "/r/u1-a.json" }, "other approval rules"],
    ["rules forgotten since it started", { settingsPath: "/r/u1-a.json" }, {}, "other approval rules"],
  ])("%s", (_name, facts, wanted, refusal) => {
    expect(spareRefusal({ ...spare, ...facts }, { ...want, ...wanted })).toBe(refusal);
  });
});

describe("spareWanted", () => {
  const room: SpareDemand = { limit: 2, lifetimeMs: 600_000, spares: 0, userSpare: "none", shuttingDown: false, forked: false, untrusted: false, admission: { kind: "spawn" } };
  it.each<[string, Partial<SpareDemand>, "start" | "replace" | "none"]>([
    ["room, none yet", {}, "start"],
    ["one other user's spare, limit 2", { spares: 1 }, "start"],
    ["turned off (SPARE_AGENTS=0)", { limit: 0 }, "none"],
    ["no process kept after a run (WARM_SESSION_MS=0)", { lifetimeMs: 0 }, "none"],
    ["the VM's limit reached", { spares: 2 }, "none"],
    ["the user's spare waits here already", { spares: 1, userSpare: "here" }, "none"],
    ["the user's spare waits in another workspace", { spares: 2, userSpare: "elsewhere" }, "replace"],
    ["replaced even when memory is short: the old one goes first", { spares: 1, userSpare: "elsewhere", admission: { kind: "evict", count: 1 } }, "replace"],
    ["not replaced after a forked run", { spares: 1, userSpare: "elsewhere", forked: true }, "none"],
    ["the VM is stopping", { shuttingDown: true }, "none"],
    ["after a forked event run", { forked: true }, "none"],
    ["after a run of someone else's text", { untrusted: true }, "none"],
    ["only by evicting a warm process", { admission: { kind: "evict", count: 1 } }, "none"],
    ["no memory at all", { admission: { kind: "refuse", reason: "memory" } }, "none"],
  ])("%s", (_name, over, wanted) => {
    expect(spareWanted({ ...room, ...over })).toBe(wanted);
  });
});

describe("resumeSparesOf", () => {
  const CHAT = { workspace: "main", sessionId: S1, options: {} };
  const cut = (name: string, over: Partial<CutRunFacts> = {}): CutRunFacts & { name: string } => ({ name, userKey: "u1", request: CHAT, sessionSeen: null, ...over });
  it.each<[string, (CutRunFacts & { name: string })[], number, [string, string][]]>([
    ["a run that resumed a session", [cut("a")], 4, [["a", S1]]],
    ["the session its CLI reported wins over the one it resumed", [cut("a", { sessionSeen: S2 })], 4, [["a", S2]]],
    ["a new session that reported one", [cut("a", { request: { ...CHAT, sessionId: null }, sessionSeen: S2 })], 4, [["a", S2]]],
    ["a new session cut before it reported one: nothing to resume", [cut("a", { request: { ...CHAT, sessionId: null } })], 4, []],
    ["a log written before requests were kept", [cut("a", { request: null, sessionSeen: S1 })], 4, []],
    ["a fork", [cut("a", { request: { ...CHAT, options: { forkSession: true } }, sessionSeen: S2 })], 4, []],
    ["someone else's text", [cut("a", { request: { ...CHAT, options: { approvals: { untrusted: true } } } })], 4, []],
    ["two cut runs of one session: one CLI", [cut("a"), cut("b")], 4, [["a", S1]]],
    ["the same session id of two users: one each", [cut("a"), cut("b", { userKey: "u2" })], 4, [["a", S1], ["b", S1]]],
    ["at most the limit", [cut("a"), cut("b", { sessionSeen: S2 })], 1, [["a", S1]]],
    ["SPARE_AGENTS=0", [cut("a")], 0, []],
  ])("%s", (_name, runs, limit, planned) => {
    expect(resumeSparesOf(runs, limit).map((p) => [p.run.name, p.sessionId])).toEqual(planned);
  });
});
