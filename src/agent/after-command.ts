// What a command asked of the VM (or of other objects), carried out once the webhook has its
// answer: a cancel, a workspace deleted or cloned, rules forgotten, the VM's health, an admin's
// request. The answer goes to the outbox under the command's own key.
import type { QuestionsRepo } from "../questions/questions-repo";
import type { ChatAddress } from "../channels/channel";
import type { Config } from "../config/config";
import { forgetRulesReply, vmHealthNotice } from "../messages/notices";
import { outboxKeys } from "../outbox/outbox-keys";
import { NO_VM_TO_CLONE } from "../conversations/conversations-replies";
import type { VmClient } from "../machines/vm-client";
import type { Sql } from "../shared/sql";
import type { Conversations } from "../conversations/conversations-unit";
import type { Clock } from "../shared/clock";
import type { Log } from "../shared/log";
import type { Outbox } from "../outbox/outbox-unit";
import type { OutboxRepo } from "../outbox/outbox-repo";
import { adminDeps, carryOut, type UserAgent } from "../admin/admin-actions";
import { applyLinkedChat, carryOutLink } from "../directory/link-actions";
import { pauseAllTasks } from "../schedules/schedule-service";
import { directoryOf } from "../directory/user-directory";
import { finishClone } from "../conversations/conversation-commands";
import type { VmAction } from "./vm-action";
import { type ChangeActionDeps, restoreFiles, sendDiffPicture } from "../changes/change-actions";
import { askShip, ship } from "../github/ship-actions";
import { pageLink } from "../web/web-links";
import { previewLink, previewOff } from "../preview/preview-actions";
import { sendShot } from "../preview/shot-actions";
import { issueHandoff, issueHandoffNew, keepLaptopSide } from "../handoff/handoffs";
import type { HandoffsRepo } from "../handoff/handoffs-repo";
import { withPageLink } from "../changes/changes-replies";
import type { Changes } from "../changes/run-changes";
import { WEB_LINK_UNAVAILABLE, webLinkReply } from "../web/web-replies";
import type { SettingsRepo } from "../config/settings-repo";
import { registerTrigger, unregisterTrigger } from "../triggers/trigger-actions";
import { carryOutGithub } from "../github/github-actions";
import { shownChangesOf } from "../changes/review-replies";
import type { SchedulesRepo } from "../schedules/schedules-repo";

export type AfterCommandDeps = {
  vm: VmClient | null;
  phone: string;
  env: Env;
  config: Config | null;
  sql: Sql;
  outbox: Pick<Outbox, "add">;
  outboxRepo: OutboxRepo;
  conversations: Conversations;
  settings: SettingsRepo;
  schedules: SchedulesRepo;
  handoffs: HandoffsRepo;
  /** Where a hand-back's "keep which side?" is asked again when the VM could not keep the laptop's. */
  questions: QuestionsRepo;
  /** Where a kept laptop side is recorded as a change (its line, /diff, /undo), as a hand-back's is. */
  changes: Pick<Changes, "record"> | null;
  agent: UserAgent;
  log: Log;
  /** Dates each answer when it came (this runs outside the pump, with no `now` to count from): a clone may take minutes. */
  clock: Clock;
};

function changeDeps(d: AfterCommandDeps): ChangeActionDeps {
  return { vm: d.vm, phone: d.phone, bucket: d.env.MEDIA, config: d.config, sql: d.sql, outbox: d.outboxRepo, log: d.log, clock: d.clock };
}

export async function afterCommand(d: AfterCommandDeps, action: VmAction, messageId: string): Promise<void> {
  const { vm } = d;
  const say = (body: string) => d.outbox.add({ dedupeKey: outboxKeys.command(messageId), body, now: d.clock() });
  switch (action.kind) {
    case "cancel":
      await Promise.all([...action.vmRunIds.map((id) => vm?.cancel(id)), ...(action.previewWorkspaces ?? []).map((ws) => vm?.preview(d.phone, ws, "DELETE").catch(() => null))]);
      return;
    case "delete_workspace": {
      // The conversation's run diffs go with it (media retention never deletes them).
      if (action.diffKeys?.length && d.env.MEDIA) await d.env.MEDIA.delete(action.diffKeys).catch((e: unknown) => d.log("diff_delete_failed", { keys: action.diffKeys?.length, detail: String(e) }));
      const done = await vm?.deleteWorkspace(d.phone, action.workspace);
      if (!done?.ok) d.log("workspace_delete_failed", { workspace: action.workspace, detail: done ? done.detail : "no VM" });
      return;
    }
    case "forget_rules": {
      const done = await vm?.forgetApprovalRules(d.phone, action.workspace);
      if (!done?.ok) d.log("approval_rules_forget_failed", { workspace: action.workspace, detail: done ? done.detail : "no VM" });
      say(forgetRulesReply(action.conversation, done?.ok === true));
      return;
    }
    case "diff": {
      // Shown from now: a reply naming a line comments on this change (changes/review-replies.ts), even before the picture is drawn.
      d.sql.transaction(() => shownChangesOf(d.settings).shown(outboxKeys.command(messageId), action.change));
      // The summary line carries the conversation's page link, where the diff is drawn in full.
      const link = await pageLink(d, action.page.scope, action.page.epoch, d.clock());
      // It opens at the change (the page's `#change`), not at the top of the transcript.
      return sendDiffPicture(changeDeps(d), { key: action.key, summary: withPageLink(action.summary, link ? `${link.url}#change` : null) }, outboxKeys.command(messageId));
    }
    case "undo":
    case "redo":
      return restoreFiles(changeDeps(d), action, outboxKeys.command(messageId));
    case "ship_preview":
    case "ship": {
      const deps = { vm, phone: d.phone, sql: d.sql, settings: d.settings, outbox: d.outboxRepo, log: d.log, clock: d.clock };
      return (action.kind === "ship" ? ship : askShip)(deps, action, outboxKeys.command(messageId));
    }
    case "health":
      say(vmHealthNotice((await vm?.health()) ?? null, action.detail));
      return;
    case "admin": {
      const text = await carryOut(adminDeps(d.env, d.config, { phone: d.phone, agent: d.agent }, d.log), action.request, d.clock());
      // Long (/users with many users): in parts, as its channel's messages hold them.
      d.outbox.add({ dedupeKey: outboxKeys.command(messageId), partKey: (i) => outboxKeys.command(messageId, i), body: text, now: d.clock() });
      return;
    }
    case "github": {
      const { kind: _, ...request } = action;
      say(await carryOutGithub(d, request));
      return;
    }
    case "link":
    case "link_answer":
    case "unlink": {
      // This object answers for itself without an RPC to itself; any other is reached by RPC.
      const other = (name: string) => d.env.PHONE_AGENT.get(d.env.PHONE_AGENT.idFromName(name));
      const setLinkedChat = async (home: string, chat: ChatAddress | null) => {
        if (home === d.phone) d.sql.transaction(() => applyLinkedChat(d.settings, d.phone, chat));
        else await other(home).setLinkedChat(chat);
      };
      const pauseTasksOf = async (object: string) => (object === d.phone ? d.sql.transaction(() => pauseAllTasks(d.schedules, d.clock())) : other(object).pauseTasksForLink());
      // Another chat's object is told through its own outbox, as an admin's notice is.
      const tell = async (home: string, key: string, body: string) => {
        if (home === d.phone) d.outbox.add({ dedupeKey: key, body, now: d.clock() });
        else await other(home).queueAdminNotice({ key, body, to: null });
      };
      say(await carryOutLink({ self: d.phone, directory: directoryOf(d.env), setLinkedChat, pauseTasksOf, tell, keys: outboxKeys, log: d.log }, action));
      return;
    }
    case "preview":
      say(await previewLink(d, action));
      return;
    case "preview_off":
      say(await previewOff(d, action));
      return;
    case "shot":
      return sendShot({ ...d, bucket: d.env.MEDIA, outbox: d.outboxRepo }, action, outboxKeys.command(messageId));
    case "web_link": {
      const link = await pageLink(d, action.scope, action.epoch, d.clock());
      if (!link) {
        say(WEB_LINK_UNAVAILABLE);
        return;
      }
      const name = action.scope.kind === "conversation" ? (d.conversations.repo.get(action.scope.conversationId)?.name ?? null) : null;
      // A conversation with a run going: its page opens at the live part.
      const live = action.scope.kind === "conversation" && d.sql<{ n: number }>`SELECT count(*) AS n FROM runs WHERE outcome IS NULL AND conversation_id = ${action.scope.conversationId}`[0]!.n > 0;
      say(webLinkReply({ url: live ? `${link.url}#live` : link.url, what: action.scope.kind === "conversation" ? "conversation" : action.scope.kind, name, ttlHours: link.ttlHours }));
      return;
    }
    case "handoff":
      say(await issueHandoff({ env: d.env, config: d.config, phone: d.phone, sql: d.sql, repos: { handoffs: d.handoffs, conversations: d.conversations.repo, settings: d.settings, questions: d.questions }, vm: d.vm }, action.conversationId, action.direction, d.clock()));
      return;
    case "handoff_new":
      say(await issueHandoffNew({ env: d.env, config: d.config, phone: d.phone, sql: d.sql, repos: { handoffs: d.handoffs, conversations: d.conversations.repo, settings: d.settings, questions: d.questions } }, action.name, d.clock()));
      return;
    case "handoff_keep_laptop":
      say(await keepLaptopSide({ sql: d.sql, repos: { handoffs: d.handoffs, conversations: d.conversations.repo, settings: d.settings, questions: d.questions }, vm: d.vm, phone: d.phone, changes: d.changes }, action.conversationId, action.staged, d.clock()));
      return;
    case "trigger_register":
      return registerTrigger(d, action, messageId);
    case "trigger_unregister":
      return unregisterTrigger(d, action.triggerId);
    case "prepare_workspace": {
      // Off the path of any message: a VM that is down, busy or archived changes nothing, and the
      // first run makes the workspace as it always could.
      const made = vm ? await vm.createWorkspace({ userId: d.phone, workspace: action.workspace }) : null;
      if (made && !made.ok) d.log("workspace_not_prepared", { workspace: action.workspace, detail: made.message });
      return;
    }
    case "clone": {
      const result = vm
        ? await vm.createWorkspace({ userId: d.phone, workspace: action.workspace, clone: { url: action.url, branch: action.branch ?? undefined } })
        : ({ ok: false, message: NO_VM_TO_CLONE } as const);
      const now = d.clock();
      d.sql.transaction(() => finishClone({ conversations: d.conversations, outbox: d.outboxRepo }, action.conversationId, result, now, !action.stayCurrent));
      return;
    }
    default:
      // Every capability's action has its case: one joined in vm-action.ts without one fails to compile here.
      return action satisfies never;
  }
}
