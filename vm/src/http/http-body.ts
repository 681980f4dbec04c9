// The VM's HTTP answers for bad input: one thrown HTTPException per refusal (routes throw, the
// app's onError answers), request bodies bounded, then parsed with the protocol's schemas.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import * as z from "zod";
import { readCapped } from "../../../src/protocol/capped-body";
import type { VmErrorBody } from "../../../src/protocol/vm/routes";

export function fail(status: 400 | 401 | 404 | 409 | 503, body: VmErrorBody): never {
  throw new HTTPException(status, { res: Response.json(body, { status }) });
}

/**
 * The most a JSON request may carry unless its route says more. A run's start holds at most 10
 * messages of 64 KiB (the protocol's caps), under 4 MiB even with every character escaped as
 * `\u00XX`; an agent's approval ask carries a tool's whole input (a Write of a large file).
 * Without a bound, a body is buffered whatever its size, and one agent holding its secret could
 * fill the memory of a VM that other users share.
 */
export const MAX_JSON_BODY_BYTES = 8 * 1024 * 1024;

function tooLarge(maxBytes: number): never {
  const bound = maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MiB` : `${maxBytes} bytes`;
  throw new HTTPException(413, { res: Response.json({ error: "bad_request", message: `the request body is over ${bound}` } satisfies VmErrorBody, { status: 413 }) });
}

/**
 * The body as JSON, undefined when it is not JSON; a 413 when it is over `maxBytes`: by its
 * Content-Length before a byte is read, or, sent in chunks, as soon as the bytes read pass it.
 */
export async function readJson(c: Context, maxBytes: number = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const declared = c.req.header("content-length");
  let text: string | null;
  if (declared !== undefined && c.req.header("transfer-encoding") === undefined) {
    if (Number(declared) > maxBytes) tooLarge(maxBytes);
    // Node's parser ends a body at its declared length, so the server's own read is bounded here.
    // It reads the socket directly; a stream of the body (readCapped) would first build a whole
    // web Request around it, which cost the run's start 1.3 ms under the interpreter (warm-path bench).
    text = await c.req.text();
  } else {
    text = await readCapped(c.req.raw, maxBytes);
  }
  if (text === null) tooLarge(maxBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

// Any zod schema: the VM's own (classic zod) and the protocol's (zod/mini, kept small for the Worker).
export async function parseBody<T extends z.core.$ZodType>(c: Context, schema: T, maxBytes: number = MAX_JSON_BODY_BYTES): Promise<z.infer<T>> {
  return parseInput(await readJson(c, maxBytes), schema);
}

export function parseInput<T extends z.core.$ZodType>(input: unknown, schema: T): z.infer<T> {
  const parsed = z.safeParse(schema, input);
  if (!parsed.success) fail(400, { error: "bad_request", message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ").slice(0, 500) });
  return parsed.data;
}
