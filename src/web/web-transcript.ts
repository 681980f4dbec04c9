// The private page's transcripts: the chat as the user saw it, per conversation. What they sent
// (their own messages; never an event's or a task's prompt, which only the agent read) and what the
// outbox sent them, in the order they got it. A notice kept without a conversation (a command's
// answer, "started a run", a CI notice, an acknowledgement…) is placed by its key: the message,
// run, approval or pull request it is about; else in the conversation the user last wrote to. A
// secret the chat showed once is not shown again. Pure: rows in, entries out.
import { runIdOfVmRun, type TranscriptEntry } from "./web-page-model";

/** A message as stored: `origin` set for an event's, `kind` other than `user` for a scheduled task's. */
export type MessageLine = { id: string; body: string; at: number; conversationId: number; origin: string | null; kind: string };
/** A message the outbox sent (or is sending), in its order (`id`): `body` as its chat showed it, `buttons` the titles under it. */
export type OutboxLine = { id: number; key: string; body: string; at: number; conversationId: number | null; buttons?: string[] };
/** Which conversation a run, an approval prompt, a GitHub delivery (its pull request) or a workspace (a clone's notice) is of. */
export type Owners = { runs: ReadonlyMap<string, number>; approvals: ReadonlyMap<number, number>; deliveries: ReadonlyMap<string, number>; workspaces?: ReadonlyMap<string, number> };

/** An agent's reply is keyed `<vm run>:<seq>:<part>` (outbox-keys.ts); every other row is the relay's own. */
// A VM run's id ends in `-<attempt>`, which no relay key's first part does (`approval-reminder:12:2`).
const AGENT_REPLY = /^[^:]+-\d+:\d+:\d+$/;
/** What a page shows in place of a secret the chat showed once. */
export const SHOWN_ONCE = "(shown once in the chat)";

/**
 * `text` without the secrets the chat showed once: /github watch's webhook secret and /trigger
 * add's token (core/replies), each on its own labelled line of a message that says it is shown once.
 */
export function hideShownOnce(text: string): string {
  if (!/shown this once/.test(text)) return text;
  return text.replace(/^(• Secret: |Token: ).*$/gm, `$1${SHOWN_ONCE}`);
}

/**
 * Each conversation's entries, oldest first: messages and outbox rows merged by time, each list
 * kept in its own order. `first`: where a notice tied to nothing goes before the user wrote at all.
 */
export function transcripts(messages: readonly MessageLine[], outbox: readonly OutboxLine[], owners: Owners, first: number): Map<number, TranscriptEntry[]> {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const merged = mergeByTime(
    messages.filter((m) => m.origin === null && m.kind === "user").map((m) => ({ at: m.at, conversationId: m.conversationId, entry: { at: m.at, from: "user" as const, text: m.body } })),
    outbox.map((o) => ({ at: o.at, key: o.key, conversationId: o.conversationId, entry: { at: o.at, from: AGENT_REPLY.test(o.key) ? ("agent" as const) : ("relay" as const), text: hideShownOnce(o.body), ...(o.buttons?.length ? { buttons: o.buttons } : {}) } })),
  );
  const out = new Map<number, TranscriptEntry[]>();
  let lastWritten = first;
  for (const line of merged) {
    const key = "key" in line ? line.key : null;
    const conversation = line.conversationId ?? (key !== null ? ownerOfKey(key, byId, owners) : null) ?? lastWritten;
    if (key === null) lastWritten = line.conversationId!;
    const entries = out.get(conversation);
    if (entries) entries.push(line.entry);
    else out.set(conversation, [line.entry]);
  }
  return out;
}

/** Two lists, each in its own order, merged by `at`; on equal times the user's message comes first (the answer follows it). */
function mergeByTime<A extends { at: number }, B extends { at: number }>(first: readonly A[], second: readonly B[]): (A | B)[] {
  const out: (A | B)[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length || j < second.length) {
    if (j >= second.length || (i < first.length && first[i]!.at <= second[j]!.at)) out.push(first[i++]!);
    else out.push(second[j++]!);
  }
  return out;
}

/** The conversation a notice's key names (through its message, run, approval or delivery), or null. */
function ownerOfKey(key: string, messages: ReadonlyMap<string, MessageLine>, owners: Owners): number | null {
  const [kind, ...rest] = key.split(":");
  const first = rest[0] ?? "";
  const ofMessage = (id: string) => messages.get(id)?.conversationId ?? null;
  switch (kind) {
    case "command":
    case "run-waits":
    case "media-failed":
    case "voice":
    case "event":
      return ofMessage(first);
    case "ack":
    case "gave-up":
    case "task-failed":
    case "progress":
      return owners.runs.get(first) ?? null;
    case "session-lost":
    case "file":
    case "change-hint":
      return owners.runs.get(runIdOfVmRun(first)) ?? null;
    case "approval":
    case "approval-expired":
    case "approval-late":
    // A reminder naming several prompts is shown where the first it names is.
    case "approval-reminder":
      return owners.approvals.get(Number(first)) ?? null;
    case "clone":
      return owners.workspaces?.get(first) ?? null;
    case "github":
      return ofMessage(`gh-${first}`) ?? ofMessage(`gh-auto-${first}`) ?? owners.deliveries.get(first) ?? null;
    default:
      return null;
  }
}
