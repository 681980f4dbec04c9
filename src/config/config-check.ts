// What the relay needs to take a message: the settings of each channel it serves, of its VM mode,
// someone who may write, and a key for media links; and which settings are invalid. Pure (settings
// in, problems out) and by name only, never a value: GET /health answers with these problems, and
// the Worker logs them once per isolate, at its first request (src/config/require-config.ts).
// Each capability's needs are in its declaration (settings-declaration.ts), handed in with the rest
// in the list's order: each channel's, the VM mode's, who may write, a key for media links.
import type { SettingProblem } from "./config-fields";
import { loadConfig } from "./load-config";
import type { SettingsDeclarations } from "./settings-declaration";

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
  const missing = declarations.flatMap((part) => part.needs?.(has, env) ?? []);
  const loaded = loadConfig(env, declarations);
  const invalid = loaded.ok ? [] : loaded.problems.map(invalidProblem);
  const named = new Set<string>();
  return [...missing, ...invalid].filter((p) => !named.has(p.name) && named.add(p.name));
}

/** One line for a log or an answer: `TWILIO_AUTH_TOKEN is not set…`. */
export function describeProblem(p: SettingProblem): string {
  return `${p.name} ${p.problem}`;
}

/** `FLY_APP: FLY_APP must be …` (src/config/config.ts's form) as `FLY_APP` `is invalid: must be …`. */
function invalidProblem(line: string): SettingProblem {
  const colon = line.indexOf(": ");
  const name = colon > 0 ? line.slice(0, colon) : line;
  const why = colon > 0 ? line.slice(colon + 2) : "";
  return { name, problem: `is invalid: ${why.startsWith(`${name} `) ? why.slice(name.length + 1) : why}` };
}
