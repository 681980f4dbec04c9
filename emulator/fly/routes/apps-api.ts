// The Apps resource, enough to create an app and ask whether one exists (docs: apps-resource;
// fly-go: flaps_apps.go): what `npm run setup:production` does before its first deploy.
import { Hono } from "hono";
import { z } from "zod";
import { FlyErrors } from "../core/errors";
import type { FlyContext } from "../context";
import { flyError, jsonBody } from "./http";

const CreateAppSchema = z.object({ app_name: z.string().regex(/^[a-z0-9-]{1,63}$/, "app_name must be lowercase letters, digits and dashes"), org_slug: z.string().min(1), network: z.string().optional() });

export function appsApi(ctx: FlyContext): Hono {
  const app = new Hono();

  app.get("/v1/apps/:app", (c) => {
    const name = c.req.param("app");
    if (!ctx.apps.has(name)) return flyError(c, FlyErrors.appNotFound(name));
    return c.json({ id: appId(name), name, status: ctx.machines.list(name, false).length > 0 ? "deployed" : "pending", organization: { name: ctx.orgs.get(name) ?? "personal", slug: ctx.orgs.get(name) ?? "personal" } });
  });

  app.post("/v1/apps", async (c) => {
    const body = await jsonBody(c);
    const input = CreateAppSchema.safeParse(typeof body === "symbol" ? undefined : body);
    if (!input.success) return flyError(c, FlyErrors.badRequest(input.error.issues[0]?.message ?? "invalid body"));
    if (ctx.apps.has(input.data.app_name)) return flyError(c, FlyErrors.appNameTaken());
    ctx.apps.add(input.data.app_name);
    ctx.orgs.set(input.data.app_name, input.data.org_slug);
    return c.json({ id: appId(input.data.app_name), created_at: ctx.now() }, 201);
  });

  return app;
}

/** A stable id per name, shaped as Fly's (16 lowercase letters and digits). */
function appId(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `${h.toString(36)}${"0".repeat(16)}`.slice(0, 16);
}
