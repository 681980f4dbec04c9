// Every question the relay asks in a chat, as one kind of row: which capability asked it (kind,
// ref), which conversation it is about, the typed words and the buttons that answer it, and until
// when. One pure function reads a message against them (matchQuestion); the capability that asked
// then gets the answer, as the value its own row gave that word or button
// (agent/question-answers.ts). Pure.

/** Every kind of question; a typed answer with a number (`yes 12`) goes to the first kind that takes it. */
export const QUESTION_KINDS = ["github_fix", "approval", "plan", "undo", "ship", "review_file", "handoff_away", "handoff_conflict"] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export type Question = {
  id: number;
  kind: QuestionKind;
  /** The asking capability's own key for it (an approval's id, a GitHub delivery, a conversation's id). */
  ref: string;
  conversationId: number | null;
  /**
   * Typed answers, as normalizeTyped leaves them, each to the value its capability reads. A key
   * ending in `<n>` takes any number there (`yes <n>` reads `yes 12`), and its value gets the number
   * in place of its own `<n>`.
   */
  words: Readonly<Record<string, string>>;
  /** Button payloads, each to its value: still read once the question closed, so a late tap names it. */
  buttons: Readonly<Record<string, string>>;
  /** Closed by the next message that does not answer it (/undo's, /ship's, "which file?"). */
  nextMessageOnly: boolean;
  /** Void once a run of its conversation is live or started after it was asked (/undo's, /ship's). */
  untilRun: boolean;
  askedAt: number;
  /**
   * What an answer acts on, as JSON its capability writes and parses (the change /undo would take
   * back, the preview /ship would push, the comment "which file?" holds): kept on the question, so
   * that whether it is open and what it is are one row. Null for a question that needs none.
   */
  detail: string | null;
  /** After it, its words answer nothing (its buttons still reach its capability). */
  expiresAt: number | null;
  closedAt: number | null;
};

/** What a capability asks: the row but for what the table gives it. */
export type NewQuestion = Omit<Question, "id" | "closedAt">;

/** `conversationId`: the conversation the message is written in (the current one), where a bare answer is read. */
export type QuestionMessage = { body: string; buttonPayload?: string | null | undefined; hasMedia: boolean; conversationId: number | null };

/** Whether a run voids an untilRun question: live now, or the conversation's newest run's start. */
export type RunFacts = { runOpen: boolean; lastRunStartedAt: number | null };

export type QuestionMatch =
  /** `open`: false for a tap on a closed, expired or voided question's button (its capability says what that means). */
  | { kind: "answer"; question: Question; via: "button" | "word"; value: string; open: boolean }
  /** A payload no question holds: `of`, the kind of question its prefix names (null: not a button of ours). */
  | { kind: "unknown_button"; payload: string; of: QuestionKind | null }
  /** A bare answer several questions could take (newest first): the relay asks which, and acts on none. */
  | { kind: "which"; questions: Question[]; value: string }
  /** A bare answer only other conversations' questions take (newest first): each needs its number or button, and nothing is done. */
  | { kind: "elsewhere"; questions: Question[]; value: string }
  | { kind: "none" };

/**
 * The kind of question a button of ours belongs to, by its payload's prefix (each capability's
 * buttons have their own): a tap no row holds any more (closed long ago, or asked before
 * questions were rows) still names its kind of question. Null: no button of ours.
 */
export function kindOfPayload(payload: string): QuestionKind | null {
  const prefix = /^([a-z-]+):/.exec(payload)?.[1];
  switch (prefix) {
    case "approval":
      return "approval";
    case "plan":
      return "plan";
    case "undo":
      return "undo";
    case "ship":
      return "ship";
    case "review":
      return "review_file";
    case "gh-fix":
    case "gh-later":
      return "github_fix";
    case "handoff":
      return payload.startsWith("handoff:keep-") ? "handoff_conflict" : "handoff_away";
    default:
      return null;
  }
}

/** How a typed answer is compared: trimmed, lower case, single spaces, without a closing `.` or `!`. */
export function normalizeTyped(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, " ").replace(/[.!]+$/, "").trim();
}

/** Whether `q` still takes answers at `now`; `runs` gives its conversation's run facts (read only for untilRun questions). */
export function isOpen(q: Question, now: number, runs: (conversationId: number) => RunFacts): boolean {
  if (q.closedAt !== null) return false;
  if (q.expiresAt !== null && q.expiresAt <= now) return false;
  if (!q.untilRun || q.conversationId === null) return true;
  const r = runs(q.conversationId);
  return !r.runOpen && (r.lastRunStartedAt === null || r.lastRunStartedAt < q.askedAt);
}

const precedence = (k: QuestionKind) => QUESTION_KINDS.indexOf(k);
const newestFirst = (a: Question, b: Question) => b.askedAt - a.askedAt || b.id - a.id;

/**
 * Which question `message` answers, of `questions` (the open ones, and for a tap the rows holding
 * its payload): a button by its exact payload, open or not; typed words only with no media, only
 * an open question's. A typed number (`yes 12`) names its question: the first kind that takes it.
 * A bare answer (`yes`, `no`, `yes all`, `fix it`) is read by bareAnswer.
 */
export function matchQuestion(message: QuestionMessage, questions: readonly Question[], now: number, runs: (conversationId: number) => RunFacts): QuestionMatch {
  const payload = message.buttonPayload?.trim();
  if (payload) {
    const q = questions.filter((c) => Object.hasOwn(c.buttons, payload)).sort(newestFirst)[0];
    return q ? { kind: "answer", question: q, via: "button", value: q.buttons[payload]!, open: isOpen(q, now, runs) } : { kind: "unknown_button", payload, of: kindOfPayload(payload) };
  }
  if (message.hasMedia) return { kind: "none" };
  const typed = normalizeTyped(message.body);
  if (typed === "") return { kind: "none" };
  const takers = questions
    .flatMap((c) => {
      const value = wordValue(c.words, typed);
      return value !== null && isOpen(c, now, runs) ? [{ question: c, value: value.value, numbered: value.numbered }] : [];
    })
    .sort((a, b) => precedence(a.question.kind) - precedence(b.question.kind) || newestFirst(a.question, b.question));
  const numbered = takers.find((t) => t.numbered);
  if (numbered) return { kind: "answer", question: numbered.question, via: "word", value: numbered.value, open: true };
  return bareAnswer(takers, message.conversationId);
}

/**
 * A bare answer goes to the question just asked where it is written: the newest open question of
 * the message's conversation (or of none, as a CI notice's) that takes it, unless a question of
 * another conversation that takes it was asked after it; then the relay asks which, as it does when
 * two kinds of the conversation's own take it. Questions of one kind stand as their newest: a "fix
 * it" is the newest notice's, and the approvals' capability reads `yes` against all of the
 * conversation's open prompts (several: "which one?"; `yes all`: each). Only
 * other conversations' questions take it: each needs its number or button. A word with `all` is
 * never ambiguous with another conversation's: it says which, the conversation's own.
 */
function bareAnswer(takers: readonly { question: Question; value: string }[], conversationId: number | null): QuestionMatch {
  const first = takers[0];
  if (!first) return { kind: "none" };
  const newest = [...takers].sort((a, b) => newestFirst(a.question, b.question));
  const isHere = (q: Question) => q.conversationId === null || q.conversationId === conversationId;
  const here = newest.filter((t) => isHere(t.question));
  // One question per kind: the newest stands for its kind (a CI notice's "fix it" is the newest notice's;
  // the approvals' capability reads a bare answer against all of the conversation's open prompts).
  const distinct = here.filter((t, i) => here.findIndex((u) => u.question.kind === t.question.kind) === i);
  const value = first.value;
  const all = / all$/.test(first.value);
  const chosen = distinct[0];
  if (!chosen) return { kind: "elsewhere", questions: newest.map((t) => t.question), value };
  const newerElsewhere = all ? [] : newest.filter((t) => !isHere(t.question) && newestFirst(t.question, chosen.question) < 0);
  if (distinct.length > 1 || newerElsewhere.length > 0) return { kind: "which", questions: newest.filter((t) => isHere(t.question) || newerElsewhere.includes(t)).map((t) => t.question), value };
  return { kind: "answer", question: chosen.question, via: "word", value: chosen.value, open: true };
}

const NUMBERED = /^(.*?) ?(\d{1,9})$/;

/** The value `typed` reads in `words`: an exact key first, then a key with a number slot (`numbered`: the number names the question). */
function wordValue(words: Readonly<Record<string, string>>, typed: string): { value: string; numbered: boolean } | null {
  if (Object.hasOwn(words, typed)) return { value: words[typed]!, numbered: false };
  const numbered = NUMBERED.exec(typed);
  if (!numbered) return null;
  const key = numbered[1] === "" ? "<n>" : `${numbered[1]} <n>`;
  return Object.hasOwn(words, key) ? { value: words[key]!.replace("<n>", String(Number(numbered[2]))), numbered: true } : null;
}

/** The open questions a stored message closes by not answering them (`answered`: the one it answered, if any). */
export function closedByNextMessage(questions: readonly Question[], answered: Question | null): Question[] {
  return questions.filter((q) => q.nextMessageOnly && q.closedAt === null && q.id !== answered?.id);
}
