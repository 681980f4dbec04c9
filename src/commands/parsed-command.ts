// What a WhatsApp /command means, as data: parsed by commands.ts (and the parsers beside it),
// carried out by the Durable Object. Types only, so every parser can name them without importing
// the others.
import type { AdminCommand } from "../admin/command-admin";
import type { LinkCommand } from "../directory/command-link";
import type { ScheduleRequest } from "../schedules/schedule-validate";

export type ScheduleAction = "pause" | "resume" | "delete" | "log" | "trust";

export type ParsedCommand =
  /** `topic`: /help <topic>, as typed (commands/help.ts reads it). */
  | { type: "help"; topic?: string }
  /** `checkVm`: `/status vm` asks the VM now; plain /status reports it as last seen. */
  | { type: "status"; checkVm: boolean }
  /** `/stop` alone: the current conversation's run; `/stop <name>`: that one's; `/stop all`: every live run. */
  | { type: "cancel"; target?: { name: string } | "all" }
  /** `/new` alone and `/clear`: a fresh session in the current conversation's project. */
  | { type: "new_session" }
  | { type: "conversation_create"; name: string; repo: { url: string; branch: string | null } | null }
  | { type: "conversation_list" }
  /** A name or a number as /sessions shows them; resolved against the user's conversations. */
  | { type: "conversation_switch"; target: string }
  | { type: "conversation_rename"; name: string }
  | { type: "conversation_delete"; name: string; confirmed: boolean }
  | { type: "deep"; on: boolean }
  | { type: "cost" }
  /** `/voice echo on|off`: the one-line echo of what a voice note was heard as; `/voice` alone shows it. */
  | { type: "voice_echo"; on: boolean | null }
  /** `/progress` alone shows the setting. */
  | { type: "progress"; on: boolean | null }
  /** `/approvals` alone shows the current conversation's mode and rules. */
  | { type: "approvals"; action: "show" | "off" | "edits" | "on" | "forget" | "log" }
  | { type: "git_show" }
  | { type: "git_set"; field: "name" | "email"; value: string }
  /** Not yet validated: pass `request` to validateScheduleSpec with the user's zone and now. */
  | { type: "schedule_create"; request: ScheduleRequest }
  | { type: "schedule_list" }
  | { type: "schedule_manage"; action: ScheduleAction; id: number }
  | { type: "tz_show" }
  | { type: "tz_set"; timeZone: string }
  /** `/web`: a link to the current conversation's page; `all`: every conversation's; `revoke`: ends every link sent before. */
  | { type: "web"; action: "current" | "all" | "revoke" }
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
  /** `/trigger add NAME PROMPT` (in the current conversation), `/trigger remove NAME`, `/triggers`. */
  | { type: "trigger_add"; name: string; prompt: string }
  | { type: "trigger_remove"; name: string }
  | { type: "trigger_list" }
  /** `/github` lists the watched repositories; watch answers with the webhook's URL and a new secret. */
  | { type: "github"; action: "list" } | { type: "github"; action: "watch" | "unwatch"; repo: string }
  /** `/github trust owner/repo`: its events' runs keep the conversation's approval mode; `untrust`: they ask before every action again. */
  | { type: "github_trust"; repo: string; on: boolean }
  /** `/autofix on|off` in the current conversation; `/autofix` alone shows it. */
  | { type: "autofix"; on: boolean | null }
  /** Admin only (ADMIN_SENDERS): /users, /allow, /deny, /budget. */
  | AdminCommand
  /** /link [code], /unlink, /notify: one agent reached from two apps. */
  | LinkCommand
  | { type: "invalid"; reason: string };
