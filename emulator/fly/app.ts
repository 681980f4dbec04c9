// The stand-in's API surface: Fly's Apps (create, get), Machines and Volumes resources behind bearer auth, rate
// limits and injected faults, and the stand-in's own control routes beside them.
import { Hono } from "hono";
import { FlyErrors } from "./core/errors";
import type { FlyContext } from "./context";
import { appsApi } from "./routes/apps-api";
import { controlApi } from "./routes/control-api";
import { flyError, limits, requireToken } from "./routes/http";
import { machinesApi } from "./routes/machines-api";
import { volumesApi } from "./routes/volumes-api";

export function createFlyApp(ctx: FlyContext): Hono {
  const app = new Hono();
  app.use("/v1/*", requireToken(ctx.tokens));
  app.use("/v1/*", limits(ctx.limits, ctx.now));
  app.route("/", appsApi(ctx));
  app.route("/", machinesApi(ctx));
  app.route("/", volumesApi(ctx));
  app.route("/", controlApi(ctx));
  app.notFound((c) => flyError(c, { status: 404, body: { error: "not found" } }));
  app.onError((error, c) => {
    console.error("[fly] unexpected error", error);
    return flyError(c, { ...FlyErrors.badRequest("internal error"), status: 500 });
  });
  return app;
}
