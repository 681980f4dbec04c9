// Answers the user's /commands from the relay's own state, without waking the agent. Runs
// inside the transaction that stores the command, so the answer is durable with it; what the VM
// must do is returned, and done after the webhook has its answer.
import { ADMINS_ONLY_VM, permissionDenied, VM_SWEEP_SHARED } from "../admin/admin-replies";
import { dayIn, monthIn } from "../usage/spend-days";
import type { ParsedCommand } from "../commands/commands";
import { helpReply } from "../commands/help";
import { createReply, NO_CURRENT_CONVERSATION, noSuchConversation } from "../conversations/conversations-replies";
import { endPreview, previewRowOf } from "../preview/preview-state";
import { previewStatusLines } from "../preview/preview-choice";
import { runLabel } from "../changes/run-change";
import { approvalModeReply, progressReply, voiceEchoReply, voiceReplyReply, voiceSettingsReply } from "../config/settings-replies";
import { voiceReplyModeOf } from "../config/voice-reply-mode";
import { timeZoneReply } from "../schedules/schedules-replies";
import { costReply } from "../usage/spend-replies";
import { statusReply } from "../runs/status-replies";
import type { RunFailure } from "../messages/run-failure";
import type { Reply } from "../messages/inbound-message";
import type { VmAction } from "./vm-action";
import {
  type ConversationCommandDeps,
  createConversation,
  deleteConversation,
  gitCommand,
  listConversations,
  renameConversation,
  setDeepMode,
  startFreshSession,
  switchConversation,
} from "../conversations/conversation-commands";
import { steerCommand } from "../conversations/steering-commands";
import { createSchedule, listSchedules, manageSchedule, type ScheduleServiceDeps, setTimeZone } from "../schedules/schedule-service";
import type { Approvals } from "../approvals/approvals-unit";
import type { SpendRepo } from "../usage/spend-repo";
import type { Observed } from "../runs/run-driver";
import type { Messages } from "../messages/messages";
import { stopWork } from "../runs/stop";
import { type ChangeCommandDeps, diffCommand, redoCommand, undoCommand } from "../changes/change-commands";
import { shipCommand, type ShipCommandDeps } from "../github/ship-commands";
import { WEB_LINKS_REVOKED } from "../web/web-replies";
import { awayClock, awayStatusLine } from "../handoff/handoff";
import { formatDateTimeInZone } from "../schedules/schedule-format";
import type { HandoffsRepo } from "../handoff/handoffs-repo";
import { endWebLinks, webLinkEpoch } from "../web/web-page-data";
import { stopRepliesByConversation, stopReply } from "../messages/notices";
import { timeZoneOf } from "../schedules/schedules-unit";
import { addTrigger, listTriggers, removeTrigger, type TriggerCommandDeps } from "../triggers/trigger-commands";
import type { GithubEventsRepo } from "../github/github-events-repo";
import { autofixReply, trustReply } from "../github/github-replies";
import type { MessageSource } from "../messages/messages-repo";
import { chatOf } from "../directory/link-doors";
import { notifyCommand } from "../directory/link-actions";
import type { ModelPause } from "../usage/model-pause";
import type { ModelPauseUnit } from "../usage/model-pause-unit";
import type { RunHappened } from "../runs/run-happenings";

export type CommandDeps = ScheduleServiceDeps &
  ConversationCommandDeps &
  ChangeCommandDeps &
  Pick<TriggerCommandDeps, "triggers"> &
  ShipCommandDeps & {
    spend: SpendRepo;
    /** What this instance last saw of the agent and the VM (in memory). */
    observed: () => Observed;
    budget: { today(now: number): { spentUsd: number; limitUsd: number } };
    /** The pause in force when the model gave no answer (/status says until when). */
    modelPause: Pick<ModelPauseUnit, "current">;
    /** Records a run's failure as run-effects does (within the command's transaction). */
    failRun: (runId: string, failure: RunFailure, now: number) => void;
    lifecycle: Pick<Messages, "stop" | "deny">;
    approvals: Approvals;
    /** GitHub's deliveries and /autofix's setting per conversation. */
    github: GithubEventsRepo;
    /** VM_MODE: with `machines`, /vm is about every user's own Machine. */
    vmMode: "shared" | "machines";
    /** /handoff: whether a conversation is on the laptop (/status says so). */
    handoffs: Pick<HandoffsRepo, "awaySince" | "markBack">;
    /** Told each run a stop ends (the pages watching it show its end: runs/run-happenings.ts). */
    happened?: RunHappened;
  };

type CommandAnswer = Reply<VmAction>;

/** Who sent the command: `phone` is the object's name (the home); `source` the chat it came from (absent: the home's own door). */
export type CommandSender = { phone: string; isAdmin: boolean; source?: MessageSource };

export function answerCommand(command: ParsedCommand, d: CommandDeps, sender: CommandSender, now: number): CommandAnswer {
  const say = (text: string): CommandAnswer => ({ text, after: null });
  switch (command.type) {
    case "help":
      return say(helpReply(command.topic, sender.isAdmin, d.settings.get("offline_model") === "1"));
    case "status":
      // /status vm asks the VM now, after the webhook's answer; the rest is known already.
      return command.checkVm ? { text: "", after: { kind: "health", detail: sender.isAdmin } } : say(statusText(d, now));
    case "cancel": {
      const named = typeof command.target === "object" ? d.conversations.repo.byName(command.target.name) : null;
      if (typeof command.target === "object" && !named) return say(noSuchConversation(command.target.name));
      const scope = command.target === "all" ? "every" : named ? { conversationId: named.id } : { conversationId: d.conversations.currentId(), orTheOnly: true };
      const stopped = stopWork({ ...d, stopApprovals: (at, runIds) => d.approvals.stopAll(at, runIds) }, scope, now);
      // Plain /stop of the one live run answers as before; a named or every-run stop names each conversation.
      const nameOf = (id: number) => d.conversations.repo.get(id)?.name ?? null;
      const text = command.target === undefined ? stopReply(stopped) : stopRepliesByConversation(stopped.conversations.map((s) => ({ ...s, name: nameOf(s.conversationId) })), stopped.deniedApprovals);
      // The stopped conversations' preview servers end too (their links stay: the next request starts the server again).
      const stoppedIds = scope === "every" ? d.conversations.repo.list().map((c) => c.id) : [scope.conversationId, ...stopped.conversations.map((c) => c.conversationId)];
      const previewWorkspaces = [...new Set(stoppedIds)].filter((id) => previewRowOf(d.settings, id).server !== null).flatMap((id) => d.conversations.repo.get(id)?.workspace ?? []);
      const cancel = { kind: "cancel" as const, vmRunIds: stopped.cancelVmRunIds, ...(previewWorkspaces.length > 0 ? { previewWorkspaces } : {}) };
      return { text, after: stopped.cancelVmRunIds.length > 0 || previewWorkspaces.length > 0 ? cancel : null };
    }
    case "new_session":
      return startFreshSession(d, now);
    case "conversation_create":
      return createConversation(d, command.name, command.repo, now);
    case "conversation_list":
      return say(listConversations(d, now));
    case "conversation_switch":
      return say(switchConversation(d, command.target));
    case "conversation_rename":
      return say(renameConversation(d, command.name));
    case "conversation_delete":
      return deleteConversation(d, command.name, command.confirmed);
    case "deep":
      return say(setDeepMode(d, command.on, now));
    case "model":
    case "effort":
      return say(steerCommand(d, command));
    case "plan":
      // `/plan <task>` is routed to the agent (commands/inbound-route.ts); this is a safeguard.
      return command.action === "prompt" ? say("/plan <task>: write the task after /plan.") : say(steerCommand(d, command));
    case "cost":
      return say(costText(d, now));
    case "approvals":
      return approvalsCommand(d, command.action);
    case "voice_echo": {
      const echoOn = () => d.settings.get("voice_echo") !== "off";
      if (command.on === null) return say(voiceSettingsReply(echoOn(), voiceReplyModeOf(d.settings)));
      d.settings.set("voice_echo", command.on ? null : "off");
      return say(voiceEchoReply(echoOn()));
    }
    case "voice_reply":
      d.settings.set("voice_reply", command.mode === "auto" ? null : command.mode);
      return say(voiceReplyReply(voiceReplyModeOf(d.settings)));
    case "progress": {
      if (command.on !== null) d.settings.set("progress_updates", command.on ? null : "off");
      return say(progressReply(d.settings.get("progress_updates") !== "off"));
    }
    case "git_show":
      return say(gitCommand(d, sender.phone, null));
    case "git_set":
      return say(gitCommand(d, sender.phone, { field: command.field, value: command.value }));
    case "schedule_create":
      return say(createSchedule(d, command.request, d.conversations.currentId(), now, sender.source ?? null).text);
    case "schedule_list":
      return say(listSchedules(d).text);
    case "schedule_manage":
      return say(manageSchedule(d, command.action, command.id, now).text);
    case "tz_show":
      return say(timeZoneReply(timeZoneOf(d.settings), now));
    case "tz_set":
      return say(setTimeZone(d, command.timeZone, now).text);
    case "web":
      return webCommand(d, command.action);
    case "diff":
      return diffCommand(d, command.index, webLinkEpoch(d.settings));
    case "undo":
      return undoCommand(d, now, `undo:ask:${now}`);
    case "redo":
      return redoCommand(d);
    case "ship":
      return shipCommand(d, command.title);
    case "handoff": {
      // A name in use is refused now, as /new refuses it (and again when the laptop's work arrives).
      if (command.action === "new") return d.conversations.repo.byName(command.name) ? say(createReply(command.name, { taken: true })) : { text: "", after: { kind: "handoff_new", name: command.name } };
      const current = d.conversations.current();
      if (!current) return say(NO_CURRENT_CONVERSATION);
      return { text: "", after: { kind: "handoff", conversationId: current.id, direction: command.action } };
    }
    case "preview": {
      const current = d.conversations.current();
      if (!current) return say(NO_CURRENT_CONVERSATION);
      const conversation = { workspace: current.workspace, conversation: current.name };
      if (command.action === "off") {
        // The links end now, whatever the VM says after.
        endPreview(d.settings, current.id);
        return { text: "", after: { kind: "preview_off", ...conversation } };
      }
      return { text: "", after: { kind: "preview", conversationId: current.id, ...conversation, port: command.port, command: command.command, epoch: webLinkEpoch(d.settings) } };
    }
    case "shot": {
      const current = d.conversations.current();
      if (!current) return say(NO_CURRENT_CONVERSATION);
      return { text: "", after: { kind: "shot", conversationId: current.id, workspace: current.workspace, conversation: current.name, path: command.path, wide: command.wide } };
    }
    case "dashboard":
      if (!sender.isAdmin) return say(permissionDenied("dashboard"));
      return { text: "", after: { kind: "web_link", scope: { kind: "dashboard" }, epoch: webLinkEpoch(d.settings) } };
    case "vm_health":
      if (!sender.isAdmin) return say(ADMINS_ONLY_VM);
      if (d.vmMode === "machines") return { text: "", after: { kind: "admin", request: { kind: command.sweep ? "sweep" : "machines" } } };
      return command.sweep ? say(VM_SWEEP_SHARED) : { text: "", after: { kind: "health", detail: true } };
    case "admin":
      // Not even a bad argument is explained to a non-admin: they learn nothing, nothing changes.
      if (!sender.isAdmin) return say(permissionDenied(command.word));
      return command.request.kind === "invalid" ? say(command.request.reason) : { text: "", after: { kind: "admin", request: command.request } };
    case "trigger_add":
      return addTrigger(d, command.name, command.prompt, now);
    case "trigger_remove":
      return removeTrigger(d, command.name);
    case "trigger_list":
      return say(listTriggers(d, now));
    case "github": {
      const { type: _, ...request } = command;
      return { text: "", after: { kind: "github", ...request } };
    }
    case "github_trust":
      return say(trustReply(command.repo, command.on, d.github.setTrust(command.repo, command.on, now)));
    case "autofix": {
      const current = d.conversations.current();
      if (!current) return say(NO_CURRENT_CONVERSATION);
      if (command.on !== null) d.github.setAutofix(current.id, command.on);
      return say(autofixReply(current.name, d.github.autofixOn(current.id)));
    }
    case "link":
      return { text: "", after: { kind: "link", code: command.code, from: chatOf(sender.phone, sender.source) } };
    case "link_answer":
      return { text: "", after: { kind: "link_answer", yes: command.yes, from: chatOf(sender.phone, sender.source) } };
    case "unlink":
      return { text: "", after: { kind: "unlink", from: chatOf(sender.phone, sender.source) } };
    case "notify":
      return say(notifyCommand(d.settings, sender.phone, command.choice));
    case "invalid":
      return say(command.reason);
  }
}

/** /web: a link (signed after the webhook's answer) to the current conversation or all; `revoke` moves the phone's link epoch on. */
function webCommand(d: CommandDeps, action: Extract<ParsedCommand, { type: "web" }>["action"]): CommandAnswer {
  if (action === "revoke") {
    endWebLinks(d.settings);
    return { text: WEB_LINKS_REVOKED, after: null };
  }
  const current = d.conversations.current();
  if (action === "current" && !current) return { text: NO_CURRENT_CONVERSATION, after: null };
  const scope = action === "all" || !current ? ({ kind: "all" } as const) : ({ kind: "conversation", conversationId: current.id } as const);
  return { text: "", after: { kind: "web_link", scope, epoch: webLinkEpoch(d.settings) } };
}

/** /approvals: the current conversation's mode, its rules, the log. A mode applies from the next run. */
function approvalsCommand(d: CommandDeps, action: Extract<ParsedCommand, { type: "approvals" }>["action"]): CommandAnswer {
  const current = d.conversations.current();
  if (!current) return { text: NO_CURRENT_CONVERSATION, after: null };
  switch (action) {
    case "show":
      return { text: d.approvals.describe(current.id), after: null };
    case "log":
      return { text: d.approvals.logText(timeZoneOf(d.settings)), after: null };
    case "forget":
      // Said once the VM has cleared them from the project's settings, where the agent reads them.
      d.approvals.forgetRules(current.id);
      return { text: "", after: { kind: "forget_rules", workspace: current.workspace, conversation: current.name } };
    case "off":
    case "edits":
    case "on": {
      const before = d.approvals.modeOf(current.id);
      d.approvals.setMode(current.id, action);
      return { text: approvalModeReply(current.name, before, action, d.runs.openAll().some((r) => r.conversationId === current.id)), after: null };
    }
  }
}

/** /cost: today and this month in the user's zone, and this month per conversation. */
function costText(d: CommandDeps, now: number): string {
  const zone = timeZoneOf(d.settings);
  const day = dayIn(now, zone);
  const month = monthIn(now, zone);
  const todayUsd = [...d.spend.between(day, day).values()].reduce((n, s) => n + s.costUsd, 0);
  const byConversation = [...d.spend.between(`${month}-01`, `${month}-31`).entries()].map(([id, s]) => ({ conversation: d.conversationName(id), costUsd: s.costUsd, unknownRuns: s.unknownRuns }));
  const byModel = d.spend.byModel(`${month}-01`, `${month}-31`);
  return costReply({ day, timeZone: zone, todayUsd, month: byConversation, offlineModel: d.settings.get("offline_model") === "1", byModel });
}

const pausedFacts = (p: ModelPause | null) => (p === null ? null : { kind: p.kind, until: p.until, limit: p.limit });

function statusText(d: CommandDeps, now: number): string {
  const [run, ...more] = d.runs.openAll();
  const current = d.conversations.current();
  const { progress, progressByRun, vm } = d.observed();
  const origins = d.messages.originsOfRuns([run, ...more].flatMap((r) => (r ? [r.id] : [])));
  // Each live run when several go at once: its conversation, age, what started it, its spend so far.
  const facts = (r: NonNullable<typeof run>, several: boolean) => ({
    createdAt: r.createdAt,
    retryAttempt: r.phase === "waiting" && r.nextAttemptAt > now ? r.vmAttempt : null,
    conversation: d.conversations.repo.get(r.conversationId)?.name ?? null,
    task: r.context === "fresh",
    progress: progressByRun?.get(r.id)?.text ?? (progress?.runId === r.id ? progress.text : null),
    startedBy: origins.get(r.id) ?? null,
    ...(several ? { label: runLabel(d.messages.allOfRun(r.id)[0]?.body), costUsd: r.costUsd } : {}),
  });
  const next = d.schedules.list().filter((t) => t.status === "active" && t.nextRunAt !== null).sort((a, b) => a.nextRunAt! - b.nextRunAt!)[0];
  const totals = current ? (d.spend.totals().get(current.id) ?? { turns: 0, costUsd: 0 }) : null;
  const awaySince = current ? d.handoffs.awaySince(current.id) : null;
  const away = current && awaySince !== null ? `${awayStatusLine(current.name, awayClock(awaySince, timeZoneOf(d.settings), formatDateTimeInZone))}\n` : "";
  return away + statusReply(
    {
      run: run ? facts(run, more.length > 0) : null,
      others: more.map((r) => facts(r, true)),
      queued: [...d.messages.queuedByConversation().entries()].map(([id, count]) => ({ conversation: d.conversationName(id), count })),
      current: current && totals && { name: current.name, sessionId: current.sessionId, deep: current.deepUntil !== null && current.deepUntil > now, turns: totals.turns, costUsd: totals.costUsd },
      vm,
      vmAnsweredAt: d.runs.lastAnsweredAt(),
      nextTask: next ? { id: next.id, at: next.nextRunAt! } : null,
      spend: d.budget.today(now),
      paused: pausedFacts(d.modelPause.current(now)),
      timeZone: timeZoneOf(d.settings),
    },
    now,
  ) + previewStatusLines(d.conversations.repo.list().flatMap((c) => {
    const server = previewRowOf(d.settings, c.id).server;
    return server ? [{ conversation: c.name, ...server }] : [];
  }));
}
