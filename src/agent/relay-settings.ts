// Every capability's settings, listed: each declares its own in its folder (the env variables it
// reads, their zod fields, its defaults and its fields of Config, what GET /health asks of them) and
// this list hands them to config/, which parses and checks them without importing any capability.
// Here, above them all, beside the other joiners; the Worker's entry (index.ts) and the PhoneAgent
// read the configuration through these. A capability with settings adds one line.
//
// The list's order is GET /health's and the log's: invalid settings are named in it, and missing
// ones by the parts' needs in it (a channel's, the VM mode's, who may write, a key for media links).
// A part reads after the parts whose fields it falls back to or completes (media links after the
// channels and media, the doors after media links, a Machine's retirement after the machines).
import type { ConfigResult } from "../config/config";
import { loadConfig as loadConfigOf } from "../config/load-config";
import { RELAY_OWN_SETTINGS } from "../config/relay-own-settings";
import { checkSettings as checkSettingsOf } from "../config/config-check";
import type { SettingProblem } from "../config/config-fields";
import type { SettingsDeclarations } from "../config/settings-declaration";
import { CHANNEL_WRITERS_SETTINGS, CHANNELS_SETTINGS } from "../channels/config";
import { MACHINE_RETIRE_SETTINGS, MACHINES_SETTINGS } from "../machines/machines-settings";
import { ARCHIVE_SETTINGS } from "../archive/archive-settings";
import { USAGE_SETTINGS } from "../usage/usage-settings";
import { PARALLEL_RUNS_SETTINGS } from "../runs/parallel-runs-settings";
import { ALLOWLIST_SETTINGS } from "../directory/allowlist-settings";
import { PROGRESS_SETTINGS } from "../runs/progress-settings";
import { APPROVAL_SETTINGS } from "../approvals/approval-settings";
import { MEDIA_LINK_SETTINGS, MEDIA_SETTINGS } from "../media/media-settings";
import { GITHUB_SETTINGS } from "../github/github-settings";
import { HANDOFF_SETTINGS } from "../handoff/handoff-settings";
import { DOOR_SETTINGS } from "../triggers/door-settings";
import { WEB_SETTINGS } from "../web/web-settings";

export const RELAY_SETTINGS: SettingsDeclarations = [
  CHANNELS_SETTINGS,
  RELAY_OWN_SETTINGS,
  CHANNEL_WRITERS_SETTINGS,
  MACHINES_SETTINGS,
  ARCHIVE_SETTINGS,
  MACHINE_RETIRE_SETTINGS,
  USAGE_SETTINGS,
  PARALLEL_RUNS_SETTINGS,
  ALLOWLIST_SETTINGS,
  PROGRESS_SETTINGS,
  APPROVAL_SETTINGS,
  MEDIA_SETTINGS,
  GITHUB_SETTINGS,
  HANDOFF_SETTINGS,
  MEDIA_LINK_SETTINGS,
  DOOR_SETTINGS,
  WEB_SETTINGS,
];

/** The relay's configuration from `env`, parsed once per environment object (config/config.ts). */
export const loadConfig = (env: object): ConfigResult => loadConfigOf(env, RELAY_SETTINGS);

/** Every setting missing or invalid, by name (config/config-check.ts). */
export const checkSettings = (env: Readonly<Record<string, unknown>>): SettingProblem[] => checkSettingsOf(env, RELAY_SETTINGS);
