// What the inbox reads and writes: the commands' deps, and what storing a message and answering the
// relay's questions take (inbox.ts, question-answers.ts).
import type { CommandDeps } from "./command-handler";
import type { ChatAddress } from "../channels/channel";
import type { OutboxWriter } from "../outbox/outbox-addressing";
import type { SettingsRepo } from "../config/settings-repo";
import type { Transaction } from "../shared/sql";
import type { Messages } from "../messages/messages";
import type { ReviewQuestions } from "../changes/review-replies";
import type { QuestionsRepo } from "../questions/questions-repo";

export type InboxDeps = CommandDeps & {
  transaction: Transaction;
  lifecycle: Messages;
  settings: SettingsRepo;
  outboxRepo: Pick<OutboxWriter, "add" | "releaseHeld" | "anyHeld">;
  /** PUBLIC_URL when configured (stored-message.ts: then no webhook's origin is stored). */
  configuredOrigin?: string | null;
  /** The object's user, and whether a chat reaching it may run admin commands (link-doors.ts's chatIsAdmin). */
  sender: { phone: string; isAdminChat: (chat: ChatAddress) => boolean };
  /** MAX_MESSAGES_PER_MINUTE (0: no limit). */
  maxMessagesPerMinute: number;
  /** The open "which file?" question of a chat comment (changes/review-replies.ts): what its choices carry. */
  reviews: ReviewQuestions;
  /** Every question the relay asked: read against each message before anything else. */
  questions: QuestionsRepo;
};
