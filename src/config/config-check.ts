// What the relay needs to take a message: the settings of each channel it serves, of its VM mode,
// someone who may write, and a key for media links; and which settings are invalid. Pure (settings
// in, problems out) and by name only, never a value: GET /health answers with these problems, and
// the Worker logs them once per isolate, at its first request (src/config/require-config.ts).
import { CHANNELS_SIGNING_SETTINGS, channelsInUse, channelsNeeds, channelsNeedSigningSetting, channelsWriterLists, type ChannelsInUse } from "../channels/config";
import type { SettingProblem } from "./config-fields";
import { loadConfig } from "./config";

export type { SettingProblem };

type Settings = Readonly<Record<string, unknown>>;

/**
 * Every problem, missing settings first, one per name (a missing setting that a mode requires is
 * also a parse failure of src/config/config.ts: it is named once, as missing).
 */
export function checkSettings(env: Settings): SettingProblem[] {
  const has = (name: string) => {
    const value = env[name];
    return typeof value === "string" && value.trim() !== "";
  };
  const inUse = channelsInUse(has);
  const missing = [...channelsNeeds(has, inUse), ...vmNeeds(env, has), ...writersNeeds(env, inUse), ...mediaNeeds(has, inUse)];
  const loaded = loadConfig(env);
  const invalid = loaded.ok ? [] : loaded.problems.map(invalidProblem);
  const named = new Set<string>();
  return [...missing, ...invalid].filter((p) => !named.has(p.name) && named.add(p.name));
}

/** One line for a log or an answer: `TWILIO_AUTH_TOKEN is not set…`. */
export function describeProblem(p: SettingProblem): string {
  return `${p.name} ${p.problem}`;
}

/** The VM of the mode: shared, one VM at VM_URL; machines, the Fly Machines API. An invalid VM_MODE is named as invalid only. */
function vmNeeds(env: Settings, has: (name: string) => boolean): SettingProblem[] {
  const mode = typeof env.VM_MODE === "string" && env.VM_MODE.trim() !== "" ? env.VM_MODE.trim() : "shared";
  const needed = mode === "shared" ? ["VM_URL", "VM_TOKEN"] : mode === "machines" ? ["FLY_API_TOKEN", "FLY_APP", "FLY_IMAGE", "VM_TOKEN"] : [];
  return needed.filter((name) => !has(name)).map((name) => ({ name, problem: `is not set (required when VM_MODE=${mode}): no run can start` }));
}

/**
 * Someone must be allowed to write through a served channel, by the settings. The runtime
 * allowlist (an admin's /allow, kept by the UserDirectory object) is not read here: GET /health
 * asks no Durable Object, and with every list empty there is no admin left to /allow anyone, so a
 * relay configured for nobody is reported even if people allowed earlier still write.
 */
function writersNeeds(env: Settings, inUse: ChannelsInUse): SettingProblem[] {
  const lists = channelsWriterLists(inUse);
  const someone = lists.some((name) => {
    const value = env[name];
    return typeof value === "string" && value.split(",").some((entry) => entry.trim() !== "");
  });
  if (someone || lists.length === 0) return [];
  return [{ name: lists[0]!, problem: `is empty, and so ${lists.length === 2 ? "is" : "are"} ${lists.slice(1).join(", ")}: nobody may write, and no admin can /allow anyone` }];
}

/**
 * Media and /web links are signed with MEDIA_SIGNING_KEY, else with a key derived from a channel's
 * secret (WhatsApp's auth token). Where that channel is served, its own needs name a missing one.
 */
function mediaNeeds(has: (name: string) => boolean, inUse: ChannelsInUse): SettingProblem[] {
  if (has("MEDIA_SIGNING_KEY") || CHANNELS_SIGNING_SETTINGS.some(has) || channelsNeedSigningSetting(inUse)) return [];
  return [{ name: "MEDIA_SIGNING_KEY", problem: `is not set (nor ${CHANNELS_SIGNING_SETTINGS.join(", ")} to derive its key from): no media and no /web link can be signed` }];
}

/** `FLY_APP: FLY_APP must be …` (src/config/config.ts's form) as `FLY_APP` `is invalid: must be …`. */
function invalidProblem(line: string): SettingProblem {
  const colon = line.indexOf(": ");
  const name = colon > 0 ? line.slice(0, colon) : line;
  const why = colon > 0 ? line.slice(colon + 2) : "";
  return { name, problem: `is invalid: ${why.startsWith(`${name} `) ? why.slice(name.length + 1) : why}` };
}
