// What conversations/ does when a run says what happened (runs/run-happenings.ts): a kept session
// is the one the conversation resumes next; a refused model goes back to the default. Joined in
// agent/run-happenings.ts.
import type { RunHappeningHandler } from "../runs/run-happenings";
import type { ConversationsRepo } from "./conversations-repo";

export function conversationsRunHappenings(conversations: { recordSession(id: number, sessionId: string | null): void; repo: Pick<ConversationsRepo, "setModel"> }) {
  return {
    session_kept: (e) => conversations.recordSession(e.conversationId, e.sessionId),
    // Back to the default for good, so the refusal is told once.
    model_refused: (e) => conversations.repo.setModel(e.conversationId, null),
  } satisfies RunHappeningHandler;
}
