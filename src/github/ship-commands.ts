// /ship on the relay: refused at once when it cannot be (no conversation, a run of it live, not a
// GitHub clone); else the VM's preview is asked after the webhook's answer (ship-actions.ts), and
// its question, with "Ship"/"Cancel" buttons, is answered by the next message only.
import { NO_CURRENT_CONVERSATION, stillCloning } from "../conversations/conversations-replies";
import { SHIP_DECLINED, SHIP_NOT_A_CLONE, shipBusy, shipQuestionFrom, type ShipAnswer } from "./ship";
import { outboxKeys } from "../outbox/outbox-keys";
import type { QuestionsRepo } from "../questions/questions-repo";
import type { RunChangesRepo } from "../changes/run-changes-repo";
import type { RunsRepo } from "../runs/runs-repo";
import type { OutboxRepo } from "../outbox/outbox-repo";
import type { Transaction } from "../shared/sql";
import type { Conversations } from "../conversations/conversations-unit";
import type { Messages } from "../messages/messages";
import { type InboundMessage, type Reply, type Stored, typedCommand } from "../messages/inbound-message";
import type { Media, MessageSource } from "../messages/messages-repo";
import type { ShipExpected } from "../protocol/vm/ship";

export type ShipCommandDeps = {
  conversations: Pick<Conversations, "current" | "currentId" | "repo">;
  runs: Pick<RunsRepo, "liveIn">;
  runChanges: Pick<RunChangesRepo, "lastRunStartedAt">;
};

/**
 * What the VM must do after /ship's transaction (joined in agent/vm-action.ts): its preview, then the
 * question (`ship_preview`); the question's yes: the VM ships (`ship`) what the preview showed (`expected`).
 */
export type ShipAction = { kind: "ship_preview" | "ship"; conversationId: number; workspace: string; title: string | null; expected?: ShipExpected | null };

const say = (text: string): Reply<ShipAction> => ({ text, after: null });

/** `/ship [title]`: the refusals that need no VM, else the preview, after the webhook's answer. */
export function shipCommand(d: ShipCommandDeps, title: string | null): Reply<ShipAction> {
  const current = d.conversations.current();
  if (!current) return say(NO_CURRENT_CONVERSATION);
  if (current.status === "cloning") return say(stillCloning(current.name));
  if (d.runs.liveIn(current.id)) return say(shipBusy(current.name));
  if (!current.repoUrl) return say(SHIP_NOT_A_CLONE);
  return { text: "", after: { kind: "ship_preview", conversationId: current.id, workspace: current.workspace, title } };
}

type AnswerDeps = ShipCommandDeps & {
  transaction: Transaction;
  lifecycle: Pick<Messages, "answeredByRelay">;
  outboxRepo: Pick<OutboxRepo, "add">;
  /** Where /ship's question is: closed by its answer, which reads what it asked about. */
  questions: Pick<QuestionsRepo, "take">;
  /** Stores the message once per id (false: a redelivery). */
  store: (m: { body: string; media: Media[]; conversationId: number; slash: boolean; source?: MessageSource }) => boolean;
};

/** The answer: stored once like any message; a yes ships after the webhook's answer, a no says so. The question is closed either way. */
export function receiveShipAnswer(d: AnswerDeps, message: InboundMessage, word: ShipAnswer, now: number): Stored<ShipAction> | null {
  // A tapped button is acknowledged as taken (and its keyboard removed) on a channel that does so.
  const tap = message.buttonPayload ? { tap: "taken" as const } : {};
  return d.transaction(() => {
    if (!d.store({ body: message.body, media: [], conversationId: d.conversations.currentId(), slash: false })) return null;
    d.lifecycle.answeredByRelay(message.messageId, now);
    const asked = d.questions.take("ship", "current", now);
    const q = asked ? shipQuestionFrom(asked) : null;
    const conversation = q && word === "yes" ? d.conversations.repo.get(q.conversationId) : null;
    if (!q || !conversation) {
      d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: SHIP_DECLINED, now });
      return { route: "approval_answer", command: typedCommand(message.body), after: null, ...tap };
    }
    // The preview the user was shown goes with the yes: the VM ships that, or refuses naming what moved.
    return { route: "approval_answer", command: typedCommand(message.body), after: { kind: "ship", conversationId: conversation.id, workspace: conversation.workspace, title: q.title, expected: q.preview }, ...tap };
  });
}
