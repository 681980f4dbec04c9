// What a WhatsApp /command means, as data: parsed by commands.ts (and the parsers beside it),
// carried out by the Durable Object. Types only, so every parser can name them without importing
// the others.
import type { AdminCommand } from "../admin/command-admin";
import type { LinkCommand } from "../directory/command-link";
import type { ScheduleCommand } from "../schedules/command-schedule";
import type { ConversationCommand } from "../conversations/command-conversation";
import type { EffortCommand, ModelCommand, PlanCommand } from "../conversations/steering";
import type { GithubCommand } from "../github/command-github";
import type { TriggerCommand } from "../triggers/triggers";
import type { PreviewCommand } from "../preview/preview-command";
import type { ShotCommand } from "../preview/shot-command";
import type { InvalidCommand } from "../shared/command-words";
import type { VoiceReplyMode } from "../config/voice-reply-mode";

export type ParsedCommand =
  /** `topic`: /help <topic>, as typed (commands/help.ts reads it). */
  | { type: "help"; topic?: string }
  /** `checkVm`: `/status vm` asks the VM now; plain /status reports it as last seen. */
  | { type: "status"; checkVm: boolean }
  /** `/stop` alone: the current conversation's run; `/stop <name>`: that one's; `/stop all`: every live run. */
  | { type: "cancel"; target?: { name: string } | "all" }
  | ConversationCommand
  | { type: "conversation_list" }
  | { type: "deep"; on: boolean }
  /** /model, /effort, /plan: how the current conversation's agent works (conversations/steering.ts). */
  | ModelCommand
  | EffortCommand
  | PlanCommand
  | { type: "cost" }
  /** `/voice echo on|off`: the one-line echo of what a voice note was heard as; `/voice` alone (on null) shows both settings. */
  | { type: "voice_echo"; on: boolean | null }
  /** `/voice reply auto|on|off`: whether a run's reply also comes back as a voice note. */
  | { type: "voice_reply"; mode: VoiceReplyMode }
  /** `/progress` alone shows the setting. */
  | { type: "progress"; on: boolean | null }
  /** `/approvals` alone shows the current conversation's mode and rules. */
  | { type: "approvals"; action: "show" | "off" | "edits" | "on" | "forget" | "log" }
  | ScheduleCommand
  | { type: "tz_show" }
  | { type: "tz_set"; timeZone: string }
  /** `/web`: a link to the current conversation's page; `all`: every conversation's; `revoke`: ends every link sent before. */
  | { type: "web"; action: "current" | "all" | "revoke" }
  /** `/preview [port] [run command]`: a link to the app the agent (or the user's command) serves in this conversation; `off` ends it. */
  | PreviewCommand
  /** `/shot [wide] [path]`: a picture of that app at 390 px (wide: 1280 px). */
  | ShotCommand
  /** `/diff [n]`: a picture of the n-th last change still in place (1: the last); null n: a bad argument. */
  | { type: "diff"; index: number }
  /** `/undo` asks first; `/redo` takes back the last undo. */
  | { type: "undo" }
  | { type: "redo" }
  /** `/ship [title]`: asks first, then pushes the conversation's work and opens or updates its pull request. */
  | { type: "ship"; title: string | null }
  /** `/handoff`: the shell line that takes the conversation to a laptop; `back`: the one that brings it back; `new`: a laptop's session into a new conversation. */
  | { type: "handoff"; action: "out" | "back" } | { type: "handoff"; action: "new"; name: string }
  /** Admin only (ADMIN_SENDERS): a link to the operator's page. */
  | { type: "dashboard" }
  /**
   * Admin only (ADMIN_SENDERS): is the agent VM reachable, and how fast; with VM_MODE=machines
   * each user's Machine and the app's unowned ones, which `sweep` destroys.
   */
  | { type: "vm_health"; sweep: boolean }
  | TriggerCommand
  /** `/github` lists the watched repositories; watch answers with the webhook's URL and a new secret. */
  | GithubCommand
  /** Admin only (ADMIN_SENDERS): /users, /allow, /deny, /budget. */
  | AdminCommand
  /** /link [code], /unlink, /notify: one agent reached from two apps. */
  | LinkCommand
  | InvalidCommand;
