// The Volumes resource: list, create, get, delete (docs: volumes-resource; fly-go: flaps_volumes.go).
// Volume names are not unique on Fly: finding "the one for this phone" is the caller's job.
import { Hono } from "hono";
import { FlyErrors } from "../core/errors";
import { volumeView } from "../core/machine-view";
import { CreateVolumeSchema } from "../core/schemas";
import type { FlyContext } from "../context";
import { flyError, jsonBody } from "./http";

export function volumesApi(ctx: FlyContext): Hono {
  const app = new Hono();
  const { machines } = ctx;

  app.get("/v1/apps/:app/volumes", (c) => {
    const appName = c.req.param("app");
    const list = [...machines.volumes.values()].filter((v) => v.app === appName && v.state !== "destroyed");
    return c.json(list.map(volumeView));
  });

  app.post("/v1/apps/:app/volumes", async (c) => {
    const body = await jsonBody(c);
    if (typeof body === "symbol") return flyError(c, FlyErrors.badRequest("invalid JSON body"));
    const input = CreateVolumeSchema.safeParse(body ?? {});
    if (!input.success) {
      const issue = input.error.issues[0];
      return flyError(c, FlyErrors.badRequest(`${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`));
    }
    const region = input.data.region ?? ctx.primaryRegion;
    if (ctx.takeCapacityFault(region)) return flyError(c, FlyErrors.volumeNoCapacity(region));
    return c.json(volumeView(machines.createVolume(c.req.param("app"), { ...input.data, region })));
  });

  app.get("/v1/apps/:app/volumes/:id", (c) => {
    const volume = machines.volumes.get(c.req.param("id"));
    if (!volume || volume.app !== c.req.param("app") || volume.state === "destroyed") return flyError(c, FlyErrors.volumeNotFound(c.req.param("id")));
    return c.json(volumeView(volume));
  });

  app.delete("/v1/apps/:app/volumes/:id", (c) => {
    const destroyed = machines.destroyVolume(c.req.param("app"), c.req.param("id"));
    return destroyed.ok ? c.json(volumeView(destroyed.value)) : flyError(c, destroyed.error);
  });

  return app;
}
