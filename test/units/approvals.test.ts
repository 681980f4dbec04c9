// The approvals unit over a real SQLite: a prompt stored and sent once, answers typed or tapped,
// the deadline (its timer) denying what nobody answered, /stop, and decisions delivered to a
// local stand-in of the VM's approval route (202 waits for it, 404 came too late).
import { describe, expect, it } from "vitest";
import { createVmClient } from "../../src/machines/vm-client";
import { createApprovals } from "../../src/approvals/approvals-unit";
import { createVmAnswers } from "../../src/runs/vm-answers";
import { ApprovalAnswerRequestSchema } from "../../src/protocol/vm/approvals";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { useLocalVm } from "./helpers/local-vm";
import { noLog, T0, useUnitDb } from "./helpers/unit-db";
import type { RunEvent } from "../../src/messages/event-guard";

const TIMEOUT_MS = 600_000;
const t = useUnitDb();
const answersOf = () => createVmAnswers({ repo: t.repos.vmAnswers, transaction: t.sql.transaction });
/** `events`: what the run under test carries (none: the user's own); `trusted`: the repositories /github trust named. */
const unit = (answers = answersOf(), events: RunEvent[] = [], trusted: string[] = []) =>
  createApprovals({ repo: t.repos.approvals, questions: t.repos.questions, answers, conversations: t.repos.conversations, outbox: t.repos.outbox, defaultMode: "edits", timeoutMs: TIMEOUT_MS, eventsOfRun: () => events, trusted: (r) => trusted.includes(r), transaction: t.sql.transaction, messageLimit: () => 1600, log: noLog });
const run = { id: "run-1", vmRunId: "run-1-1", conversationId: 1 };
const ask = (approvals: ReturnType<typeof unit>, requestId: string, command: string, now = T0) =>
  approvals.request(run, { seq: 1, type: "approval_request", requestId, tool: "Bash", input: { command } }, now);
const rows = () => t.rows<{ id: number; number: number; status: string; answer: string | null; delivery: string; rule: string | null }>(`SELECT a.id, a.number, a.status, a.answer, coalesce(v.delivery, 'none') AS delivery, a.rule FROM approvals a
    LEFT JOIN vm_answers v ON v.kind = 'approval' AND v.vm_run_id = a.vm_run_id AND v.ask_id = a.request_id ORDER BY a.id`);
const told = () => t.rows<{ dedupe_key: string; body: string; buttons: string | null }>("SELECT dedupe_key, body, buttons FROM outbox ORDER BY id");

// The VM's POST /v1/runs/:id/approval: 202 for a request it waits for, 404 unknown_approval otherwise.
const waiting = new Set<string>();
const received: { path: string; body: unknown }[] = [];
const vm = useLocalVm(({ path, authorization, body }) => {
  const parsed = ApprovalAnswerRequestSchema.parse(body);
  received.push({ path, body: parsed });
  const known = authorization === "Bearer vm-token" && waiting.delete(parsed.requestId);
  return known ? { status: 202, body: { accepted: true } } : { status: 404, body: { error: "unknown_approval" } };
});

describe("request", () => {
  it("stores a question once and sends its prompt with buttons once; parallel ones are numbered", () => {
    const approvals = unit();
    ask(approvals, "r1", "npm test");
    ask(approvals, "r1", "npm test");
    ask(approvals, "r2", "npm run build");
    expect(rows().map((r) => [r.number, r.status, r.rule])).toEqual([
      [1, "pending", "Bash(npm test:*)"],
      [2, "pending", "Bash(npm run:*)"],
    ]);
    const [first, second] = told();
    expect(told()).toHaveLength(2);
    expect(first!.body).toContain("npm test");
    expect(JSON.parse(first!.buttons!).map((b: { title: string }) => b.title)).toEqual(["Yes", "No", "Always"]);
    expect(second!.body).toContain("yes 2");
    expect(approvals.hasPending()).toBe(true);
  });
});

describe("answer", () => {
  const cases = [
    { input: { via: "text", answer: "yes", target: { kind: "only" } }, reply: /^2 approvals are open: answer one \(yes 1\) or all \(yes all\)\.$/, statuses: ["pending", "pending"] },
    { input: { via: "text", answer: "yes", target: { kind: "number", number: 2 } }, reply: /^✅ Allowed: Run a command: npm run build\.$/, statuses: ["pending", "allowed"] },
    { input: { via: "text", answer: "no", target: { kind: "number", number: 9 } }, reply: /^No open approval #9\. Open: #1, #2\.$/, statuses: ["pending", "pending"] },
    { input: { via: "text", answer: "no", target: { kind: "all" } }, reply: /^🚫 Denied: 2 requests \(#1, #2\)\./, statuses: ["denied", "denied"] },
    { input: { via: "text", answer: "always", target: { kind: "number", number: 1 } }, reply: /does not ask for Bash\(npm test:\*\)/, statuses: ["allowed", "pending"] },
    { input: { via: "button", answer: "no", approvalId: 1 }, reply: /^🚫 Denied: Run a command: npm test\./, statuses: ["denied", "pending"] },
    { input: { via: "button", answer: "yes", approvalId: 99 }, reply: /^That approval request is not known here\.$/, statuses: ["pending", "pending"] },
  ] as const;
  it.each(cases)("$input.via $input.answer → $reply", ({ input, reply, statuses }) => {
    const approvals = unit();
    ask(approvals, "r1", "npm test");
    ask(approvals, "r2", "npm run build");
    expect(approvals.answer(input, T0 + 1)).toMatch(reply);
    expect(rows().map((r) => r.status)).toEqual(statuses);
    // What was decided waits for the VM; what is still open is not due to it.
    expect(rows().map((r) => r.delivery)).toEqual(statuses.map((s) => (s === "pending" ? "none" : "due")));
  });

  it("a second answer to a closed prompt changes nothing and says so; always remembers the rule", () => {
    const approvals = unit();
    ask(approvals, "r1", "npm test");
    approvals.answer({ via: "button", answer: "always", approvalId: 1 }, T0);
    expect(approvals.answer({ via: "button", answer: "no", approvalId: 1 }, T0)).toBe("That request was already allowed always; nothing changed.");
    expect(t.repos.approvals.rules(1)).toEqual(["Bash(npm test:*)"]);
  });

  it("offers no always for a command that runs whatever follows it: the prompt says why, and always allows it once", () => {
    const approvals = unit();
    ask(approvals, "r1", "node -p process.version");
    const [prompt] = told();
    expect(prompt!.body).toContain('Reply yes 1 or no 1 ("always" is not offered: node runs whatever follows it, so a rule would allow any command).');
    expect(JSON.parse(prompt!.buttons!).map((b: { title: string }) => b.title)).toEqual(["Yes", "No"]);
    expect(approvals.answer({ via: "text", answer: "always", target: { kind: "only" } }, T0)).toBe("✅ Allowed: Run a command: node -p process.version. (no rule can say this one, so it was allowed once)");
    expect(rows().map((r) => [r.status, r.rule])).toEqual([["allowed", null]]);
    expect(t.repos.approvals.rules(1)).toEqual([]);
    // A different node command asks again: nothing was remembered.
    ask(approvals, "r2", "node -e 1");
    expect(rows().map((r) => r.status)).toEqual(["allowed", "pending"]);
  });
});

describe("a run an event started", () => {
  const issue: RunEvent = { label: "acme/api#7 issue", repo: "acme/api" };

  it("asks every time whatever the mode: no always, the prompt names the event, and an always answer remembers nothing", () => {
    const approvals = unit(answersOf(), [issue]);
    expect(approvals.runOption(1, run.id)).toEqual({ mode: "on", timeoutMs: TIMEOUT_MS, untrusted: true });
    t.repos.approvals.setMode(1, "off");
    expect(approvals.runOption(1, run.id)).toEqual({ mode: "on", timeoutMs: TIMEOUT_MS, untrusted: true });
    ask(approvals, "r1", "npm test");
    const [prompt] = told();
    expect(prompt!.body.startsWith("[acme/api#7 issue] 🔐 Approval #1 in main: the agent wants to run a command:\nnpm test\n")).toBe(true);
    expect(JSON.parse(prompt!.buttons!).map((b: { title: string }) => b.title)).toEqual(["Yes", "No"]);
    // Answered by its number (a bare answer never reaches a run an event started).
    approvals.answer({ via: "text", answer: "always", target: { kind: "number", number: 1 } }, T0);
    expect(rows().map((r) => [r.status, r.rule])).toEqual([["allowed", null]]);
    expect(t.repos.approvals.rules(1)).toEqual([]);
    const owed = t.rows<{ body: string }>("SELECT body FROM vm_answers");
    expect(owed.map((o) => JSON.parse(o.body) as { decision: string; remember?: string }).map((o) => [o.decision, o.remember])).toEqual([["allow", undefined]]);
  });

  it("a trusted repository's run keeps the conversation's mode, and its always", () => {
    const approvals = unit(answersOf(), [issue], ["acme/api"]);
    expect(approvals.runOption(1, run.id)).toEqual({ mode: "edits", timeoutMs: TIMEOUT_MS });
    ask(approvals, "r1", "npm test");
    expect(JSON.parse(told()[0]!.buttons!).map((b: { title: string }) => b.title)).toEqual(["Yes", "No", "Always"]);
  });
});

describe("answers reach the run they were meant for", () => {
  it("numbers a user's prompts once for good: not again after they close, nor after old rows are pruned", () => {
    const approvals = unit();
    ask(approvals, "r1", "npm test");
    approvals.answer({ via: "text", answer: "yes", target: { kind: "only" } }, T0);
    ask(approvals, "r2", "make");
    approvals.runDue(T0 + TIMEOUT_MS);
    t.repos.approvals.pruneBefore(T0 + 1);
    ask(approvals, "r3", "ls", T0 + TIMEOUT_MS);
    expect(t.rows<{ number: number }>("SELECT number FROM approvals ORDER BY id").map((r) => r.number)).toEqual([3]);
    expect(told().filter((m) => m.dedupe_key.startsWith("approval:")).map((m) => /#(\d+)/.exec(m.body)?.[1])).toEqual(["1", "2", "3"]);
  });

  it("a late yes 2 after #2 timed out says so and answers nothing, though #3 is open", () => {
    const approvals = unit();
    ask(approvals, "r1", "npm test");
    ask(approvals, "r2", "make deploy");
    approvals.answer({ via: "text", answer: "no", target: { kind: "number", number: 1 } }, T0);
    approvals.runDue(T0 + TIMEOUT_MS);
    ask(approvals, "r3", "rm -rf /srv", T0 + TIMEOUT_MS);
    expect(approvals.answer({ via: "text", answer: "yes", target: { kind: "number", number: 2 } }, T0 + TIMEOUT_MS)).toBe(
      "#2 was already closed (not answered in time), so this answer changed nothing. Still open: #3.",
    );
    expect(approvals.answer({ via: "text", answer: "yes", target: { kind: "number", number: 1 } }, T0 + TIMEOUT_MS)).toBe("#1 was already answered (denied), so this answer changed nothing. Still open: #3.");
    expect(rows().map((r) => r.status)).toEqual(["denied", "expired", "pending"]);
  });

  it("yes all leaves a prompt of a run an event started open, and says so; its number answers it", () => {
    const byRun: Record<string, RunEvent[]> = { "run-ev": [{ label: "trigger deploy", repo: null }] };
    const approvals = createApprovals({ repo: t.repos.approvals, questions: t.repos.questions, answers: answersOf(), conversations: t.repos.conversations, outbox: t.repos.outbox, defaultMode: "edits", timeoutMs: TIMEOUT_MS, eventsOfRun: (id) => byRun[id] ?? [], trusted: () => false, transaction: t.sql.transaction, messageLimit: () => 1600, log: noLog });
    approvals.request(run, { seq: 1, type: "approval_request", requestId: "r1", tool: "Bash", input: { command: "npm test" } }, T0);
    approvals.request({ id: "run-ev", vmRunId: "run-ev-1", conversationId: 1 }, { seq: 1, type: "approval_request", requestId: "r2", tool: "Bash", input: { command: "./deploy.sh" } }, T0);
    expect(approvals.answer({ via: "text", answer: "yes", target: { kind: "all" } }, T0)).toBe(
      "✅ Allowed: Run a command: npm test. Left open: #2 [trigger deploy], started by an event, not by you: answer it by its number (yes 2) or its button.",
    );
    expect(rows().map((r) => r.status)).toEqual(["allowed", "pending"]);
    expect(approvals.answer({ via: "text", answer: "yes", target: { kind: "all" } }, T0)).toMatch(/^Nothing answered: #2 \[trigger deploy\] is a request of a run started by an event/);
    expect(approvals.answer({ via: "text", answer: "yes", target: { kind: "only" } }, T0)).toMatch(/^Nothing answered: #2/);
    expect(rows().map((r) => r.status)).toEqual(["allowed", "pending"]);
    expect(approvals.answer({ via: "text", answer: "no", target: { kind: "number", number: 2 } }, T0)).toBe("🚫 Denied: Run a command: ./deploy.sh. The agent is told it was not done.");
  });

  it("a command too long for one message is cut with the count and the run page's link, and kept whole", async () => {
    const command = `echo ${"z".repeat(1995)}`;
    const links: string[] = [];
    const approvals = createApprovals({ repo: t.repos.approvals, questions: t.repos.questions, answers: answersOf(), conversations: t.repos.conversations, outbox: t.repos.outbox, defaultMode: "edits", timeoutMs: TIMEOUT_MS, eventsOfRun: () => [], trusted: () => false, transaction: t.sql.transaction, messageLimit: () => 1600, runPageLink: async (c, r) => (links.push(`${c} ${r}`), `https://relay.test/web/tok/runs/${r}`), log: noLog });
    const event = { seq: 1, type: "approval_request", requestId: "r1", tool: "Bash", input: { command } } as const;
    // A short one needs no link.
    await approvals.prepare(run, { ...event, requestId: "r0", input: { command: "ls" } });
    expect(links).toEqual([]);
    await approvals.prepare(run, event);
    approvals.request(run, event, T0);
    const [prompt] = told();
    expect(prompt!.body.length).toBeLessThanOrEqual(1600);
    expect(prompt!.body).toMatch(/\n… \d{3} more characters not shown: https:\/\/relay\.test\/web\/tok\/runs\/run-1\nReply yes 1/);
    expect(links).toEqual(["1 run-1"]);
    expect(t.rows<{ description: string }>("SELECT description FROM approvals")[0]!.description).toBe(`Run a command:\n${command}`);
    // A replayed event asks for no second link.
    await approvals.prepare(run, event);
    expect(links).toHaveLength(1);
  });
});

describe("nextDueAt and runDue (expiry)", () => {
  it("is the earliest open deadline; past it the prompt is denied and the user told once", () => {
    const approvals = unit();
    expect(approvals.nextDueAt()).toBeNull();
    ask(approvals, "r1", "rm -rf dist", T0);
    ask(approvals, "r2", "make", T0 + 1_000);
    // Its first reminder comes before the deadline (the reminders' own tests are below): one, naming both.
    expect(approvals.nextDueAt()).toBe(T0 + 3 * 60_000);
    expect(approvals.runDue(T0 + TIMEOUT_MS - 1)).toBe(1);
    expect(rows().map((r) => r.status)).toEqual(["pending", "pending"]);
    expect(approvals.runDue(T0 + TIMEOUT_MS)).toBe(1);
    expect(approvals.runDue(T0 + TIMEOUT_MS)).toBe(0);
    expect(rows().map((r) => [r.status, r.delivery])).toEqual([["expired", "due"], ["pending", "none"]]);
    expect(told().filter((m) => m.dedupe_key.startsWith("approval-expired:")).map((m) => m.body)).toEqual([expect.stringMatching(/^⌛ Not approved in time \(10 min\).*rm -rf dist/)]);
    expect(approvals.nextDueAt()).toBe(T0 + 1_000 + TIMEOUT_MS);
  });

  // The stop's decision never reached the run that ended: marked late, but nobody answered it, so nothing is said.
  it("/stop denies every open prompt; a run that ends withdraws its own", () => {
    const approvals = unit();
    ask(approvals, "r1", "terraform apply");
    expect(approvals.stopAll(T0)).toBe(1);
    ask(approvals, "r2", "ls");
    approvals.vmRunOver(run.vmRunId, T0);
    expect(rows().map((r) => [r.status, r.delivery])).toEqual([["stopped", "late"], ["ended", "none"]]);
    expect(approvals.nextDueAt()).toBeNull();
    expect(told().filter((m) => m.dedupe_key.startsWith("approval-late:"))).toEqual([]);
  });
});

describe("delivery through the VM run's owed answers", () => {
  it("sends each decision once: one the VM waits for is done, one it forgot came too late (said once)", async () => {
    const answers = answersOf();
    const approvals = unit(answers);
    ask(approvals, "r1", "npm test");
    ask(approvals, "r2", "make deploy");
    approvals.answer({ via: "text", answer: "always", target: { kind: "number", number: 1 } }, T0);
    approvals.answer({ via: "text", answer: "yes", target: { kind: "number", number: 2 } }, T0);
    waiting.add("r1");
    const client = createVmClient({ vmUrl: vm.url, vmToken: "vm-token" });
    approvals.heardLate(await answers.deliver(run.vmRunId, client), T0);
    approvals.heardLate(await answers.deliver(run.vmRunId, client), T0);
    expect(received).toEqual([
      { path: VM_ROUTES.approval(run.vmRunId), body: { requestId: "r1", decision: "allow", remember: "Bash(npm test:*)" } },
      { path: VM_ROUTES.approval(run.vmRunId), body: { requestId: "r2", decision: "allow" } },
    ]);
    expect(rows().map((r) => r.delivery)).toEqual(["done", "late"]);
    expect(told().filter((m) => m.dedupe_key.startsWith("approval-late:")).map((m) => m.body)).toEqual([
      "Your answer to “Run a command: make deploy” came too late: the agent had stopped waiting for it, so it was not done.",
    ]);
  });
});

describe("reminders (the unit's own timer)", () => {
  const MIN = 60_000;
  const reminders = () => told().filter((m) => m.dedupe_key.startsWith("approval-reminder:"));
  /** The unit as the object runs it: whatever is due at `now`, the alarm's next time after. */
  const tick = (approvals: ReturnType<typeof unit>, now: number) => (approvals.runDue(now), approvals.nextDueAt(now));

  it("comes at 3 and 9 min, never twice within minutes however often the alarm runs, then the denial", () => {
    const approvals = unit();
    ask(approvals, "r1", "npm test");
    expect(approvals.nextDueAt(T0)).toBe(T0 + 3 * MIN);
    for (const at of [1, 2, 2.9]) tick(approvals, T0 + at * MIN);
    expect(reminders()).toEqual([]);
    // The issue's case: the alarm ran three times within a minute; one reminder went.
    for (const at of [3, 3.2, 3.5, 3.9]) tick(approvals, T0 + at * MIN);
    expect(reminders().map((m) => m.body)).toEqual(["⏳ Approval #1 in main still waits for your answer (asked 3 min ago): Run a command: npm test. Reply yes 1 or no 1; denied in 7 min if not answered. The agent does nothing until then."]);
    expect(approvals.nextDueAt(T0 + 4 * MIN)).toBe(T0 + 9 * MIN);
    for (const at of [5, 8.9]) tick(approvals, T0 + at * MIN);
    expect(reminders()).toHaveLength(1);
    // The second, a minute before the denial; no third (the denial is told then).
    expect(tick(approvals, T0 + 9 * MIN)).toBe(T0 + TIMEOUT_MS);
    expect(reminders()).toHaveLength(2);
    tick(approvals, T0 + TIMEOUT_MS);
    expect(reminders()).toHaveLength(2);
    expect(told().at(-1)!.body).toMatch(/^⌛ Not approved in time/);
    expect(approvals.nextDueAt(T0 + TIMEOUT_MS)).toBeNull();
  });

  it("prompts due together go in one reminder; an answered prompt is reminded of no more", () => {
    const approvals = unit();
    ask(approvals, "r1", "npm test");
    ask(approvals, "r2", "npm run build", T0 + 0.5 * MIN);
    tick(approvals, T0 + 4 * MIN);
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0]!.body).toMatch(/^⏳ 2 approvals still wait for your answer; the agent does nothing until then:\n#1 in main \(asked 4 min ago, denied in 6 min if not answered\): Run a command: npm test\n#2 in main/);
    approvals.answer({ via: "text", answer: "yes", target: { kind: "all" } }, T0 + 5 * MIN);
    expect(approvals.nextDueAt(T0 + 5 * MIN)).toBeNull();
    tick(approvals, T0 + 9.5 * MIN);
    expect(reminders()).toHaveLength(1);
  });
});
