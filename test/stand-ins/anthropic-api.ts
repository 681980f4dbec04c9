// The offline model: a local stand-in of the Anthropic Messages API that the real Claude Code
// CLI talks to in tests and in `npm start` without credentials, on node:http. It also stands in for
// Workers AI's Whisper (TRANSCRIBER_URL, offline-transcript.ts) and speech model (SPEECH_URL,
// offline-speech.ts: the one part with dependencies, zod and the Opus encoder).
// Replies are canned, marked "[offline model]", and deterministic from the conversation;
// directives in the latest user text ([[slow MS]], [[fail STATUS]], [[auth]], [[long N]],
// [[tool NAME {json}]], [[count]], [[limit S]]) are documented in docs/vm.md.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { planReply, readConversation, type ReplyPlan } from "./anthropic-conversation";
import { offlineTranscript } from "./offline-transcript";
import { SpeechRequestSchema, speakOffline } from "./offline-speech";

export type RecordedRequest = { method: string; path: string; body: unknown; at: number };

export type AnthropicStandIn = {
  url: string;
  /** Every request received, in order (bodies parsed when JSON). */
  requests: RecordedRequest[];
  close(): Promise<void>;
};

const MAX_BODY_BYTES = 32 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new Error("request too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "request-id": `req_offline_${Date.now()}`, ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, type: string, message: string, shouldRetry = true): void {
  sendJson(res, status, { type: "error", error: { type, message } }, shouldRetry ? {} : { "x-should-retry": "false" });
}

/** Token counts are estimates (4 characters a token): deterministic, so costs are too. */
function tokensOf(value: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(value ?? "").length / 4));
}

type Content = { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

/** The message's blocks: one text, or one tool_use per `[[tool …]]` directive (ids `toolu_<id>`, `toolu_<id>_2`, …). */
function contentOf(plan: Extract<ReplyPlan, { kind: "text" | "tool_use" }>, id: string): Content[] {
  if (plan.kind === "text") return [{ type: "text", text: plan.text }];
  return [{ name: plan.name, input: plan.input }, ...plan.also].map((tool, i) => ({ type: "tool_use", id: i === 0 ? `toolu_${id}` : `toolu_${id}_${i + 1}`, ...tool }));
}

function chunksOf(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks.length > 0 ? chunks : [""];
}

/** The streaming answer, event by event, as the Messages API sends it. */
function blockEvents(content: Content, index: number): Array<[string, unknown]> {
  const start = content.type === "text" ? { type: "text", text: "" } : { ...content, input: {} };
  const deltas =
    content.type === "text"
      ? chunksOf(content.text, 400).map((text) => ({ type: "text_delta", text }))
      : chunksOf(JSON.stringify(content.input), 400).map((partial_json) => ({ type: "input_json_delta", partial_json }));
  return [
    ["content_block_start", { type: "content_block_start", index, content_block: start }],
    ...(index === 0 ? [["ping", { type: "ping" }] as [string, unknown]] : []),
    ...deltas.map((delta): [string, unknown] => ["content_block_delta", { type: "content_block_delta", index, delta }]),
    ["content_block_stop", { type: "content_block_stop", index }],
  ];
}

function streamEvents(model: string, id: string, blocks: Content[], inputTokens: number): Array<[string, unknown]> {
  const outputTokens = tokensOf(blocks.length === 1 ? blocks[0] : blocks);
  const usage = { input_tokens: inputTokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const content = blocks[0];
  const message = { id: `msg_${id}`, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage };
  return [
    ["message_start", { type: "message_start", message }],
    ...blocks.flatMap((block, index) => blockEvents(block, index)),
    [
      "message_delta",
      {
        type: "message_delta",
        delta: { stop_reason: content?.type === "tool_use" ? "tool_use" : "end_turn", stop_sequence: null },
        usage: { output_tokens: outputTokens },
      },
    ],
    ["message_stop", { type: "message_stop" }],
  ];
}

/**
 * `[[limit S]]`: the first request whose latest text carries it starts a limit that lifts S seconds
 * later; until then each such request is refused with a 429 rate_limit_error and `retry-after`, as
 * Anthropic refuses: a subscription's token (`authorization: Bearer`) with the unified rate-limit
 * headers, an API key (`x-api-key`) with the requests limit's (`-limit`, `-remaining: 0`, `-reset`
 * in RFC 3339).
 */
function refuseForLimit(req: IncomingMessage, res: ServerResponse, latest: string, limits: Map<string, number>): boolean {
  const seconds = /\[\[limit (\d+)\]\]/.exec(latest)?.[1];
  if (seconds === undefined) return false;
  const resetsAt = limits.get(latest) ?? Date.now() + Number(seconds) * 1000;
  limits.set(latest, resetsAt);
  if (Date.now() >= resetsAt) return false;
  const reset = String(Math.ceil(resetsAt / 1000));
  const limitHeaders: Record<string, string> = req.headers["x-api-key"]
    ? {
        "anthropic-ratelimit-requests-limit": "50",
        "anthropic-ratelimit-requests-remaining": "0",
        "anthropic-ratelimit-requests-reset": new Date(Math.ceil(resetsAt / 1000) * 1000).toISOString().replace(".000Z", "Z"),
      }
    : {
        "anthropic-ratelimit-unified-status": "rejected",
        "anthropic-ratelimit-unified-reset": reset,
        "anthropic-ratelimit-unified-representative-claim": "five_hour",
        "anthropic-ratelimit-unified-5h-status": "rejected",
        "anthropic-ratelimit-unified-5h-reset": reset,
      };
  sendJson(res, 429, { type: "error", error: { type: "rate_limit_error", message: "This request would exceed your account's rate limit. Please try again later." } }, {
    "retry-after": String(Math.ceil((resetsAt - Date.now()) / 1000)),
    ...limitHeaders,
  });
  return true;
}

/** A model the offline model plays the account cannot use: any whose id says "unavailable" (`/model claude-unavailable-1`). */
const UNAVAILABLE_MODEL = /unavailable/i;

function answerMessages(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>, id: string, limits: Map<string, number>): void {
  if (!req.headers["x-api-key"] && !req.headers.authorization) {
    sendError(res, 401, "authentication_error", "x-api-key header is required");
    return;
  }
  // A model the account cannot use, as Anthropic answers it: 404 not_found_error naming it.
  if (typeof body.model === "string" && UNAVAILABLE_MODEL.test(body.model)) {
    sendError(res, 404, "not_found_error", `model: ${body.model}`, false);
    return;
  }
  const conversation = readConversation(body);
  if (refuseForLimit(req, res, conversation.userTexts.at(-1) ?? "", limits)) return;
  const plan = planReply(conversation);
  if (plan.kind === "error") {
    sendError(res, plan.status, plan.errorType, plan.message, plan.shouldRetry);
    return;
  }
  const model = typeof body.model === "string" ? body.model : "offline-model";
  const content = contentOf(plan, id);
  const inputTokens = tokensOf(body.messages);
  if (body.stream !== true) {
    const stopReason = plan.kind === "text" ? "end_turn" : "tool_use";
    const usage = { input_tokens: inputTokens, output_tokens: tokensOf(content.length === 1 ? content[0] : content) };
    sendJson(res, 200, { id: `msg_${id}`, type: "message", role: "assistant", model, content, stop_reason: stopReason, stop_sequence: null, usage });
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": `req_${id}` });
  const [first, ...rest] = streamEvents(model, id, content, inputTokens);
  const write = ([event, data]: [string, unknown]) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  if (first) write(first);
  // The delay sits between message_start and the content, like a model that thinks for a while.
  const timer = setTimeout(() => {
    for (const event of rest) write(event);
    res.end();
  }, plan.delayMs);
  res.on("close", () => clearTimeout(timer));
}

/** Where the offline stand-in of Workers AI's transcription model answers (TRANSCRIBER_URL). */
export { TRANSCRIBE_PATH } from "../../scripts/stack/transcribe-path";
import { TRANSCRIBE_PATH } from "../../scripts/stack/transcribe-path";
/** Where the offline stand-in of Workers AI's speech model answers (SPEECH_URL). */
export { SPEECH_PATH } from "../../scripts/stack/speech-path";
import { SPEECH_PATH } from "../../scripts/stack/speech-path";

/** Workers AI's aura-1, offline: its input, checked; the audio file's bytes, or a one-line 400. */
function answerSpeech(res: ServerResponse, body: unknown): void {
  const parsed = SpeechRequestSchema.safeParse(body);
  if (!parsed.success) {
    const message = parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
    sendJson(res, 400, { errors: [{ message }] });
    return;
  }
  const speech = speakOffline(parsed.data);
  res.writeHead(200, { "content-type": "audio/ogg", "content-length": String(speech.bytes.byteLength) });
  res.end(speech.bytes);
}

export async function startAnthropicStandIn(options: { port?: number; host?: string } = {}): Promise<AnthropicStandIn> {
  const requests: RecordedRequest[] = [];
  /** `[[limit S]]`: when each limited text's limit lifts. */
  const limits = new Map<string, number>();
  let counter = 0;
  // Ids unique beyond this process, as the API's are: a session on disk outlives this server
  // (the next `npm start` runs a new one), and the CLI drops a tool call whose id it has seen.
  const instance = randomBytes(6).toString("hex");
  const server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const method = req.method ?? "GET";
    let text: string;
    try {
      text = await readBody(req);
    } catch {
      sendError(res, 413, "request_too_large", "request exceeds the stand-in's limit");
      return;
    }
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: recorded as text, answered below.
    }
    requests.push({ method, path, body, at: Date.now() });
    const id = `offline_${instance}_${String(++counter).padStart(6, "0")}`;
    if ((method === "HEAD" || method === "GET") && (path === "/" || path === "/api/hello")) {
      res.writeHead(200).end();
    } else if (method === "POST" && path === "/v1/messages/count_tokens" && typeof body === "object" && body !== null) {
      sendJson(res, 200, { input_tokens: tokensOf((body as { messages?: unknown }).messages) });
    } else if (method === "POST" && path === "/v1/messages" && typeof body === "object" && body !== null) {
      answerMessages(req, res, body as Record<string, unknown>, id, limits);
    } else if (method === "POST" && path === TRANSCRIBE_PATH) {
      // Workers AI's Whisper, offline: the same input ({audio: base64}) and output shape.
      const audio = typeof body === "object" && body !== null ? (body as { audio?: unknown }).audio : undefined;
      if (typeof audio !== "string" || audio === "") {
        sendJson(res, 400, { errors: [{ message: "audio (base64) is required" }] });
      } else {
        const heard = offlineTranscript(Buffer.from(audio, "base64"));
        sendJson(res, 200, { text: heard.text, word_count: heard.text.split(/\s+/).length, transcription_info: { language: "en", duration: heard.durationSec } });
      }
    } else if (method === "POST" && path === SPEECH_PATH) {
      answerSpeech(res, body);
    } else if (method === "POST" && path.startsWith("/v1/messages")) {
      sendError(res, 400, "invalid_request_error", "body must be a JSON object");
    } else {
      sendError(res, 404, "not_found_error", `the offline model does not serve ${method} ${path}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
