import { describe, expect, it } from "vitest";
import {
  cloneDoneReply,
  conversationsList,
  createReply,
  deepModeReply,
  type DeleteOutcome,
  deleteReply,
  freshSessionReply,
  gitIdentityReply,
  type ListedConversation,
  NO_CURRENT_CONVERSATION,
  noSuchConversation,
  renameReply,
  stillCloning,
  switchReply,
} from "../../../src/conversations/conversations-replies";

const NOW = Date.UTC(2026, 10, 22, 12, 0);

describe("what the conversation commands say", () => {
  it.each<[string, string, string]>([
    ["no current", NO_CURRENT_CONVERSATION, "There is no current conversation. /sessions lists them."],
    ["no such name", noSuchConversation("docs"), "There is no conversation named docs. /sessions lists them."],
    ["no such number", noSuchConversation("7", true), "There is no conversation number 7. /sessions lists them."],
    ["cloning", stillCloning("api"), "api is still being cloned; I'll tell you when it is ready."],
    ["fresh session", freshSessionReply("main"), "Your next message in main starts a fresh agent session, in the same project; the earlier context is set aside."],
    ["name taken", createReply("api", { taken: true }), "There is already a conversation named api. /switch api makes it current."],
    ["created empty", createReply("notes", { taken: false, repo: null }), "New conversation notes, with an empty project. It is current now; /sessions lists them all."],
    ["cloning a branch", createReply("api", { taken: false, repo: { url: "https://github.com/o/r.git", branch: "dev" } }), "Cloning https://github.com/o/r.git (dev) into api…"],
    ["cloning the default", createReply("api", { taken: false, repo: { url: "git@github.com:o/r.git", branch: null } }), "Cloning git@github.com:o/r.git into api…"],
    ["switched", switchReply("api", false), "Switched to api. Plain messages go there now."],
    ["already current", switchReply("api", true), "api is already the current conversation."],
    ["renamed", renameReply("main", "web", null), "Renamed main to web."],
    ["rename taken", renameReply("main", "web", "Web"), "There is already a conversation named Web."],
    ["deep on", deepModeReply("api", true), "Deep mode on for api: its agent stays running between messages, for 2 h after each use, so follow-ups go straight in. /end stops it."],
    ["deep off", deepModeReply("api", false), "Deep mode off for api: its agent stops soon after each answer, and resumes the session on the next message."],
    ["git shown", gitIdentityReply({ name: "WhatsApp agent", email: "1555xxx@users.noreply.invalid" }, false), "Your agent commits as WhatsApp agent <1555xxx@users.noreply.invalid>. Change with /git name <name> and /git email <email>."],
    ["git changed", gitIdentityReply({ name: "Ada", email: "ada@example.com" }, true), "Your agent's commits are now by Ada <ada@example.com>. Change with /git name <name> and /git email <email>."],
  ])("%s", (_, text, expected) => {
    expect(text).toBe(expected);
  });
});

describe("deleteReply", () => {
  it.each<[DeleteOutcome, string]>([
    [{ kind: "missing" }, "There is no conversation named api. /sessions lists them."],
    [{ kind: "current" }, "api is the current conversation: /switch to another one first."],
    [{ kind: "cloning" }, "api is still being cloned; delete it once that is done."],
    [{ kind: "running" }, "api has a run in progress: wait for it, or /switch to it and /stop it."],
    [{ kind: "queued" }, "api has messages waiting to be answered: wait for them first."],
    [{ kind: "tasks", ids: [3] }, "api has scheduled tasks (#3): delete them first with /schedule delete <id>."],
    [{ kind: "tasks", ids: [3, 9] }, "api has scheduled tasks (#3, #9): delete them first with /schedule delete <id>."],
    [{ kind: "triggers", names: ["deploy-check", "nightly"] }, "api has HTTP triggers (deploy-check, nightly): end them first with /trigger remove <name>."],
    [{ kind: "confirm" }, "Delete api and its project directory, with any work not pushed? Send /delete api yes."],
    [{ kind: "deleted" }, "Deleted api and its project directory."],
  ])("%j", (outcome, expected) => {
    expect(deleteReply("api", outcome)).toBe(expected);
  });
});

describe("conversationsList", () => {
  const base: ListedConversation = { name: "main", repoUrl: null, branch: null, current: false, cloning: false, running: false, queued: 0, deep: false, turns: 0, costUsd: 0, activeAt: NOW };
  it.each<[string, Partial<ListedConversation>, string]>([
    ["plain", {}, "1. main · 0 turns · $0.00 · active just now"],
    ["one turn", { turns: 1, costUsd: 0.004, activeAt: NOW - 3 * 60_000 }, "1. main · 1 turn · $0.004 · active 3 min ago"],
    ["https repository with a branch", { repoUrl: "https://github.com/o/r.git", branch: "dev" }, "1. main (github.com/o/r @ dev) · 0 turns · $0.00 · active just now"],
    ["ssh repository", { repoUrl: "git@gitlab.com:o/r.git" }, "1. main (gitlab.com/o/r) · 0 turns · $0.00 · active just now"],
    [
      "every mark, in order",
      { current: true, cloning: true, running: true, queued: 2, deep: true, turns: 12, costUsd: 1.5 },
      "1. main ← current · cloning… · running · 2 queued · deep · 12 turns · $1.50 · active just now",
    ],
  ])("%s", (_, c, line) => {
    expect(conversationsList([{ ...base, ...c }], NOW)).toBe(`Your conversations:\n${line}\n/switch <name or number> · @<name> <text> · /new <name> [git-url]`);
  });

  it("numbers the conversations in the order given", () => {
    const lines = conversationsList([base, { ...base, name: "api" }], NOW).split("\n");
    expect(lines.slice(1, 3).map((l) => l.split(" · ")[0])).toEqual(["1. main", "2. api"]);
  });
});

describe("cloneDoneReply", () => {
  it.each<[Parameters<typeof cloneDoneReply>[1], string]>([
    [{ ok: true, branch: "main", files: 12345, ms: 2600 }, "Cloned api (main, 12,345 files) in 3 s. It is your current conversation now."],
    [{ ok: true, branch: null, files: 1, ms: 80 }, "Cloned api (default branch, 1 file) in 1 s. It is your current conversation now."],
    [{ ok: false, message: "the agent VM is not configured." }, "⚠️ Couldn't clone into api: the agent VM is not configured. Nothing was created."],
  ])("%j", (result, expected) => {
    expect(cloneDoneReply("api", result)).toBe(expected);
  });

  it("a clone that did not become current says how to get there", () => {
    expect(cloneDoneReply("api", { ok: true, branch: "main", files: 4, ms: 900 }, false)).toBe("Cloned api (main, 4 files) in 1 s. /switch api to write to it.");
  });
});
