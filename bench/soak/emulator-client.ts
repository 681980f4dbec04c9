// The soak's view of the Twilio emulator: what the relay sent (polled), and outage windows.
import { z } from "zod";
import type { Outbound } from "./ledger";
import type { OutageStatus } from "./fault-plan";
import { assertLoopback } from "./webhooks";

const MessagesSchema = z.object({
  messages: z.array(z.object({ to: z.string(), body: z.string().nullable(), dateCreated: z.string() })),
});

export async function fetchOutbound(twilioUrl: string): Promise<Outbound[]> {
  assertLoopback(twilioUrl);
  const response = await fetch(`${twilioUrl}/__emulator/messages`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET /__emulator/messages: ${response.status}`);
  return MessagesSchema.parse(await response.json()).messages.map((m) => ({ to: m.to, body: m.body ?? "", createdAt: Date.parse(m.dateCreated) }));
}

export async function startOutage(twilioUrl: string, status: OutageStatus, forMs: number): Promise<void> {
  assertLoopback(twilioUrl);
  const response = await fetch(`${twilioUrl}/__emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ outage: { status, forMs } }),
    signal: AbortSignal.timeout(10_000),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`POST /__emulator/faults: ${response.status}`);
}

export type OutboundWatch = {
  /** The latest snapshot (polled once a second). */
  current(): readonly Outbound[];
  /** Fetches now and returns the fresh snapshot. */
  refresh(): Promise<readonly Outbound[]>;
  stop(): void;
};

export function watchOutbound(twilioUrl: string, everyMs = 1_000): OutboundWatch {
  let latest: readonly Outbound[] = [];
  let stopped = false;
  const refresh = async () => {
    latest = await fetchOutbound(twilioUrl);
    return latest;
  };
  void (async () => {
    while (!stopped) {
      // A failed poll keeps the previous snapshot; the emulator is never one of the crashed pieces.
      await refresh().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    current: () => latest,
    refresh,
    stop: () => {
      stopped = true;
    },
  };
}
