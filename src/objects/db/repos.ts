// A phone's tables, one repository per group, over one \`sql\` helper: what the object's units are
// built on (compose-units.ts), and what the units' tests build on a real SQLite.
import { createApprovalsRepo } from "./approvals-repo";
import { createConversationsRepo } from "./conversations-repo";
import { createDueTimesRepo } from "./due-times-repo";
import { createMachineRepo } from "./machine-repo";
import { createArchiveRepo } from "./archive-repo";
import { createMeanwhileRepo } from "./meanwhile-repo";
import { createMessagesRepo } from "./messages-repo";
import { createOutboxRepo } from "./outbox-repo";
import { createRunsRepo } from "./runs-repo";
import { createSchedulesRepo } from "./schedules-repo";
import { createSettingsRepo } from "./settings-repo";
import { createSpendRepo } from "./spend-repo";
import type { Sql } from "./sql";
import { createVmAnswersRepo } from "./vm-answers-repo";
import { createRunChangesRepo } from "./run-changes-repo";
import { createRunToolCallsRepo } from "./run-tool-calls-repo";
import { createStoppedChatsRepo } from "./stopped-chats-repo";
import { createTriggersRepo } from "./triggers-repo";
import { createGithubEventsRepo } from "./github-events-repo";
import { createPullRequestsRepo } from "./pull-requests-repo";
import { createWaitingEventRunsRepo } from "./waiting-event-runs-repo";
import { createReviewDraftsRepo } from "./review-drafts-repo";
import { createHandoffsRepo } from "./handoffs-repo";
import { createLiveEventsRepo } from "./live-events-repo";

export function createRepos(sql: Sql) {
  // One table of due times for every unit that keeps one: the alarm's plan reads it once.
  const dueTimes = createDueTimesRepo(sql);
  const settings = createSettingsRepo(sql);
  return {
    dueTimes,
    messages: createMessagesRepo(sql),
    runs: createRunsRepo(sql),
    meanwhile: createMeanwhileRepo(sql),
    outbox: createOutboxRepo(sql, dueTimes),
    settings,
    schedules: createSchedulesRepo(sql, dueTimes),
    vmAnswers: createVmAnswersRepo(sql),
    conversations: createConversationsRepo(sql, dueTimes, settings),
    spend: createSpendRepo(sql),
    approvals: createApprovalsRepo(sql, dueTimes),
    machine: createMachineRepo(sql),
    archive: createArchiveRepo(sql),
    runChanges: createRunChangesRepo(sql),
    runToolCalls: createRunToolCallsRepo(sql),
    stoppedChats: createStoppedChatsRepo(sql),
    triggers: createTriggersRepo(sql),
    pullRequests: createPullRequestsRepo(sql),
    githubEvents: createGithubEventsRepo(sql),
    waitingEventRuns: createWaitingEventRunsRepo(sql),
    reviewDrafts: createReviewDraftsRepo(sql),
    handoffs: createHandoffsRepo(sql, settings),
    liveEvents: createLiveEventsRepo(sql),
  };
}
export type Repos = ReturnType<typeof createRepos>;
