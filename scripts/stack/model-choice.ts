// Which model the local stack's agent talks to: the real one when the shell has a credential,
// otherwise the project's offline model (a local stand-in of the Anthropic Messages API). Pure.
import { OFFLINE_MODEL_KEY } from "../../src/protocol/vm/runs";

export type ModelChoice =
  | { kind: "offline"; url: string }
  | { kind: "real"; credential: "ANTHROPIC_API_KEY" | "CLAUDE_CODE_OAUTH_TOKEN" };

const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== "";

export function chooseModel(env: Readonly<Record<string, string | undefined>>, offlineUrl: string): ModelChoice {
  if (isSet(env.ANTHROPIC_API_KEY)) return { kind: "real", credential: "ANTHROPIC_API_KEY" };
  if (isSet(env.CLAUDE_CODE_OAUTH_TOKEN)) return { kind: "real", credential: "CLAUDE_CODE_OAUTH_TOKEN" };
  return { kind: "offline", url: offlineUrl };
}

/** The one line `npm start` prints about it. */
export function describeModel(choice: ModelChoice): string {
  return choice.kind === "offline"
    ? `No ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN: using the offline model at ${choice.url} (canned replies).`
    : `${choice.credential} is set: the agent uses the real model.`;
}

/**
 * What the VM's environment gets on top of the shell's. The CLI insists on some credential, and
 * the offline model takes any; telemetry and other non-essential traffic would only fail offline.
 * With a real credential nothing is added: the VM passes the shell's ANTHROPIC_* through.
 */
export function modelEnv(choice: ModelChoice): Record<string, string> {
  if (choice.kind === "real") return {};
  return {
    ANTHROPIC_BASE_URL: choice.url,
    ANTHROPIC_API_KEY: OFFLINE_MODEL_KEY,
    DISABLE_TELEMETRY: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  };
}
