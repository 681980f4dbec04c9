// The approvals unit: the agent's questions before it acts, asked on WhatsApp and answered from
// the phone. It owns the approvals rows and the conversations' modes and remembered rules; its
// one timer is the earliest open prompt's deadline, after which the prompt is denied. A decision
// is durable first and reaches the VM after (runs/vm-answers.ts): an eviction, a dropped stream or a VM
// restart loses nothing, and a run that is gone makes the answer "too late", said once.
// Over 400 lines, as one factory: asking, answering (typed, tapped, on the page), expiring and
// reminding all close a prompt through one `close` that the live pages hear once, and share the
// pictures and links prepared before a prompt is stored; apart, each would take the whole deps.
import type { Button, TapOutcome } from "../channels/channel";
import type { ApprovalRequestEvent, ApprovalsOption } from "../protocol/vm/approvals";
import {
  alwaysOffer,
  type AnswerTarget,
  type ApprovalAnswer,
  type ApprovalMode,
  approvalPrompt,
  ANSWER_WORDS,
  buttonPayload,
  describeEdit,
  editCommandOf,
  describeRequest,
  editApprovalPrompt,
  approvalQuestion,
} from "./approvals";
import type { QuestionsRepo } from "../questions/questions-repo";
import { EXIT_PLAN_TOOL } from "../protocol/vm/approvals";
import { PLAN_CHANGE_MESSAGE, PLAN_EXIT, planAnswerReply, planButtons, planCard, planOf, planQuestion, planTitle, type PlanChoice } from "./plan-card";
import { editSummary } from "./edit-preview";
import { spokenApproval } from "./spoken-approval";
import { outboxKeys } from "../outbox/outbox-keys";
import { eventPrefix, type RunEvent, runApprovals } from "../messages/event-guard";
import { planAnswer } from "./approval-targets";
import { nextReminder, type RemindedPrompt } from "./approval-reminders";
import { formatInZone } from "../schedules/schedule-format";
import {
  alreadyClosed,
  answerAck,
  approvalsDescription,
  approvalsLog,
  closedNumber,
  eventsOnlyReply,
  expiredNotice,
  firstLine,
  lateNotice,
  leftOpenNote,
  noSuchNumber,
  refusedLine,
  reminderText,
  otherConversationsReply,
  UNKNOWN_PROMPT,
  VM_DENY_MESSAGES,
  whichOne,
} from "./approvals-replies";
import type { UserWait } from "../runs/progress-update";
import type { Approval, ApprovalsRepo, ApprovalStatus } from "./approvals-repo";
import type { ConversationsRepo } from "../conversations/conversations-repo";
import type { OutboxMedia, OutboxRepo } from "../outbox/outbox-repo";
import type { Log } from "../shared/log";
import type { VmAnswer } from "../runs/vm-answers-repo";
import type { VmAnswers } from "../runs/vm-answers";

export type ApprovalsDeps = {
  repo: ApprovalsRepo;
  /** Where decisions wait for the VM to hear them. */
  answers: Pick<VmAnswers, "owe" | "runOver">;
  /** Names; and whether a conversation's next run plans first, which a plan's answer decides. */
  conversations: Pick<ConversationsRepo, "get" | "setPlanNext">;
  outbox: Pick<OutboxRepo, "add" | "storedMediaOf">;
  /** APPROVALS_DEFAULT and APPROVAL_TIMEOUT_MS. */
  defaultMode: ApprovalMode;
  timeoutMs: number;
  /** The events a run carries (messages-repo's eventsOfRun): none for the user's own runs. */
  eventsOfRun: (runId: string) => RunEvent[];
  /** Whether the user trusted this repository's events (`/github trust`). */
  trusted: (repo: string) => boolean;
  transaction: <T>(fn: () => T) => T;
  /** The most one message of the chat prompts go to holds (its channel's limit). */
  messageLimit: () => number;
  /** A fresh link to one run's private page (it lists the run's requests whole); null: links are not set up. */
  runPageLink?: (conversationId: number, runId: string) => Promise<string | null>;
  /**
   * A file edit's diff drawn as /diff draws it, stored for the outbox, where prompts go as a
   * picture (WhatsApp); null (or absent): the diff goes in the prompt as text (Telegram shows it as <pre>).
   */
  drawEdit?: (diff: string) => Promise<{ ok: true; media: OutboxMedia; linesHidden: number } | { ok: false; detail: string }> | null;
  /** A prompt closed, however (answered in the chat or on the page, stopped, expired, its run over): the pages watching it close it too. */
  closed?: (a: Approval, status: Exclude<ApprovalStatus, "pending">, now: number) => void;
  /** Where each prompt is asked as a question (its words and buttons), closed when it is decided. */
  questions: Pick<QuestionsRepo, "ask" | "close">;
  log: Log;
};

/** An edit's picture, drawn before the prompt is stored: sent just before it. */
type EditPicture = { media: OutboxMedia; linesHidden: number };

/**
 * What the user answered: typed (`yes 2`) or a tapped button (its prompt's own id). `here`: the
 * conversation a typed answer was written in; a bare answer or `all` is read against its prompts
 * only (absent: every open prompt's, as "which one?" across conversations lists them).
 */
export type AnswerInput = { via: "text"; answer: ApprovalAnswer; target: AnswerTarget; here?: number } | { via: "button"; answer: ApprovalAnswer; approvalId: number };

const LOG_ENTRIES = 10;
/** A prompt's number before it is stored is not known yet: as long as one can be, so a prompt that fits with it fits. */
const LONGEST_NUMBER = 999_999_999;
/** Links and pictures made for prompts not stored yet: a few at most (one per request being applied). */
const PREPARED_KEPT = 20;
/** The longest a prompt waits for its edit's picture: past it, the prompt goes with the diff as text. */
const EDIT_PICTURE_WAIT_MS = 10_000;

export function createApprovals(d: ApprovalsDeps) {
  const { repo } = d;
  const modeOf = (conversationId: number): ApprovalMode => repo.modeOf(conversationId) ?? d.defaultMode;
  const nameOf = (conversationId: number): string => d.conversations.get(conversationId)?.name ?? "a deleted conversation";
  const reminded = (a: Approval): RemindedPrompt => ({ id: a.id, askedAt: a.createdAt, expiresAt: a.expiresAt, reminders: a.reminders, remindedAt: a.remindedAt });
  /** The phone's next reminder of open prompts (approvals/approval-reminders.ts). */
  const reminderPlan = (now: number) => {
    const open = repo.pending();
    // No prompt open (most messages): the last reminder's time is not read (the webhook's 20 rows).
    return open.length === 0 ? { at: null, due: [] } : nextReminder(open.map(reminded), repo.lastReminderAt(), now);
  };

  /** Closes an open prompt in its row (false: it was closed already); every close goes through here, so the live pages hear each once. */
  const decide = (a: Approval, status: Exclude<ApprovalStatus, "pending">, answer: ApprovalAnswer | null, now: number): boolean => {
    if (!repo.decide(a.id, { status, answer, now })) return false;
    d.questions.close(a.tool === EXIT_PLAN_TOOL ? "plan" : "approval", String(a.id), now);
    d.closed?.(a, status, now);
    return true;
  };

  /** The VM hears a decision next (runs/vm-answers.ts), with why when nobody said yes. */
  const owe = (a: Approval, status: "allowed" | "denied" | "expired" | "stopped", answer: ApprovalAnswer | null, now: number, plan: { mode?: "default" | "acceptEdits"; message?: string } = {}): void => {
    const allowed = status === "allowed";
    const body = {
      requestId: a.requestId,
      decision: allowed ? ("allow" as const) : ("deny" as const),
      ...(allowed && answer === "always" && a.rule ? { remember: a.rule } : {}),
      ...(status === "expired" || status === "stopped" ? { message: VM_DENY_MESSAGES[status] } : {}),
      // A plan's answer: the mode the run goes on in, or what the agent is told to wait for.
      ...(allowed && plan.mode ? { mode: plan.mode } : {}),
      ...(!allowed && plan.message ? { message: plan.message } : {}),
    };
    d.answers.owe(a.vmRunId, a.requestId, { kind: "approval", body }, now);
  };

  /** Closes one open prompt as the user answered it; the VM hears it next. */
  const apply = (a: Approval, answer: ApprovalAnswer, now: number): boolean => {
    const allowed = answer !== "no";
    if (!decide(a, allowed ? "allowed" : "denied", answer, now)) return false;
    owe(a, allowed ? "allowed" : "denied", answer, now);
    // A plan answered yes (the page's buttons, a typed "yes 3"): gone ahead, so done planning.
    if (allowed && a.tool === EXIT_PLAN_TOOL) d.conversations.setPlanNext(a.conversationId, false);
    if (answer === "always" && a.rule) repo.addRule(a.conversationId, a.rule, now);
    return true;
  };

  /** The event a run was started by, as its replies name it (`[acme/api#12 issue]`); null for the user's own run. */
  const eventOf = (runId: string): string | null => eventPrefix(d.eventsOfRun(runId)).trim() || null;

  /** What the user is asked for a request, and the prompt, cut to fit one message (with `link` to the whole, when cut). */
  const compose = (run: { id: string; conversationId: number }, event: ApprovalRequestEvent, number: number, link: string | null, picture: EditPicture | null = null) => {
    if (event.tool === EXIT_PLAN_TOOL) {
      // A plan: the card, answered go ahead (asking or not) or change it, never "always".
      const plan = planOf(event.input);
      const prompt = planCard({ plan, conversation: nameOf(run.conversationId), prefix: eventPrefix(d.eventsOfRun(run.id)), maxChars: d.messageLimit(), link, timeoutMs: d.timeoutMs });
      return { description: `Plan: ${planTitle(plan)}\n${plan}`, always: { rule: null, why: "a plan is answered each time" } as const, prompt };
    }
    const command = editCommandOf(event.tool, event.input);
    const description = event.edit ? describeEdit(event.tool, event.edit, command) : describeRequest(event.tool, event.input, event.summary, event.projectDir);
    // A run of someone else's text asks every time: "always" would remember nothing (the VM refuses it too).
    const untrusted = runOption(run.conversationId, run.id)?.untrusted === true;
    const always = untrusted ? ({ rule: null, why: "this run was started by someone else's text, so it asks every time" } as const) : alwaysOffer(event.tool, event.input);
    const shared = { number, conversation: nameOf(run.conversationId), always, timeoutMs: d.timeoutMs, prefix: eventPrefix(d.eventsOfRun(run.id)), projectDir: event.projectDir, maxChars: d.messageLimit(), link };
    const prompt = event.edit ? editApprovalPrompt({ ...shared, tool: event.tool, edit: event.edit, picture, command }) : approvalPrompt({ ...shared, description });
    return { description, always, prompt };
  };

  /**
   * `options.approvals` for a run in this conversation: absent when its mode is off. A run of
   * an event the user did not trust asks before every action, whatever the mode (messages/event-guard.ts).
   */
  const runOption = (conversationId: number, runId: string): ApprovalsOption | undefined => {
    const mode = modeOf(conversationId);
    return runApprovals(mode === "off" ? undefined : { mode, timeoutMs: d.timeoutMs }, d.eventsOfRun(runId), d.trusted, d.timeoutMs);
  };

  /** Page links and edit pictures made (prepare) for requests about to be stored, by VM run and request id. */
  const prepared = new Map<string, { link: string | null; picture: EditPicture | null }>();
  const requestKey = (vmRunId: string, requestId: string) => `${vmRunId} ${requestId}`;

  /** The open prompts a typed answer is read against: for a number, every one (it names its prompt); else those of the conversation it was written in. */
  const inScope = (input: Extract<AnswerInput, { via: "text" }>): Approval[] => {
    const open = repo.pending();
    return input.target.kind === "number" || input.here === undefined ? open : open.filter((a) => a.conversationId === input.here);
  };

  /** "Which one?": never a guess; prompts of several conversations (runs side by side) are each named, and `all` is said to be `here`'s. */
  const whichText = (open: readonly Approval[], answer: ApprovalAnswer, here: number | null): string => {
    const several = new Set(open.map((a) => a.conversationId)).size > 1;
    const listed = several ? open.map((a) => `\n#${a.number} [${nameOf(a.conversationId)}] ${firstLine(a)}`).join("") : "";
    return whichOne(open.length, answer, open[0]?.number ?? 1, several && here !== null ? nameOf(here) : null) + listed;
  };

  const acknowledge = (answered: Approval[], answer: ApprovalAnswer): string => {
    const rules = answer === "always" ? [...new Set(answered.flatMap((a) => a.rule ?? []))] : [];
    const conversation = answered[0] ? nameOf(answered[0].conversationId) : "";
    return answerAck(answered, answer, { rules, conversation, someWithoutRule: answered.some((a) => !a.rule) });
  };

  return {
    modeOf,
    setMode: (conversationId: number, mode: ApprovalMode): void => repo.setMode(conversationId, mode),
    /** Forgets the remembered rules here; the VM removes them from the project's settings. */
    forgetRules: (conversationId: number): number => repo.clearRules(conversationId),

    runOption,
    /**
     * `options.approvals` for a plan run: the conversation's own, or `on` when its mode is off, so
     * the plan (the CLI's ExitPlanMode) is asked and never goes ahead unanswered.
     */
    planRunOption: (conversationId: number, runId: string): ApprovalsOption => runOption(conversationId, runId) ?? { mode: "on", timeoutMs: d.timeoutMs },

    hasPending: (): boolean => repo.pending().length > 0,
    /** The times this run waited for the user's answer (its progress updates count the agent's time only). */
    waitsOf: (runId: string): UserWait[] => repo.ofRun(runId).map((a) => ({ from: a.createdAt, to: a.status === "pending" ? null : (a.decidedAt ?? a.createdAt) })),

    /** This unit's timer: the earliest deadline of an open prompt, or the next reminder when sooner. */
    name: "approvals",
    nextDueAt: (now = 0): number | null => {
      const [expiry, reminder] = [repo.nextExpiry(), reminderPlan(now).at];
      return expiry === null ? reminder : reminder === null ? expiry : Math.min(expiry, reminder);
    },

    /**
     * Before an approval_request event is applied (outside its transaction): a request too long for
     * one message gets a link to its run's page, where it is shown whole, for request() to put in
     * the prompt. Asks nothing of a request already stored (a replay) or one that fits.
     */
    async prepare(run: { id: string; vmRunId: string; conversationId: number }, event: ApprovalRequestEvent): Promise<void> {
      if (repo.byRequest(run.vmRunId, event.requestId)) return;
      const picture = event.edit && d.drawEdit ? await drawPicture(d.drawEdit, event.edit.diff, run.id) : null;
      const needsLink = d.runPageLink && compose(run, event, LONGEST_NUMBER, null, picture).prompt.cut > 0;
      const link = needsLink ? await d.runPageLink!(run.conversationId, run.id).catch((e: unknown) => (d.log("approval_link_failed", { runId: run.id, detail: String(e) }), null)) : null;
      if (!link && !picture) return;
      for (const key of prepared.keys()) if (prepared.size >= PREPARED_KEPT) prepared.delete(key);
      prepared.set(requestKey(run.vmRunId, event.requestId), { link, picture });
    },

    /**
     * An approval_request event (inside its transaction): stored once, and the prompt sent once;
     * `spoken` (the conversation's replies are heard, as run-effects decides for the reply) adds
     * its words as a voice note after the prompt's text.
     */
    request(run: { id: string; vmRunId: string; conversationId: number }, event: ApprovalRequestEvent, now: number, spoken = false): void {
      const { description, always } = compose(run, event, LONGEST_NUMBER, null);
      const stored = repo.insert({
        runId: run.id,
        vmRunId: run.vmRunId,
        requestId: event.requestId,
        conversationId: run.conversationId,
        tool: event.tool,
        description,
        rule: always.rule,
        expiresAt: now + d.timeoutMs,
        now,
      });
      if (!stored) return;
      const key = requestKey(run.vmRunId, event.requestId);
      const made = prepared.get(key);
      const { body, cut } = compose(run, event, stored.number, made?.link ?? null, made?.picture ?? null).prompt;
      prepared.delete(key);
      // The edit's picture just before its prompt, which names the file and what the edit does.
      if (made?.picture && event.edit) d.outbox.add({ dedupeKey: outboxKeys.approvalPicture(stored.id), body: editSummary(event.edit), media: made.picture.media, now });
      const isPlan = event.tool === EXIT_PLAN_TOOL;
      // No "Always" button where it would save nothing.
      const buttons = isPlan ? planButtons(stored.id) : (always.rule === null ? (["yes", "no"] as const) : (["yes", "no", "always"] as const)).map((answer) => ({ title: ANSWER_WORDS[answer], id: buttonPayload(stored.id, answer) }));
      d.outbox.add({ dedupeKey: outboxKeys.approvalPrompt(stored.id), body, buttons, now });
      if (spoken) {
        const speak = { text: spokenApproval(event, stored.number), conversationId: run.conversationId };
        d.outbox.add({ dedupeKey: outboxKeys.approvalVoice(stored.id), body: "", media: { source: { vmRunId: "", fileId: "", name: "approval.ogg", contentType: "audio/ogg", size: 0 }, speak }, now });
      }
      d.questions.ask(isPlan ? planQuestion(stored) : approvalQuestion(stored), now);
      d.log("approval_asked", { approvalId: stored.id, runId: run.id, tool: event.tool, number: stored.number, ...(cut > 0 ? { cut } : {}) });
    },

    /**
     * The buttons under "which one?": a typed yes/no/always with several prompts open gets one
     * button per prompt (the first three: WhatsApp's quick replies), each answering that prompt
     * only, as its own button would. None otherwise.
     */
    choices(input: AnswerInput): Button[] | null {
      if (input.via !== "text" || input.target.kind !== "only") return null;
      const open = inScope(input);
      if (open.length < 2) return null;
      const several = new Set(open.map((a) => a.conversationId)).size > 1;
      return open.slice(0, 3).map((a) => ({ title: `${ANSWER_WORDS[input.answer]} #${a.number}${several ? ` ${nameOf(a.conversationId)}` : ""}`.slice(0, 20), id: buttonPayload(a.id, input.answer) }));
    },

    /** "Which one?" over every open prompt, for a bare answer written in `here` that prompts of several conversations could take; nothing answered. */
    which: (answer: ApprovalAnswer, here: number): string => whichText(repo.pending(), answer, here),

    /** A bare answer written in `here` with only other conversations' prompts open: nothing answered, each named with how to answer it. */
    otherConversations(answer: ApprovalAnswer, approvalIds: readonly number[], here: number | null): string {
      const prompts = approvalIds.flatMap((id) => repo.get(id) ?? []).map((a) => ({ ...a, conversation: nameOf(a.conversationId), event: eventOf(a.runId) }));
      // Requests of runs an event started take their number wherever they are: said as such.
      if (prompts.length > 0 && prompts.every((a) => a.event !== null)) return eventsOnlyReply(prompts, answer);
      return otherConversationsReply(prompts, answer, here === null ? null : nameOf(here));
    },

    /** How a prompt is named beside another question: `#3 [side] Write side.txt`; null when it is not open. */
    label(approvalId: number): string | null {
      const a = repo.get(approvalId);
      return a && a.status === "pending" ? `#${a.number} [${nameOf(a.conversationId)}] ${firstLine(a)}` : null;
    },

    /** Whether a tap on a prompt's button can still answer it: a chat app that acknowledges taps says so. */
    tapOutcome(approvalId: number): TapOutcome {
      const a = repo.get(approvalId);
      return !a ? "unknown" : a.status === "pending" ? "taken" : "expired";
    },

    /**
     * The user's answer (inside the message's transaction): closes the prompts it names and says
     * what it did, in one line. Anything it cannot apply changes nothing and says why.
     */
    answer(input: AnswerInput, now: number): string {
      if (input.via === "button") {
        const a = repo.get(input.approvalId);
        if (!a) return UNKNOWN_PROMPT;
        if (a.status !== "pending") return alreadyClosed(a);
        apply(a, input.answer, now);
        return acknowledge([a], input.answer);
      }
      const open = inScope(input).map((a) => ({ ...a, event: eventOf(a.runId) }));
      const plan = planAnswer(open, input.target, (n) => {
        const a = repo.byNumber(n);
        return a ? { ...a, event: eventOf(a.runId) } : null;
      });
      switch (plan.kind) {
        case "closed":
          return closedNumber(plan.prompt, open.map((a) => a.number));
        case "unknown_number":
          return noSuchNumber(plan.number, open.map((a) => a.number));
        case "events_only":
          return eventsOnlyReply(plan.leftOpen, input.answer);
        case "which":
          return whichText(open, input.answer, input.here ?? null);
        case "answer": {
          const applied = plan.answer.filter((a) => apply(a, input.answer, now));
          // `all` read in one conversation: the event prompts of the others are left open too, and said so.
          const elsewhere = input.target.kind === "all" ? repo.pending().filter((a) => !open.some((o) => o.id === a.id)).map((a) => ({ ...a, event: eventOf(a.runId) })).filter((a) => a.event !== null) : [];
          const leftOpen = [...plan.leftOpen, ...elsewhere];
          d.log("approval_answered", { approvals: applied.map((a) => a.id), answer: input.answer, via: input.via, ...(leftOpen.length > 0 ? { leftOpen: leftOpen.map((a) => a.id) } : {}) });
          return acknowledge(applied, input.answer) + leftOpenNote(leftOpen, input.answer);
        }
      }
    },

    /**
     * The user's answer to a plan (inside the message's transaction): go ahead in the mode chosen
     * (the conversation plans no more until /plan asks again), or decline it so the agent waits for
     * the change, which the next message brings and which is planned again. Null: no such open plan.
     */
    answerPlan(approvalId: number, choice: PlanChoice, now: number): { text: string; conversationId: number } | null {
      const a = repo.get(approvalId);
      if (!a || a.tool !== EXIT_PLAN_TOOL || a.status !== "pending") return null;
      const allowed = choice !== "change";
      if (!decide(a, allowed ? "allowed" : "denied", allowed ? "yes" : "no", now)) return null;
      owe(a, allowed ? "allowed" : "denied", allowed ? "yes" : "no", now, choice === "change" ? { message: PLAN_CHANGE_MESSAGE } : { mode: PLAN_EXIT[choice] });
      // Planned once more only when the user asked for a change; a plan gone ahead is done planning.
      d.conversations.setPlanNext(a.conversationId, choice === "change");
      d.log("plan_answered", { approvalId: a.id, choice });
      return { text: planAnswerReply(choice, nameOf(a.conversationId)), conversationId: a.conversationId };
    },

    /**
     * Denies the prompts nobody answered in time (the user is told once per prompt), then reminds
     * of those still open whose reminder is due, in one message.
     */
    runDue(now: number): number {
      return expire(now) + remind(now);
    },

    /** /stop: the open prompts of these runs (every one: none given) are denied (inside the command's transaction); returns how many. */
    stopAll(now: number, runIds?: readonly string[] | null): number {
      const of = runIds ? new Set(runIds) : null;
      return repo
        .pending()
        .filter((a) => (of === null || of.has(a.runId)) && decide(a, "stopped", null, now) && (owe(a, "stopped", null, now), true)).length;
    },

    /**
     * A VM run ended or was replaced (inside that change's transaction): its open prompts close
     * (the VM denied them as the run ended), and a user's answer it never heard is "too late".
     */
    vmRunOver(vmRunId: string, now: number): void {
      for (const a of repo.pendingOfVmRun(vmRunId)) decide(a, "ended", null, now);
      this.heardLate(d.answers.runOver(vmRunId), now);
    },

    /** Decisions the VM said it no longer waited for (runs/vm-answers.ts): a person's answer is told it came too late. */
    heardLate(late: readonly VmAnswer[], now: number): void {
      for (const answer of late) {
        const a = answer.kind === "approval" ? repo.byRequest(answer.vmRunId, answer.askId) : null;
        if (a) tooLate(a, now);
      }
    },

    /** "Not approved during this task: …" for a task's result; empty when all went ahead. */
    refusedLine: (runId: string): string => refusedLine(repo.refusedInRun(runId)),

    /** /approvals: the mode and what "always" remembered, for one conversation. */
    describe: (conversationId: number): string => approvalsDescription(nameOf(conversationId), modeOf(conversationId), repo.rules(conversationId)),

    /** The picture of an edit's prompt, as stored for the outbox (R2); null: the prompt had none (Telegram, a command, a picture that failed). */
    pictureOf: (approvalId: number) => d.outbox.storedMediaOf(outboxKeys.approvalPicture(approvalId)),

    /** /approvals log: the last decisions, newest first, in the user's zone. */
    logText: (zone: string): string => approvalsLog(repo.recent(LOG_ENTRIES).map((a) => ({ ...a, conversation: nameOf(a.conversationId), when: formatInZone(a.decidedAt ?? a.createdAt, zone) }))),
  };

  /** The edit's picture, or null (the prompt then carries the diff as text) when it fails or takes too long; the log says why. */
  async function drawPicture(draw: NonNullable<ApprovalsDeps["drawEdit"]>, diff: string, runId: string): Promise<EditPicture | null> {
    const drawing = draw(diff);
    if (!drawing) return null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<{ ok: false; detail: string }>((resolve) => (timer = setTimeout(() => resolve({ ok: false, detail: `not drawn in ${EDIT_PICTURE_WAIT_MS} ms` }), EDIT_PICTURE_WAIT_MS)));
    const drawn = await Promise.race([drawing.catch((e: unknown) => ({ ok: false as const, detail: String(e) })), late]);
    if (timer !== undefined) clearTimeout(timer);
    if (drawn.ok) return { media: drawn.media, linesHidden: drawn.linesHidden };
    d.log("approval_picture_failed", { runId, detail: drawn.detail });
    return null;
  }

  /** Denies the prompts nobody answered in time: the user is told once per prompt. */
  function expire(now: number): number {
    // Asked on every step of the pump: the remembered earliest deadline answers most of them.
    const next = repo.nextExpiry();
    if (next === null || next > now) return 0;
    const due = repo.expired(now);
    for (const a of due) {
      d.transaction(() => {
        if (!decide(a, "expired", null, now)) return;
        owe(a, "expired", null, now);
        d.outbox.add({ dedupeKey: outboxKeys.approvalExpired(a.id), body: expiredNotice(a, d.timeoutMs), now });
      });
    }
    if (due.length > 0) d.log("approvals_expired", { approvals: due.map((a) => a.id) });
    return due.length;
  }

  /** One reminder naming every open prompt whose reminder is due, never two close together (approvals/approval-reminders.ts). */
  function remind(now: number): number {
    const { due } = reminderPlan(now);
    if (due.length === 0) return 0;
    const ids = new Set(due);
    const prompts = repo.pending().filter((a) => ids.has(a.id));
    d.transaction(() => {
      repo.markReminded(due, now);
      const body = reminderText(prompts.map((a) => ({ ...a, conversation: nameOf(a.conversationId), askedAt: a.createdAt })), now);
      d.outbox.add({ dedupeKey: outboxKeys.approvalReminder(due[0]!, prompts[0]!.reminders + 1), body, now });
    });
    d.log("approval_reminded", { approvals: due });
    return 1;
  }

  function tooLate(a: Approval, now: number): void {
    // Only a person's answer needs saying; a timeout or a stop denied it anyway.
    if (a.answer === null) return;
    d.outbox.add({ dedupeKey: outboxKeys.approvalLate(a.id), body: lateNotice(a), now });
  }
}

export type Approvals = ReturnType<typeof createApprovals>;

