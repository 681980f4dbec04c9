// A new user's first message in machines mode, split where the Machine is made: the webhook, the
// relay's create call reaching the Machines API, the Machine's VM serving its first run, the model.
// Pure: the times arrive as data, all from one machine's clock.
import { info, type Figure } from "../lib/figures";
import { modelArrival, type ModelRequest, vmReceivedAt } from "./measure";

export type FirstMachine = {
  /** Webhook sent → the stand-in took the relay's POST /machines (its record's createdAt). */
  webhookToCreateMs: number;
  /** The create → the Machine's VM parsed its first POST /v1/runs (its run log's createdAt). */
  createToFirstRunMs: number;
  /** That run → the model's first POST /v1/messages. */
  firstRunToModelMs: number | null;
};

export type FirstMachineTimes = { sentAt: number; text: string; machineCreatedAt: number; vmRunCreatedAts: readonly number[]; modelRequests: readonly ModelRequest[] };

/** Null when the VM served no run after the create (the figure cannot be taken). */
export function splitFirstMachine(t: FirstMachineTimes): FirstMachine | null {
  const firstRunAt = vmReceivedAt(t.vmRunCreatedAts, t.machineCreatedAt);
  if (firstRunAt === null) return null;
  const { firstAt } = modelArrival(t.modelRequests, firstRunAt, t.text);
  return { webhookToCreateMs: t.machineCreatedAt - t.sentAt, createToFirstRunMs: firstRunAt - t.machineCreatedAt, firstRunToModelMs: firstAt === null ? null : firstAt - firstRunAt };
}

/** What took the Machine's first run, from its VM's timing marks: the slot's spare (this long after the run came), or a CLI of its own (null). */
export type FirstRunCli = { spareAfterMs: number | null };

/** The first run the VM received at or after `since`, and whether a spare took it; null when no mark says. */
export function firstRunCli(marks: readonly { runId: string; mark: string; at: number }[], since: number): FirstRunCli | null {
  const received = marks.find((m) => m.mark === "received" && m.at >= since);
  if (!received) return null;
  const taken = marks.find((m) => m.runId === received.runId && m.mark === "spare_taken");
  if (taken) return { spareAfterMs: Math.round(taken.at - received.at) };
  return marks.some((m) => m.runId === received.runId && m.mark === "spawned") ? { spareAfterMs: null } : null;
}

/**
 * The figure for a per-user Machine: its create → its first model request (the VM's boot,
 * its first run, the CLI: the slot's spare, made at boot, when the run waits for it or finds it up).
 */
export function createToModelFigure(split: FirstMachine | null, cli: FirstRunCli | null = null): Figure {
  const name = "new user's Machine: create → its first model request";
  if (split === null) return info("machines", name, Number.NaN, "ms", "the Machine's VM served no run after its create");
  if (split.firstRunToModelMs === null) return info("machines", name, Number.NaN, "ms", "no model request after the VM's first run");
  const took = cli === null ? "" : cli.spareAfterMs !== null ? ` (the slot's spare took the run ${cli.spareAfterMs} ms after it came)` : " (a CLI of its own)";
  const note = `the create → the VM's first POST /v1/runs ${split.createToFirstRunMs} ms, then ${split.firstRunToModelMs} ms to the model${took}; Fly's image pull and microVM boot are not in it (the stand-in spawns the VM as a process)`;
  return info("machines", name, split.createToFirstRunMs + split.firstRunToModelMs, "ms", note);
}

export function firstMachineFigure(split: FirstMachine | null): Figure {
  const name = "new user's Machine: create → the VM's first request served";
  if (split === null) return info("machines", name, Number.NaN, "ms", "the Machine's VM served no run after its create");
  const model = split.firstRunToModelMs === null ? "no model request" : `then ${split.firstRunToModelMs} ms to the model`;
  return info(
    "machines",
    name,
    split.createToFirstRunMs,
    "ms",
    `the stand-in's record of the relay's POST /machines → the VM's first POST /v1/runs (its run log); the webhook reached the create in ${split.webhookToCreateMs} ms (the volume made first), ${model}. Here the Machine is the real VM process the stand-in spawns: Fly's image pull and microVM boot are not in it`,
  );
}
