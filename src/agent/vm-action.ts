// What a stored message may ask to be done once the webhook has its answer (agent/after-command.ts
// carries it out): each capability declares the actions its commands and answers make, and they
// are joined here, so a new capability adds its own with one line below and a case in
// after-command.ts, editing nothing of the folders below.
import type { AdminAction } from "../admin/command-admin";
import type { ForgetRulesAction } from "../approvals/approvals";
import type { ChangeAction } from "../changes/change-commands";
import type { ConversationAction } from "../conversations/conversation-commands";
import type { LinkAction } from "../directory/link-actions";
import type { GithubAction } from "../github/command-github";
import type { ShipAction } from "../github/ship-commands";
import type { HandoffAction } from "../handoff/handoff";
import type { PreviewAction, PreviewOffAction } from "../preview/preview-actions";
import type { ShotAction } from "../preview/shot-actions";
import type { TriggerAction } from "../triggers/trigger-commands";
import type { WebLinkAction } from "../web/web-links";

/**
 * The commands answered here, in agent/command-handler.ts, with no folder of their own to declare
 * them. `cancel`: /stop's runs cancelled on the VM, and the stopped conversations' kept preview
 * servers (`previewWorkspaces`) ended too. `health`: /status vm and /vm; `detail`, the VM's
 * configuration problem in words (admins), where users hear only that it can't run.
 */
export type CancelAction = { kind: "cancel"; vmRunIds: string[]; previewWorkspaces?: string[] };
export type HealthAction = { kind: "health"; detail: boolean };

export type VmAction =
  | CancelAction
  | HealthAction
  | ConversationAction
  | ChangeAction
  | ForgetRulesAction
  | AdminAction
  | GithubAction
  | HandoffAction
  | PreviewAction
  | PreviewOffAction
  | ShotAction
  | WebLinkAction
  | TriggerAction
  | LinkAction
  | ShipAction;
