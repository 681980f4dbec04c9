// Dedupe keys of the outbox: one key per thing the user may be told, so a replayed event, a
// repeated webhook or a re-run alarm adds nothing. Every key is built here and nowhere else.

export const outboxKeys = {
  /** Part `part` of the reply in event `seq` of VM run `vmRunId`. */
  reply: (vmRunId: string, seq: number, part: number) => `${vmRunId}:${seq}:${part}`,
  /** "[web] waits: 3 runs are going", once per message that waits past MAX_PARALLEL_RUNS. */
  runWaits: (messageId: string) => `run-waits:${messageId}`,
  /** The one "got it, queued" acknowledgement of messages that arrived during run `runId`. */
  ack: (runId: string) => `ack:${runId}`,
  /** "Not undone" or "Not shipped" when a question closed with a message that did not answer it: once per question (its id with its time, as pruned rows' ids come back). */
  questionLeft: (q: { id: number; askedAt: number }) => `question-left:${q.id}:${q.askedAt}`,
  /** Part `part` of the relay's own answer to the command in inbound message `messageId`. */
  command: (messageId: string, part = 0) => (part === 0 ? `command:${messageId}` : `command:${messageId}:${part}`),
  /** The copy of a message (sent as `sentRef`) its channel refused for its closed reply window or a passing fault, sent again. */
  resend: (sentRef: string) => `resend:${sentRef}`,
  /** The "a result is waiting" template, once per silence (the user's last inbound time). */
  template: (lastInboundAt: number | null) => `template:${lastInboundAt ?? 0}`,
  /** "Your earlier conversation was lost", once per VM run that found it gone. */
  sessionLost: (vmRunId: string) => `session-lost:${vmRunId}`,
  /** The conversation's model was refused in that VM run: told once. */
  modelRefused: (vmRunId: string) => `model-refused:${vmRunId}`,
  /** What the user reads when run `runId` ends without answering their messages. */
  gaveUp: (runId: string) => `gave-up:${runId}`,
  /** "Scheduled task #n failed", once per run `runId` (beside the user's own notice). */
  taskFailed: (runId: string) => `task-failed:${runId}`,
  /** How the clone into workspace `workspace` went (done, failed or interrupted): said once. */
  cloneDone: (workspace: string) => `clone:${workspace}`,
  /** "Your budget is spent, messages are held", once per capped period (`daily:2026-11-22`). */
  budgetHeld: (period: string) => `budget:${period}`,
  /** "The model's limit holds your messages until …", once per pause (its streak's start and its end). */
  modelPaused: (since: number, until: number) => `model-paused:${since}:${until}`,
  /** "The model is back: going on with …", once per pause that was told. */
  modelResumed: (since: number, until: number) => `model-resumed:${since}:${until}`,
  /** "An admin removed your access" (an admin's /deny), once per removal. */
  accessRevoked: (at: number) => `access-revoked:${at}`,
  /** "You have access again" (an admin's /allow after a /deny), once per restoration. */
  accessRestored: (at: number) => `access-restored:${at}`,
  /** "A GitHub event (or a trigger) started a run", or why it did not: once per event. */
  eventRun: (eventId: string) => `event:${eventId}`,
  /** What GitHub delivery `delivery` told the user (a CI failure, a review…): once per delivery. */
  github: (delivery: string) => `github:${delivery}`,
  /** A /link request's ask, refusal or success told to one of its chats from the other's action: once each per request. */
  linkRequest: (code: string, what: "ask" | "refused" | "linked") => `link:${code}:${what}`,
  /** "A Telegram chat now reaches this agent" (or no longer does), said in the home's chat when the other chat changed the link. */
  doorChanged: (at: number) => `door:${at}`,
  /** An admin told that `user`'s chat on `channel` stopped at `stoppedAt` (in the admin's outbox): once per chat and stop. */
  adminChatStopped: (user: string, channel: string, chat: string, stoppedAt: number) => `admin:chat-stopped:${user}:${channel}:${chat}:${stoppedAt}`,
  /** "You're over the rate limit", once per notice time. */
  rateLimited: (at: number) => `rate-limited:${at}`,
  /** "I couldn't get your attachment", once per attachment `index` of inbound message `messageId`. */
  mediaFailed: (messageId: string, index: number) => `media-failed:${messageId}:${index}`,
  /** What a voice note was heard as (or that voice notes are not transcribed here), once per attachment. */
  voiceEcho: (messageId: string, index: number) => `voice:${messageId}:${index}`,
  /** The voice note of the reply in event `seq` of VM run `vmRunId`: spoken once. */
  voiceReply: (vmRunId: string, seq: number) => `voice-reply:${vmRunId}:${seq}`,
  /** "I could not speak that reply", once per voice note that failed (and then not until one is spoken again). */
  voiceReplyFailed: (outboxId: number) => `voice-reply-failed:${outboxId}`,
  /** A file the agent sent with its `send_file` tool (call `callId` of VM run `vmRunId`): sent once. */
  agentFile: (vmRunId: string, callId: string) => `file:${vmRunId}:${callId}`,
  /** Update `n` during run `runId` ("Still working (4 min): …"). */
  progress: (runId: string, n: number) => `progress:${runId}:${n}`,
  /** The range of run `runId`'s update keys: [from, to). */
  progressRange: (runId: string) => ({ from: `progress:${runId}:`, to: `progress:${runId};` }),
  /** The key of the first update of the run whose later update `key` is (null: not a later update): the message a channel that edits rewrites. */
  firstProgressOf: (key: string): string | null => {
    const later = /^progress:(.+):(\d+)$/.exec(key);
    return later && Number(later[2]) > 1 ? `progress:${later[1]}:1` : null;
  },
  /** The prompt of approval `approvalId` (its id in the approvals table): sent once. */
  approvalPrompt: (approvalId: number) => `approval:${approvalId}`,
  /** The approval's words as a voice note, after its prompt. */
  approvalVoice: (approvalId: number) => `approval-voice:${approvalId}`,
  /** An edit's picture, sent just before its prompt. */
  approvalPicture: (approvalId: number) => `approval-picture:${approvalId}`,
  /** "Not approved in time", once per prompt. */
  approvalExpired: (approvalId: number) => `approval-expired:${approvalId}`,
  /** The `nth` reminder naming approval `approvalId` first (approvals/approval-reminders.ts). */
  approvalReminder: (approvalId: number, nth: number) => `approval-reminder:${approvalId}:${nth}`,
  /** "Your answer came too late", once per prompt. */
  approvalLate: (approvalId: number) => `approval-late:${approvalId}`,
  /** "A reply could not be delivered", once per outbox message lost to a permanent error. */
  deliveryFailed: (outboxId: number) => `undelivered:${outboxId}`,
  /**
   * Whether a key is a passing notice's (the acknowledgement, a progress update): stale within
   * minutes, so Twilio is not asked to report on its delivery. A late resend of "Got it, I'll
   * process this next" after the answer, or "a reply could not be delivered" about it, would
   * mislead; and the three callbacks WhatsApp sends per message would cost the relay more than
   * the message it acknowledges (bench/README.md, ingress).
   */
  isPassingNotice: (key: string) => key.startsWith("ack:") || key.startsWith("progress:"),
  /** Whether a key is a deliveryFailed notice's: its own loss is not announced again. */
  isDeliveryFailedNotice: (key: string) => key.startsWith("undelivered:"),
} as const;
