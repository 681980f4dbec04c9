// What the relay needs to take a message: the settings of each channel it serves, of its VM mode,
// someone who may write, and a key for media links; and which settings are invalid. Pure (settings
// in, problems out) and by name only, never a value: GET /health answers with these problems, and
// the Worker logs them once per isolate, at its first request (src/config/require-config.ts).
// Each capability's own needs are in its declaration (settings-declaration.ts), handed in with the rest.
import type { SettingProblem } from "./config-fields";
import { loadConfig, type SettingsDeclarations } from "./config";

export type { SettingProblem };

type Settings = Readonly<Record<string, unknown>>;

/**
 * Every problem, missing settings first, one per name (a missing setting that a mode requires is
 * also a parse failure of src/config/config.ts: it is named once, as missing).
 */
export function checkSettings(env: Settings, declarations: SettingsDeclarations): SettingProblem[] {
  const has = (name: string) => {
    const value = env[name];
    return typeof value === "string" && value.trim() !== "";
  };
  const served = declarations.channels.served(has);
  const missing = [
    ...served.needs,
    ...[declarations.machines, declarations.archive, declarations.progress, declarations.approvals].flatMap((part) => part.needs?.(has, env) ?? []),
    ...writersNeeds(env, served.writerLists),
    ...mediaNeeds(has, declarations.channels.signingSettings, served.needsSigningSetting),
  ];
  const loaded = loadConfig(env, declarations);
  const invalid = loaded.ok ? [] : loaded.problems.map(invalidProblem);
  const named = new Set<string>();
  return [...missing, ...invalid].filter((p) => !named.has(p.name) && named.add(p.name));
}

/** One line for a log or an answer: `TWILIO_AUTH_TOKEN is not set…`. */
export function describeProblem(p: SettingProblem): string {
  return `${p.name} ${p.problem}`;
}

/**
 * Someone must be allowed to write through a served channel, by the settings. The runtime
 * allowlist (an admin's /allow, kept by the UserDirectory object) is not read here: GET /health
 * asks no Durable Object, and with every list empty there is no admin left to /allow anyone, so a
 * relay configured for nobody is reported even if people allowed earlier still write.
 */
function writersNeeds(env: Settings, lists: readonly string[]): SettingProblem[] {
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
function mediaNeeds(has: (name: string) => boolean, signingSettings: readonly string[], servedNeedsOne: boolean): SettingProblem[] {
  if (has("MEDIA_SIGNING_KEY") || signingSettings.some(has) || servedNeedsOne) return [];
  return [{ name: "MEDIA_SIGNING_KEY", problem: `is not set (nor ${signingSettings.join(", ")} to derive its key from): no media and no /web link can be signed` }];
}

/** `FLY_APP: FLY_APP must be …` (src/config/config.ts's form) as `FLY_APP` `is invalid: must be …`. */
function invalidProblem(line: string): SettingProblem {
  const colon = line.indexOf(": ");
  const name = colon > 0 ? line.slice(0, colon) : line;
  const why = colon > 0 ? line.slice(colon + 2) : "";
  return { name, problem: `is invalid: ${why.startsWith(`${name} `) ? why.slice(name.length + 1) : why}` };
}
