// Every capability's settings, joined: each declares its own in its folder (the env variables it
// reads, their zod fields, its defaults, what GET /health asks of them) and this record hands them
// to config/, which parses and checks them without importing any capability. Here, above them all,
// beside the other joiners; the Worker's entry (index.ts) and the PhoneAgent read the configuration
// through these.
import { loadConfig as loadConfigOf, type ConfigResult, type SettingsDeclarations } from "../config/config";
import { checkSettings as checkSettingsOf } from "../config/config-check";
import type { SettingProblem } from "../config/config-fields";
import { CHANNELS_SETTINGS } from "../channels/config";
import { MACHINES_SETTINGS } from "../machines/machines-settings";
import { ARCHIVE_SETTINGS } from "../archive/archive-settings";
import { PROGRESS_SETTINGS } from "../runs/progress-settings";
import { APPROVAL_SETTINGS } from "../approvals/approval-settings";

export const RELAY_SETTINGS: SettingsDeclarations = {
  channels: CHANNELS_SETTINGS,
  machines: MACHINES_SETTINGS,
  archive: ARCHIVE_SETTINGS,
  progress: PROGRESS_SETTINGS,
  approvals: APPROVAL_SETTINGS,
};

/** The relay's configuration from `env`, parsed once per environment object (config/config.ts). */
export const loadConfig = (env: object): ConfigResult => loadConfigOf(env, RELAY_SETTINGS);

/** Every setting missing or invalid, by name (config/config-check.ts). */
export const checkSettings = (env: Readonly<Record<string, unknown>>): SettingProblem[] => checkSettingsOf(env, RELAY_SETTINGS);
