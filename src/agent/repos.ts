// A phone's tables, one repository per group, over one \`sql\` helper: what the object's units are
// built on (compose-units.ts), and what the units' tests build on a real SQLite.
import { createApprovalsRepo } from "../approvals/approvals-repo";
import { createConversationsRepo } from "../conversations/conversations-repo";
import { createDueTimesRepo } from "../shared/due-times-repo";
import { createMachineRepo } from "../machines/machine-repo";
import { createArchiveRepo } from "../archive/archive-repo";
import { createMeanwhileRepo } from "../messages/meanwhile-repo";
import { createMessagesRepo } from "../messages/messages-repo";
import { createOutboxRepo } from "../outbox/outbox-repo";
import { createRunsRepo } from "../runs/runs-repo";
import { createSchedulesRepo } from "../schedules/schedules-repo";
import { createSettingsRepo } from "../config/settings-repo";
import { createSpendRepo } from "../usage/spend-repo";
import type { Sql } from "../shared/sql";
import { createVmAnswersRepo } from "../runs/vm-answers-repo";
import { createRunChangesRepo } from "../changes/run-changes-repo";
import { createStoppedChatsRepo } from "../outbox/stopped-chats-repo";
import { createTriggersRepo } from "../triggers/triggers-repo";
import { createGithubEventsRepo } from "../github/github-events-repo";
import { createPullRequestsRepo } from "../github/pull-requests-repo";
import { createWaitingEventRunsRepo } from "../runs/waiting-event-runs-repo";
import { createReviewDraftsRepo } from "../changes/review-drafts-repo";
import { createHandoffsRepo } from "../handoff/handoffs-repo";
import { createLiveEventsRepo } from "../web/live-events-repo";
import { createQuestionsRepo } from "../questions/questions-repo";

export function createRepos(sql: Sql) {
  // One table of due times for every unit that keeps one: the alarm's plan reads it once.
  const dueTimes = createDueTimesRepo(sql);
  const settings = createSettingsRepo(sql);
  return {
    dueTimes,
    messages: createMessagesRepo(sql),
    runs: createRunsRepo(sql),
    meanwhile: createMeanwhileRepo(sql),
    outbox: createOutboxRepo(sql),
    settings,
    schedules: createSchedulesRepo(sql, dueTimes),
    vmAnswers: createVmAnswersRepo(sql),
    conversations: createConversationsRepo(sql, dueTimes, settings),
    spend: createSpendRepo(sql),
    approvals: createApprovalsRepo(sql, dueTimes),
    machine: createMachineRepo(sql),
    archive: createArchiveRepo(sql),
    runChanges: createRunChangesRepo(sql),
    stoppedChats: createStoppedChatsRepo(sql),
    triggers: createTriggersRepo(sql),
    pullRequests: createPullRequestsRepo(sql),
    githubEvents: createGithubEventsRepo(sql),
    waitingEventRuns: createWaitingEventRunsRepo(sql),
    reviewDrafts: createReviewDraftsRepo(sql),
    handoffs: createHandoffsRepo(sql, settings),
    liveEvents: createLiveEventsRepo(sql),
    questions: createQuestionsRepo(sql),
  };
}
export type Repos = ReturnType<typeof createRepos>;
