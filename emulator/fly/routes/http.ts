// What every Machines API route shares: Fly's error answer, bearer-token auth, per-action rate
// limits, and the injected HTTP faults, which answer before the route does.
import type { Context, MiddlewareHandler } from "hono";
import type { FlyError } from "../core/errors";
import { FlyErrors } from "../core/errors";
import { takeHttpFault, type HttpFaultRule } from "../core/faults";
import { ACTION_LIMIT, GET_MACHINE_LIMIT, takeToken, type Bucket } from "../core/rate-limit";

export function flyError(c: Context, error: FlyError): Response {
  if (error.retryAfterSeconds !== undefined) c.header("retry-after", String(error.retryAfterSeconds));
  return c.json(error.body, error.status);
}

/** `Authorization: Bearer <token>`; flyctl's `FlyV1 <macaroon>` form is taken too. */
export function requireToken(tokens: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const match = /^(?:Bearer|FlyV1)\s+(.+)$/i.exec(c.req.header("authorization") ?? "");
    if (!match || !tokens.includes(match[1]!.trim())) return flyError(c, FlyErrors.unauthorized());
    await next();
  };
}

/** The action a request is (method and path shape) and what it is counted against (a Machine, a volume, or the app). */
export function rateKey(method: string, path: string): { key: string; getMachine: boolean } | null {
  const [, v1, apps, app, kind, id, sub] = path.split("/");
  if (v1 !== "v1" || apps !== "apps" || !app || !kind) return null;
  const action = `${method} ${kind}${id ? "/:id" : ""}${sub ? `/${sub}` : ""}`;
  return { key: `${action} ${id ?? app}`, getMachine: method === "GET" && kind === "machines" && Boolean(id) && !sub };
}

export function limits(state: { enabled: boolean; buckets: Map<string, Bucket>; faults: HttpFaultRule[] }, now: () => number): MiddlewareHandler {
  return async (c, next) => {
    const fault = takeHttpFault(state.faults, c.req.method, c.req.path);
    state.faults.splice(0, state.faults.length, ...fault.rules);
    if (fault.rule) return flyError(c, FlyErrors.injected(fault.rule.status, fault.rule.retryAfterSeconds));
    const rate = state.enabled ? rateKey(c.req.method, c.req.path) : null;
    if (rate) {
      const taken = takeToken(state.buckets.get(rate.key), rate.getMachine ? GET_MACHINE_LIMIT : ACTION_LIMIT, now());
      state.buckets.set(rate.key, taken.bucket);
      if (taken.retryAfterMs !== undefined) return flyError(c, FlyErrors.rateLimited(Math.ceil(taken.retryAfterMs / 1000)));
    }
    await next();
  };
}

/** A JSON body, or undefined when there is none or it is not JSON. */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return Symbol.for("not json");
  }
}
