// Parses one line of the CLI's `--output-format stream-json` output (zod, fail closed) into the
// few signals a run needs. Everything else the CLI prints is ignored on purpose.
import * as z from "zod";
import { isLimitName } from "./model-limit-headers";

/** Why the CLI could not authenticate: Anthropic refused its credentials, or it has none. */
export type AuthFailure = "credentials_refused" | "no_credentials";

export type CliSignal =
  | { type: "init"; sessionId: string; consumedUuids: string[] }
  | { type: "consumed"; uuid: string }
  /** `id`: the tool_use block's, which the permission prompt tool is asked about (null when absent). */
  | { type: "tool_use"; id: string | null; name: string; input: Record<string, unknown> }
  | { type: "auth_failed"; message: string; reason: AuthFailure }
  /**
   * The model refused for a usage limit (a subscription's `rate_limit_event`, status `rejected`):
   * when it lifts (epoch ms) and which limit it is, as the CLI reported them.
   */
  | { type: "model_limit"; resetsAt: number | null; limit: string | null }
  | {
      type: "result";
      text: string;
      isError: boolean;
      subtype: string;
      costUsd: number;
      /** The turn's cost by model (the CLI's model ids); absent or empty when it gave none. */
      costByModel?: Record<string, number>;
      numTurns: number;
      durationMs: number;
      sessionId: string;
      unknownSession: boolean;
      authFailure: AuthFailure | null;
      /** Why the model gave no answer, when the result is the CLI's word for an API error (null otherwise). */
      modelFailure: ModelFailure | null;
    };

/**
 * An API error the relay waits out rather than answers: a limit (429), or a model that stayed
 * overloaded or failing (5xx, 529, no connection) through the CLI's own ten retries.
 */
export type ModelFailure = "limit" | "unavailable" | "not_found";

const InitSchema = z.object({
  subtype: z.literal("init"),
  session_id: z.string().min(1),
  user_message_uuids: z.array(z.string()).optional(),
});

const ApiRetrySchema = z.object({
  subtype: z.literal("api_retry"),
  error_status: z.number().nullable().optional(),
  error: z.string().optional(),
});

const AssistantSchema = z.object({
  message: z.object({
    content: z.array(z.looseObject({ type: z.string(), id: z.string().max(200).optional(), name: z.string().optional(), input: z.unknown().optional(), text: z.string().optional() })),
  }),
  /** "authentication_failed" on the message the CLI makes up when it cannot authenticate. */
  error: z.string().optional(),
  api_error_status: z.number().nullable().optional(),
});

/** A subscription's limit, as the CLI reports each answer's unified rate-limit headers. */
const RateLimitEventSchema = z.object({
  rate_limit_info: z.object({
    status: z.string(),
    /** Epoch seconds. */
    resetsAt: z.number().positive().optional(),
    rateLimitType: z.string().optional(),
  }),
});

const ReplaySchema = z.object({ uuid: z.string(), isReplay: z.literal(true) });

const LifecycleSchema = z.object({ command_uuid: z.string(), state: z.string() });

const ResultSchema = z.object({
  subtype: z.string(),
  is_error: z.boolean(),
  session_id: z.string().min(1),
  result: z.string().optional(),
  errors: z.array(z.string()).optional(),
  total_cost_usd: z.number().nonnegative().optional(),
  /** Per turn; `total_cost_usd` adds up the whole session, resumed history included. */
  model_usage_since_last_result: z.record(z.string(), z.looseObject({ costUSD: z.number().optional() })).optional(),
  num_turns: z.number().int().nonnegative().optional(),
  duration_ms: z.number().nonnegative().optional(),
  api_error_status: z.number().nullable().optional(),
  /** "api_error" when the turn ended on an API error the CLI gave up on. */
  terminal_reason: z.string().optional(),
});

const NO_CONVERSATION = /No conversation found with session ID/;
/** The CLI's words, without any credentials, instead of calling the API. */
const NOT_LOGGED_IN = /^Not logged in\b/;

function modelFailureOf(line: z.infer<typeof ResultSchema>): ModelFailure | null {
  if (!line.is_error) return null;
  const status = line.api_error_status ?? null;
  if (status === 429) return "limit";
  // The model named by --model is not one the account can use (observed: docs/notes/cli-observations.md).
  if (status === 404) return "not_found";
  if (status !== null && status >= 500) return "unavailable";
  // No status: the CLI never got an answer (connection refused or reset, after its retries).
  return status === null && line.terminal_reason === "api_error" ? "unavailable" : null;
}

function authFailureOf(status: number | null | undefined, text: string): AuthFailure | null {
  if (status === 401) return "credentials_refused";
  return NOT_LOGGED_IN.test(text) ? "no_credentials" : null;
}

const AUTH_MESSAGES: Record<AuthFailure, string> = {
  credentials_refused: "Anthropic refused the CLI's credentials (HTTP 401)",
  no_credentials: "the CLI has no Anthropic credentials (it said: Not logged in): set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN",
};

function authFailed(reason: AuthFailure): CliSignal {
  return { type: "auth_failed", message: AUTH_MESSAGES[reason], reason };
}

function resultSignal(line: z.infer<typeof ResultSchema>): CliSignal {
  const since = line.model_usage_since_last_result;
  const sum = since ? Object.values(since).reduce((total, usage) => total + (usage.costUSD ?? 0), 0) : (line.total_cost_usd ?? 0);
  // Rounded to a nano-dollar so adding the per-model costs leaves no float noise.
  const costUsd = Math.round(sum * 1e9) / 1e9;
  const errors = line.errors ?? [];
  const text = line.result ?? errors.join("\n");
  return {
    type: "result",
    text,
    isError: line.is_error,
    subtype: line.subtype,
    costUsd,
    costByModel: Object.fromEntries(Object.entries(since ?? {}).slice(0, 20).map(([model, usage]) => [model.slice(0, 100), Math.round((usage.costUSD ?? 0) * 1e9) / 1e9])),
    numTurns: line.num_turns ?? 0,
    durationMs: Math.round(line.duration_ms ?? 0),
    sessionId: line.session_id,
    unknownSession: errors.some((e) => NO_CONVERSATION.test(e)),
    authFailure: line.is_error ? authFailureOf(line.api_error_status, text) : null,
    modelFailure: modelFailureOf(line),
  };
}

/** Signals in one output line (none for lines a run does not act on, or that do not parse). */
export function parseCliLine(raw: string): CliSignal[] {
  let line: unknown;
  try {
    line = JSON.parse(raw);
  } catch {
    return [];
  }
  if (typeof line !== "object" || line === null) return [];
  const type = (line as { type?: unknown }).type;
  if (type === "system") {
    const init = InitSchema.safeParse(line);
    if (init.success) return [{ type: "init", sessionId: init.data.session_id, consumedUuids: init.data.user_message_uuids ?? [] }];
    const retry = ApiRetrySchema.safeParse(line);
    if (retry.success && (retry.data.error_status === 401 || retry.data.error === "authentication_failed")) {
      return [authFailed("credentials_refused")];
    }
    return [];
  }
  if (type === "assistant") {
    const parsed = AssistantSchema.safeParse(line);
    if (!parsed.success) return [];
    if (parsed.data.error === "authentication_failed") {
      const text = parsed.data.message.content.map((block) => block.text ?? "").join("");
      return [authFailed(authFailureOf(parsed.data.api_error_status, text) ?? "credentials_refused")];
    }
    return parsed.data.message.content.flatMap((block): CliSignal[] =>
      block.type === "tool_use" && block.name
        ? [{ type: "tool_use", id: block.id ?? null, name: block.name, input: (typeof block.input === "object" && block.input !== null ? block.input : {}) as Record<string, unknown> }]
        : [],
    );
  }
  if (type === "rate_limit_event") {
    const limit = RateLimitEventSchema.safeParse(line);
    if (!limit.success || limit.data.rate_limit_info.status !== "rejected") return [];
    const { resetsAt, rateLimitType } = limit.data.rate_limit_info;
    return [{ type: "model_limit", resetsAt: resetsAt === undefined ? null : Math.round(resetsAt * 1000), limit: rateLimitType !== undefined && isLimitName(rateLimitType) ? rateLimitType : null }];
  }
  if (type === "user") {
    const replay = ReplaySchema.safeParse(line);
    return replay.success ? [{ type: "consumed", uuid: replay.data.uuid }] : [];
  }
  if (type === "command_lifecycle") {
    const lifecycle = LifecycleSchema.safeParse(line);
    return lifecycle.success && lifecycle.data.state === "started" ? [{ type: "consumed", uuid: lifecycle.data.command_uuid }] : [];
  }
  if (type === "result") {
    const result = ResultSchema.safeParse(line);
    return result.success ? [resultSignal(result.data)] : [];
  }
  return [];
}
