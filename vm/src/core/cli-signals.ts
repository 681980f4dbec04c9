// Parses one line of the CLI's `--output-format stream-json` output (zod, fail closed) into the
// few signals a run needs. Everything else the CLI prints is ignored on purpose.
import * as z from "zod";

export type CliSignal =
  | { type: "init"; sessionId: string; consumedUuids: string[] }
  | { type: "consumed"; uuid: string }
  | { type: "tool_use"; name: string; input: Record<string, unknown> }
  | { type: "auth_failed"; message: string }
  | {
      type: "result";
      text: string;
      isError: boolean;
      subtype: string;
      costUsd: number;
      numTurns: number;
      durationMs: number;
      sessionId: string;
      unknownSession: boolean;
      authFailed: boolean;
    };

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
    content: z.array(z.looseObject({ type: z.string(), name: z.string().optional(), input: z.unknown().optional() })),
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
});

const NO_CONVERSATION = /No conversation found with session ID/;

function resultSignal(line: z.infer<typeof ResultSchema>): CliSignal {
  const since = line.model_usage_since_last_result;
  const sum = since ? Object.values(since).reduce((total, usage) => total + (usage.costUSD ?? 0), 0) : (line.total_cost_usd ?? 0);
  // Rounded to a nano-dollar so adding the per-model costs leaves no float noise.
  const costUsd = Math.round(sum * 1e9) / 1e9;
  const errors = line.errors ?? [];
  return {
    type: "result",
    text: line.result ?? errors.join("\n"),
    isError: line.is_error,
    subtype: line.subtype,
    costUsd,
    numTurns: line.num_turns ?? 0,
    durationMs: Math.round(line.duration_ms ?? 0),
    sessionId: line.session_id,
    unknownSession: errors.some((e) => NO_CONVERSATION.test(e)),
    authFailed: line.api_error_status === 401,
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
      return [{ type: "auth_failed", message: "Anthropic refused the CLI's credentials (HTTP 401)" }];
    }
    return [];
  }
  if (type === "assistant") {
    const parsed = AssistantSchema.safeParse(line);
    if (!parsed.success) return [];
    return parsed.data.message.content.flatMap((block): CliSignal[] =>
      block.type === "tool_use" && block.name
        ? [{ type: "tool_use", name: block.name, input: (typeof block.input === "object" && block.input !== null ? block.input : {}) as Record<string, unknown> }]
        : [],
    );
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
