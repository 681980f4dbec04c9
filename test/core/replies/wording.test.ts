// Every notice the relay sends on its own (messages/notices.ts) and the command answers that carry a
// count, rendered with 0, 1 and 2 of each count: plurals agree with their numbers, a line break
// never cuts a sentence, and every line ends as a sentence does or is a list's line.
import { describe, expect, it } from "vitest";
import * as notices from "../../../src/messages/notices";
import * as changes from "../../../src/changes/changes-replies";
import * as conversations from "../../../src/conversations/conversations-replies";
import { costReply } from "../../../src/usage/spend-replies";
import { machineRetiredNotice } from "../../../src/machines/machine-replies";
import { runWaitsNotice } from "../../../src/runs/parallel-runs-replies";
import { statusReply, type StatusFacts } from "../../../src/runs/status-replies";
import * as link from "../../../src/directory/link-replies";
import * as github from "../../../src/github/github-replies";
import * as triggers from "../../../src/triggers/triggers-replies";
import * as web from "../../../src/web/web-replies";
import * as machine from "../../../src/machines/machine-replies";
import { conversationsList } from "../../../src/conversations/conversations-replies";
import { schedulesList } from "../../../src/schedules/schedules-replies";
import { closedQuestionOf, staleTapReply } from "../../../src/agent/stale-tap";
import type { GiveUpReason } from "../../../src/messages/run-failure";

const NOUNS = ["turn", "file", "change", "message", "run", "task", "day", "exchange", "request", "approval", "pending approval", "attempt", "conversation", "trigger"];
const ONE_WITH_PLURAL = new RegExp(`(?<![\\d.,])\\b1 (${NOUNS.join("|")})s\\b`);
const MANY_WITH_SINGULAR = new RegExp(`(?<![\\d.,#])\\b(?:0|[2-9]|\\d{2,}) (${NOUNS.join("|")})\\b(?!s)`);
/** A line that ends a sentence (or a label before what follows), or a list's own line. */
const ENDS_AS_SENTENCE = /[.!?:…)”]$/;
/** A list's line: a bullet, a number, a task (`#1 …`), an indented detail under one, or a command's usage. */
const LIST_LINE = /^(?:• |- |\d+\. |#\d|\s+\S|\/\w)/;
/** Lines whose form is fixed elsewhere: the change line after a run's reply (the interface contract's form). */
const FIXED_LINES = [/^(?:\[[\w-]+\] )?\d+ files? changed, \+\d+ −\d+ · \/diff to see, \/undo to take back(?: \(after \/switch [\w-]+\))?$/];

/** What reads wrong in `text`: a count and its noun that disagree, a sentence cut by a line break, a line that ends mid-sentence. */
export function wordingProblems(text: string): string[] {
  const problems: string[] = [];
  const one = ONE_WITH_PLURAL.exec(text);
  if (one) problems.push(`“${one[0]}”`);
  const many = MANY_WITH_SINGULAR.exec(text);
  if (many) problems.push(`“${many[0]}”`);
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  lines.forEach((line, i) => {
    if (!ENDS_AS_SENTENCE.test(line.trimEnd()) && !LIST_LINE.test(line) && !FIXED_LINES.some((f) => f.test(line))) problems.push(`line ${i + 1} ends mid-sentence: “${line.slice(-40)}”`);
    if (i > 0 && /^[a-z]/.test(line) && !LIST_LINE.test(line)) problems.push(`line ${i + 1} goes on a sentence after a line break: “${line.slice(0, 40)}”`);
  });
  return problems;
}

const COUNTS = [0, 1, 2] as const;
const named = (n: number): notices.NamedMessage[] => Array.from({ length: n }, (_, i) => ({ body: `message ${i + 1}`, scheduleId: null }));
const REASONS: GiveUpReason[] = ["failed_after_retries", "interrupted", "auth_failed", "misconfigured", "vm_unfit", "time_limit", "cancelled"];
const NOW = Date.UTC(2026, 10, 26, 9);

const status = (turns: number): StatusFacts => ({
  run: null,
  queued: [],
  current: { name: "main", sessionId: "0123456789", deep: false, turns, costUsd: 0 },
  vm: null,
  nextTask: null,
  spend: { spentUsd: 0, limitUsd: 20 },
  timeZone: "UTC",
});

/** Each text by name, with its counts at 0, 1 and 2 where it has one. */
function rendered(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (name: string, text: string | null) => {
    if (text !== null) out.push([name, text]);
  };
  for (const n of COUNTS) {
    add(`ackQueued(${n})`, notices.ackQueued(n));
    add(`sessionRestoredNotice(${n})`, notices.sessionRestoredNotice(n));
    add(`rateLimitedNotice(${n + 1})`, notices.rateLimitedNotice(n + 1));
    add(`stopReply(${n} dropped)`, notices.stopReply({ stoppedRun: true, dropped: named(n), deniedApprovals: n }));
    add(`stopReply(nothing running, ${n} dropped)`, notices.stopReply({ stoppedRun: false, dropped: named(n), deniedApprovals: 0 }));
    add(`stopRepliesByConversation(${n})`, notices.stopRepliesByConversation([{ name: "api", stoppedRun: n > 0, dropped: named(n) }], n));
    add(`modelResumedNotice(${n})`, notices.modelResumedNotice(named(n)));
    for (const kind of ["limit", "unavailable"] as const) add(`modelPausedNotice(${kind}, ${n})`, notices.modelPausedNotice({ kind, limitName: "your 5-hour limit", until: "14:00", waiting: named(n) }));
    add(`agentErrorReply(${n})`, notices.agentErrorReply("API Error: 500", named(n)));
    add(`status: ${n} turns`, statusReply(status(n), NOW));
    add(`nothingToDiff(3, ${n})`, changes.nothingToDiff(3, n));
    add(`changeLine(${n + 1} files)`, changes.changeLine({ files: n + 1, insertions: n, deletions: n }));
    add(`/diff's reply (${n + 1} files)`, changes.withPageLink(changes.diffSummary({ index: 1, label: "the run for “fix”", totals: { files: n + 1, insertions: n, deletions: n }, named: "a.ts", truncated: false }), null));
    add(`undoQuestion(${n + 1})`, changes.undoQuestion({ label: "the run for “fix”", named: "a.ts", count: n + 1 }));
    add(`cloneDoneReply(${n} files)`, conversations.cloneDoneReply("api", { ok: true, branch: "main", files: n, ms: 1000 }));
    add(`machineRetiredNotice(${n + 1} days)`, machineRetiredNotice({ unusedDays: n + 1 }));
    add(`runWaitsNotice(limit ${n + 1})`, runWaitsNotice({ waiting: "web", running: "api", startedAt: NOW - 60_000, limit: n + 1 }, NOW));
    add(`linkedReply(${n} tasks paused)`, link.linkedReply({ home: "+15550000001", chat: { channel: "telegram", chat: "9001" }, pausedTasks: n }));
    add(`costReply(${n} unknown runs)`, costReply({ day: "2026-11-26", timeZone: "UTC", todayUsd: 0, month: [{ conversation: "main", costUsd: n, unknownRuns: n }], offlineModel: n === 1 }));
    add(`conversationsList(${n} turns)`, conversationsList([{ name: "main", current: true, cloning: false, running: false, queued: n, deep: false, turns: n, costUsd: 0, activeAt: NOW, repoUrl: null, branch: null }], NOW));
    add(`schedulesList(${n} held)`, schedulesList([{ id: 1, spec: { kind: "interval", everyMs: 3_600_000, anchorAt: NOW }, context: "chat", conversation: "main", status: "active", nextRunAt: NOW, prompt: "check the build", last: null, from: "made by you" }], n, "UTC"));
    for (const reason of REASONS) if (n > 0) add(`giveUpNotice(${reason}, ${n})`, notices.giveUpNotice(reason, named(n)));
  }
  for (const page of ["link", "web", null] as const) add(`commentHint(${page})`, changes.commentHint(page));
  for (const [payload, kind] of [["undo:yes", "undo"], ["ship:no", "ship"], ["review:7:1", "review_file"], ["other", null]] as const) add(`staleTapReply(${payload})`, staleTapReply(closedQuestionOf(kind)));
  add("taskFailureNotice(#1)", notices.taskFailureNotice([1], "time_limit"));
  add("taskFailureNotice(#1, #2)", notices.taskFailureNotice([1, 2], "failed_after_retries"));
  add("undoDone(undo)", changes.undoDone({ kind: "undo", label: "the run for “fix”", named: "a.ts", count: 1, cannotRestore: [] }));
  add("undoDone(redo, left)", changes.undoDone({ kind: "redo", label: "the run for “fix”", named: "a.ts", count: 2, cannotRestore: ["big.bin (over 1 MiB)"] }));
  add("deliveryFailedNotice", notices.deliveryFailedNotice("63016", "Twilio"));
  add("cloneInterruptedNotice", notices.cloneInterruptedNotice("api"));
  add("forgetRulesReply(cleared)", notices.forgetRulesReply("main", true));
  add("forgetRulesReply(not)", notices.forgetRulesReply("main", false));
  add("vmHealthNotice(none)", notices.vmHealthNotice(null));
  add("vmHealthNotice(down)", notices.vmHealthNotice({ ok: false, failure: "timeout", detail: "no answer in 5 s" }, false));
  add("vmHealthNotice(ok)", notices.vmHealthNotice({ ok: true, ms: 12, problem: null }));
  add("budgetHeldNotice", notices.budgetHeldNotice({ period: "daily", spentUsd: 20, limitUsd: 20, resetsAt: "tomorrow 00:00 (UTC)" }));
  // Every fixed sentence of these modules too.
  for (const mod of [notices, changes, conversations, link, github, triggers, web, machine]) for (const [name, value] of Object.entries(mod)) if (typeof value === "string") add(name, value);
  return out;
}

describe("the relay's own words", () => {
  it.each(rendered())("%s", (_name, text) => {
    expect(wordingProblems(text)).toEqual([]);
  });

  it("finds what reads wrong", () => {
    expect(wordingProblems("Current conversation: main (1 turns, $0.00).")).toEqual(["“1 turns”"]);
    expect(wordingProblems("There are only 2 change to show.")).toEqual(["“2 change”"]);
    expect(wordingProblems("Cloned api (main, 1 files) in 1 s.")).toEqual(["“1 files”"]);
    expect(wordingProblems("Undo it?\nand then more.")).toEqual(["line 2 goes on a sentence after a line break: “and then more.”"]);
    expect(wordingProblems("It stays\nas it is.")).toEqual(["line 1 ends mid-sentence: “It stays”", "line 2 goes on a sentence after a line break: “as it is.”"]);
    expect(wordingProblems("It stays\nAs it is.")).toEqual(["line 1 ends mid-sentence: “It stays”"]);
    expect(wordingProblems("Your tasks:\n• #1 every day\n/schedules lists them.")).toEqual([]);
    expect(wordingProblems("Spent $1.5 on 2.1 turns, 11 files, #2 change.")).toEqual([]);
  });
});
