// Reads the Fly stand-in of a machines-mode test stack: its Machines through the Machines API (as
// an operator with the API token would), and how the host runs each (the stand-in's own view).
import { z } from "zod";
import { LOCAL_FLY_APP, type MachinesMode } from "../../../scripts/stack/machines-plan";
import type { StackUrls } from "../../../scripts/stack/stack-children";

const MachineSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: z.string(),
  config: z.object({ env: z.record(z.string(), z.string()), mounts: z.array(z.object({ volume: z.string(), path: z.string() })) }),
  /** Newest first. */
  events: z.array(z.object({ type: z.string(), status: z.string(), request: z.record(z.string(), z.unknown()).optional() })),
});
export type FlyMachine = z.infer<typeof MachineSchema>;

const VolumeSchema = z.object({ id: z.string(), name: z.string(), state: z.string() });
export type FlyVolume = z.infer<typeof VolumeSchema>;

const HostViewSchema = z.object({ state: z.string(), pid: z.number().nullable(), snapshot: z.boolean(), volumeDir: z.string() });
export type HostView = z.infer<typeof HostViewSchema>;

export function flyApi(urls: StackUrls, mode: MachinesMode) {
  const headers = { authorization: `Bearer ${mode.apiToken}` };
  return {
    async machines(): Promise<FlyMachine[]> {
      const response = await fetch(`${urls.flyApi}/v1/apps/${LOCAL_FLY_APP}/machines`, { headers });
      if (!response.ok) throw new Error(`list machines: ${response.status} ${await response.text()}`);
      return z.array(MachineSchema).parse(await response.json());
    },
    async volumes(): Promise<FlyVolume[]> {
      const response = await fetch(`${urls.flyApi}/v1/apps/${LOCAL_FLY_APP}/volumes`, { headers });
      if (!response.ok) throw new Error(`list volumes: ${response.status} ${await response.text()}`);
      return z.array(VolumeSchema).parse(await response.json());
    },
    async host(machineId: string): Promise<HostView> {
      const response = await fetch(`${urls.flyApi}/__fly/machines/${machineId}`);
      return HostViewSchema.parse(await response.json());
    },
    /** A VM route that needs the Machine's token (an unknown run: 404 once the token is right), through the proxy. */
    async askMachine(machineId: string, vmToken: string): Promise<number> {
      const response = await fetch(`${urls.flyProxy}/v1/runs/none/events`, { headers: { "fly-force-instance-id": machineId, authorization: `Bearer ${vmToken}` } });
      await response.body?.cancel();
      return response.status;
    },
  };
}
