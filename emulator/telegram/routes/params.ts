// A Bot API call's parameters, in any of the four ways Telegram takes them: the query string,
// application/x-www-form-urlencoded, application/json, or multipart/form-data (files).
import type { Context } from "hono";

export type Params = Record<string, unknown>;

export async function readParams(c: Context): Promise<Params> {
  const params: Params = { ...c.req.query() };
  const type = c.req.header("content-type") ?? "";
  if (type.includes("application/json")) {
    const body: unknown = await c.req.json().catch(() => null);
    if (body && typeof body === "object" && !Array.isArray(body)) Object.assign(params, body);
  } else if (type.includes("multipart/form-data") || type.includes("application/x-www-form-urlencoded")) {
    Object.assign(params, await c.req.parseBody());
  }
  return params;
}

/** A parameter as text (numbers and booleans sent as JSON read as they would in a form). */
export function text(params: Params, key: string): string | undefined {
  const value = params[key];
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** A JSON-serialized parameter (reply_markup, commands): an object in JSON bodies, a string in forms. */
export function jsonParam(params: Params, key: string): { ok: true; value: unknown } | { ok: false } {
  const value = params[key];
  if (value === undefined) return { ok: true, value: undefined };
  if (typeof value !== "string") return { ok: true, value };
  try {
    return { ok: true, value: JSON.parse(value) };
  } catch {
    return { ok: false };
  }
}
