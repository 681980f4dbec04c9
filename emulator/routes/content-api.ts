// Twilio's Content API (content.twilio.com/v1) on the emulator's port: templates, and their WhatsApp approval.
import { Hono, type Context } from "hono";
import { z } from "zod";
import { parseContentRequest } from "../core/content-request";
import { contentPage, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, toApprovalCreated, toApprovalFetch, toContentResource } from "../core/content-resource";
import { TwilioErrors } from "../core/twilio-errors";
import type { EmulatorContext } from "../context";
import { originOf, requireTwilioAuth, twilioError } from "./twilio-http";

const PageQuerySchema = z.object({
  PageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  Page: z.coerce.number().int().min(0).default(0),
});

const ApprovalSchema = z.object({ name: z.string().regex(/^[a-z0-9_]{1,512}$/), category: z.string().min(1) });

/** Content API bodies are JSON; anything else is Twilio's 20001 for the body as a whole. */
async function readJsonBody(c: Context): Promise<unknown> {
  return c.req.json().catch(() => undefined);
}

export function contentApi(ctx: EmulatorContext): Hono {
  const { config, contents } = ctx;
  const api = new Hono();
  api.use("/v1/Content", requireTwilioAuth(config));
  api.use("/v1/Content/*", requireTwilioAuth(config));

  api.post("/v1/Content", async (c) => {
    const parsed = parseContentRequest(await readJsonBody(c));
    if (!parsed.ok) return twilioError(c, parsed.error);
    const content = contents.add(ctx.newSid("HX"), parsed.value, config.now());
    return c.json(toContentResource(content, originOf(c)), 201);
  });

  api.get("/v1/Content", (c) => {
    const query = PageQuerySchema.safeParse(c.req.query());
    if (!query.success) return twilioError(c, TwilioErrors.invalidParameter(String(query.error.issues[0]?.path[0] ?? "Page")));
    return c.json(contentPage(contents.list(), { pageSize: query.data.PageSize, page: query.data.Page }, originOf(c)), 200);
  });

  api.get("/v1/Content/:sid", (c) => {
    const content = contents.find(c.req.param("sid"));
    if (!content) return twilioError(c, TwilioErrors.notFound(c.req.path));
    return c.json(toContentResource(content, originOf(c)), 200);
  });

  api.delete("/v1/Content/:sid", (c) => {
    if (!contents.remove(c.req.param("sid"))) return twilioError(c, TwilioErrors.notFound(c.req.path));
    return c.body(null, 204);
  });

  api.post("/v1/Content/:sid/ApprovalRequests/whatsapp", async (c) => {
    const request = ApprovalSchema.safeParse(await readJsonBody(c));
    if (!request.success) return twilioError(c, TwilioErrors.invalidContent(`Invalid parameter ${String(request.error.issues[0]?.path[0] ?? "body")}`));
    const content = contents.approve(c.req.param("sid"), request.data, config.now());
    if (!content?.approval) return twilioError(c, TwilioErrors.notFound(c.req.path));
    return c.json(toApprovalCreated(content, content.approval), 201);
  });

  api.get("/v1/Content/:sid/ApprovalRequests", (c) => {
    const content = contents.find(c.req.param("sid"));
    if (!content) return twilioError(c, TwilioErrors.notFound(c.req.path));
    return c.json(toApprovalFetch(content, originOf(c)), 200);
  });

  return api;
}
