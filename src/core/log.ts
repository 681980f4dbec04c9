// Structured logs: one JSON line per event, with secrets redacted and phone numbers masked.
import { maskPhone } from "./phone";

const SECRET_KEY = /token|secret|password|authorization|signature/i;
// Message content by whole name (body, replyText, message_body); "context" stays readable.
const CONTENT_KEY = /^(body|text|prompt)$|(Body|Text|Prompt)$|_(body|text|prompt)$/;
const isSensitive = (key: string) => SECRET_KEY.test(key) || CONTENT_KEY.test(key);
const PHONE_KEY = /^(phone|from|to|user)$/i;
/** E.164 anywhere inside a string, not followed by more digits. */
const E164_INSIDE = /\+[1-9]\d{7,14}(?!\d)/g;
/** Nesting deeper than this is cut off; it also stops cycles. */
const MAX_DEPTH = 6;

type LogSink = (line: string) => void;

/**
 * Writes `{"event": ..., ...fields}` as one line. Values under sensitive-looking keys
 * never reach the sink (strings leave only their length); values under phone-like keys
 * are masked, and so is every E.164 number found in any other string.
 */
export function logEvent(event: string, fields: Record<string, unknown>, sink: LogSink = (line) => console.log(line)): void {
  const { event: _shadowed, ...rest } = fields;
  sink(JSON.stringify({ event, ...(sanitize(rest, 0) as object) }));
}

function redact(value: unknown): string {
  return typeof value === "string" ? `[redacted ${value.length} chars]` : "[redacted]";
}

function sanitizeEntry(key: string, value: unknown, depth: number): unknown {
  if (isSensitive(key)) return redact(value);
  if (PHONE_KEY.test(key) && (typeof value === "string" || typeof value === "number")) {
    return maskPhone(String(value));
  }
  return sanitize(value, depth + 1);
}

function sanitize(value: unknown, depth: number): unknown {
  if (typeof value === "string") return value.replace(E164_INSIDE, maskPhone);
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_DEPTH) return "[too deep]";
  if (Array.isArray(value)) return value.map((item) => sanitize(item, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: sanitize(value.message, depth + 1) };
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, sanitizeEntry(key, inner, depth)]),
  );
}
