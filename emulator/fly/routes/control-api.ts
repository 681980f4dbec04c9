// The stand-in's own control routes (not Fly's): inject faults, and see a Machine's processes.
import { Hono } from "hono";
import { FaultSchema } from "../core/schemas";
import type { FlyContext } from "../context";

export function controlApi(ctx: FlyContext): Hono {
  const app = new Hono();

  app.post("/__fly/faults", async (c) => {
    const parsed = FaultSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") }, 400);
    const fault = parsed.data;
    switch (fault.kind) {
      case "http":
        ctx.limits.faults.push({ path: fault.path, method: fault.method, status: fault.status, count: fault.count, retryAfterSeconds: fault.retryAfterSeconds });
        return c.json({ ok: true });
      case "capacity":
        ctx.capacity.set(fault.region, fault.count ?? Infinity);
        return c.json({ ok: true });
      case "vanish": {
        const gone = fault.machineId ? await ctx.machines.vanishMachine(fault.machineId) : await ctx.machines.vanishVolume(fault.volumeId!);
        return gone ? c.json({ ok: true }) : c.json({ error: "no such machine or volume" }, 404);
      }
      case "lease": {
        const live = ctx.machines.machines.get(fault.machineId);
        if (!live) return c.json({ error: "no such machine" }, 404);
        ctx.machines.setLease(live, { nonce: `held-${fault.expiresAt}`, expiresAt: fault.expiresAt, owner: fault.owner, description: "held by a fault", version: live.record.instanceId });
        return c.json({ ok: true });
      }
      case "drop_snapshot":
        return (await ctx.machines.dropSnapshotOf(fault.machineId)) ? c.json({ ok: true }) : c.json({ error: "no such machine" }, 404);
    }
  });

  app.get("/__fly/faults", (c) =>
    c.json({ http: ctx.limits.faults, capacity: Object.fromEntries([...ctx.capacity].map(([region, left]) => [region, Number.isFinite(left) ? left : null])) }),
  );

  app.delete("/__fly/faults", (c) => {
    ctx.limits.faults.splice(0);
    ctx.capacity.clear();
    return c.json({ ok: true });
  });

  /** A Machine as the host sees it: the main process, its port, its volume's directory. */
  app.get("/__fly/machines/:id", (c) => {
    const live = ctx.machines.machines.get(c.req.param("id"));
    if (!live) return c.json({ error: "no such machine" }, 404);
    const mount = live.record.config.mounts?.[0];
    return c.json({
      id: live.record.id,
      state: live.record.state,
      pid: live.process?.pid ?? null,
      port: live.port,
      snapshot: live.snapshot,
      volumeDir: mount ? ctx.machines.volumeDir(mount.volume) : null,
    });
  });

  return app;
}
