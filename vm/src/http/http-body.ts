// The VM's HTTP answers for bad input: one thrown HTTPException per refusal (routes throw, the
// app's onError answers), and request bodies parsed with the protocol's schemas.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import * as z from "zod";
import type { VmErrorBody } from "../../../src/protocol/vm/routes";

export function fail(status: 400 | 401 | 404 | 409 | 503, body: VmErrorBody): never {
  throw new HTTPException(status, { res: Response.json(body, { status }) });
}

// Any zod schema: the VM's own (classic zod) and the protocol's (zod/mini, kept small for the Worker).
export async function parseBody<T extends z.core.$ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const json: unknown = await c.req.json().catch(() => undefined);
  return parseInput(json, schema);
}

export function parseInput<T extends z.core.$ZodType>(input: unknown, schema: T): z.infer<T> {
  const parsed = z.safeParse(schema, input);
  if (!parsed.success) fail(400, { error: "bad_request", message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ").slice(0, 500) });
  return parsed.data;
}
