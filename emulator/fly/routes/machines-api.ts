// The Machines resource: list, create, get, update, start, stop, suspend, destroy, wait, and
// leases, at Fly's paths with Fly's bodies (docs: machines-resource; fly-go: flaps_machines.go).
import { Hono, type Context } from "hono";
import { z } from "zod";
import { FlyErrors } from "../core/errors";
import { newNonce } from "../core/ids";
import { leaseView, machineView, type MachineState } from "../core/machine-view";
import { CreateMachineSchema, LeaseRequestSchema, StopMachineSchema, UpdateMachineSchema } from "../core/schemas";
import type { FlyContext } from "../context";
import type { LiveMachine } from "../shell/machines";
import { flyError, jsonBody } from "./http";

const NONCE_HEADER = "fly-machine-lease-nonce";
const WAIT_STATES = ["started", "stopped", "suspended", "destroyed"] as const;
/** Fly's wait holds a request at most this long; fly-go caps its own at the same 60 s. */
const MAX_WAIT_SECONDS = 60;
const DEFAULT_LEASE_TTL_SECONDS = 30;

function parsed<T>(c: Context, schema: z.ZodType<T>, body: unknown): T | Response {
  if (typeof body === "symbol") return flyError(c, FlyErrors.badRequest("invalid JSON body"));
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  return flyError(c, FlyErrors.badRequest(`${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`));
}

export function machinesApi(ctx: FlyContext): Hono {
  const app = new Hono();
  const { machines } = ctx;

  /** The Machine, once the app exists, it exists, and (for a change) no one else holds its lease. */
  function machineFor(c: Context, opts: { change: boolean }): LiveMachine | Response {
    const appName = c.req.param("app")!;
    if (!ctx.apps.has(appName)) return flyError(c, FlyErrors.appNotFound(appName));
    const found = machines.find(appName, c.req.param("id")!);
    if (!found.ok) return flyError(c, found.error);
    if (opts.change) {
      const held = machines.checkLease(found.value, c.req.header(NONCE_HEADER));
      if (held) return flyError(c, held);
    }
    return found.value;
  }

  app.use("/v1/apps/:app/*", async (c, next) => {
    const appName = c.req.param("app");
    if (!ctx.apps.has(appName)) return flyError(c, FlyErrors.appNotFound(appName));
    await next();
  });

  app.get("/v1/apps/:app/machines", (c) => {
    const list = machines.list(c.req.param("app"), c.req.query("include_deleted") === "true", c.req.query("region"));
    return c.json(list.map((m) => machineView(m)));
  });

  app.post("/v1/apps/:app/machines", async (c) => {
    const input = parsed(c, CreateMachineSchema, await jsonBody(c));
    if (input instanceof Response) return input;
    const region = input.region ?? (input.config.mounts?.[0] ? machines.volumes.get(input.config.mounts[0].volume)?.region : undefined) ?? ctx.primaryRegion;
    if (ctx.takeCapacityFault(region)) return flyError(c, FlyErrors.machineNoCapacity(region));
    const created = machines.create(c.req.param("app"), input, ctx.leaseOwner);
    if (!created.ok) return flyError(c, created.error);
    return c.json(machineView(created.value.record, created.value.nonce ? { nonce: created.value.nonce } : {}));
  });

  app.get("/v1/apps/:app/machines/:id", (c) => {
    const live = machineFor(c, { change: false });
    return live instanceof Response ? live : c.json(machineView(live.record));
  });

  app.post("/v1/apps/:app/machines/:id", async (c) => {
    const live = machineFor(c, { change: true });
    if (live instanceof Response) return live;
    const input = parsed(c, UpdateMachineSchema, await jsonBody(c));
    if (input instanceof Response) return input;
    if (input.current_version && input.current_version !== live.record.instanceId) {
      return flyError(c, FlyErrors.badRequest(`current_version ${input.current_version} is not the Machine's version ${live.record.instanceId}`));
    }
    const updated = machines.update(live, input);
    return updated.ok ? c.json(machineView(updated.value)) : flyError(c, updated.error);
  });

  app.delete("/v1/apps/:app/machines/:id", (c) => {
    const live = machineFor(c, { change: true });
    if (live instanceof Response) return live;
    // The docs name it `force`; fly-go sends `kill`.
    const force = c.req.query("force") === "true" || c.req.query("kill") === "true";
    const destroyed = machines.destroy(live, force);
    return destroyed.ok ? c.json({ ok: true }) : flyError(c, destroyed.error);
  });

  app.post("/v1/apps/:app/machines/:id/start", (c) => {
    const live = machineFor(c, { change: true });
    if (live instanceof Response) return live;
    const started = machines.start(live);
    return started.ok ? c.json({ previous_state: started.value.previous_state, migrated: false, new_host: "" }) : flyError(c, started.error);
  });

  app.post("/v1/apps/:app/machines/:id/stop", async (c) => {
    const live = machineFor(c, { change: true });
    if (live instanceof Response) return live;
    const input = parsed(c, StopMachineSchema, await jsonBody(c));
    if (input instanceof Response) return input;
    const stopped = machines.stop(live, input);
    return stopped.ok ? c.json({ ok: true }) : flyError(c, stopped.error);
  });

  app.post("/v1/apps/:app/machines/:id/suspend", (c) => {
    const live = machineFor(c, { change: true });
    if (live instanceof Response) return live;
    const suspended = machines.suspend(live);
    return suspended.ok ? c.json({ ok: true }) : flyError(c, suspended.error);
  });

  app.get("/v1/apps/:app/machines/:id/wait", async (c) => {
    const appName = c.req.param("app");
    const id = c.req.param("id");
    const live = machines.machines.get(id);
    if (!live || live.record.app !== appName) return flyError(c, FlyErrors.machineNotFound(id));
    const state = c.req.query("state") ?? "started";
    if (!(WAIT_STATES as readonly string[]).includes(state)) return flyError(c, FlyErrors.badRequest(`invalid state "${state}": one of ${WAIT_STATES.join(", ")}`));
    // fly-go names the instance `version`; the docs `instance_id`.
    const instanceId = c.req.query("instance_id") ?? c.req.query("version");
    if (state === "stopped" && !instanceId) return flyError(c, FlyErrors.badRequest("instance_id is required when waiting for the stopped state"));
    const seconds = Number(c.req.query("timeout") ?? MAX_WAIT_SECONDS);
    if (!Number.isInteger(seconds) || seconds < 1) return flyError(c, FlyErrors.badRequest("timeout must be a whole number of seconds"));
    const reached = await machines.waitFor(live, state as MachineState, instanceId, Math.min(seconds, MAX_WAIT_SECONDS) * 1000);
    return reached ? c.json({ ok: true }) : flyError(c, FlyErrors.waitTimeout(state));
  });

  app.post("/v1/apps/:app/machines/:id/lease", async (c) => {
    const live = machineFor(c, { change: false });
    if (live instanceof Response) return live;
    const body = parsed(c, LeaseRequestSchema, await jsonBody(c));
    if (body instanceof Response) return body;
    const ttl = Number(c.req.query("ttl") ?? body.ttl ?? DEFAULT_LEASE_TTL_SECONDS);
    if (!Number.isInteger(ttl) || ttl < 1) return flyError(c, FlyErrors.badRequest("ttl must be a whole number of seconds"));
    const nonce = c.req.header(NONCE_HEADER);
    const held = machines.activeLease(live);
    if (held && held.nonce !== nonce) return flyError(c, FlyErrors.leaseHeld(live.record.id, held.owner, held.expiresAt));
    // With the holder's nonce this refreshes the lease; otherwise it is a new one.
    const lease = {
      nonce: held?.nonce ?? newNonce(),
      expiresAt: ctx.now() + ttl * 1000,
      owner: held?.owner ?? ctx.leaseOwner,
      description: body.description ?? held?.description ?? "",
      version: live.record.instanceId,
    };
    machines.setLease(live, lease);
    return c.json(leaseView(lease), 201);
  });

  app.get("/v1/apps/:app/machines/:id/lease", (c) => {
    const live = machineFor(c, { change: false });
    if (live instanceof Response) return live;
    const lease = machines.activeLease(live);
    return lease ? c.json(leaseView(lease)) : flyError(c, FlyErrors.leaseNotFound());
  });

  app.delete("/v1/apps/:app/machines/:id/lease", (c) => {
    const live = machineFor(c, { change: false });
    if (live instanceof Response) return live;
    const lease = machines.activeLease(live);
    if (!lease) return flyError(c, FlyErrors.leaseNotFound());
    if (lease.nonce !== c.req.header(NONCE_HEADER)) return flyError(c, FlyErrors.leaseNonceMismatch());
    machines.setLease(live, null);
    return c.json({ ok: true });
  });

  return app;
}
