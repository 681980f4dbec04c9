// The parent's handle on the stand-ins child: where they listen, what the VM received, what Twilio sent.
import { createInterface } from "node:readline";
import { z } from "zod";
import { guardGroup } from "../../scripts/stack/reaper";
import { spawnGroup, stopGroup } from "./children";
import { REPO_ROOT } from "./paths";

export const STAND_IN_CREDENTIALS = {
  accountSid: `AC${"be".repeat(16)}`,
  authToken: "bench-auth-token",
  vmToken: "bench-vm-token",
} as const;

const ReadySchema = z.object({ twilioUrl: z.url(), vmUrl: z.url() });

const VmRequestSchema = z.object({
  kind: z.enum(["start", "events", "input", "cancel"]),
  userId: z.string(),
  messages: z.array(z.object({ id: z.string() }).loose()).optional(),
  at: z.number(),
});
export type VmRequest = z.infer<typeof VmRequestSchema>;

const SentMessageSchema = z.object({ sid: z.string(), to: z.string(), body: z.string().nullable(), status: z.string(), dateCreated: z.iso.datetime() });
export type SentMessage = z.infer<typeof SentMessageSchema>;

/**
 * The relay's vars against the stand-ins once its URL is known (PUBLIC_URL); `extra` adds or
 * overrides (an admin, the allowlist cache). Floors take them too and ignore what they do not use.
 */
export function relayVars(standIns: Pick<StandIns, "twilioUrl" | "vmUrl">, allowed: readonly string[], extra: Record<string, string> = {}): (url: string) => Record<string, string> {
  return (url) => ({
    TWILIO_ACCOUNT_SID: STAND_IN_CREDENTIALS.accountSid,
    TWILIO_AUTH_TOKEN: STAND_IN_CREDENTIALS.authToken,
    TWILIO_API_BASE: standIns.twilioUrl,
    TWILIO_MESSAGING_API_BASE: standIns.twilioUrl,
    PUBLIC_URL: url,
    ALLOWED_SENDERS: allowed.join(","),
    VM_URL: standIns.vmUrl,
    VM_TOKEN: STAND_IN_CREDENTIALS.vmToken,
    // The loads send bursts from one phone far past what a person types: no per-user limit here.
    MAX_MESSAGES_PER_MINUTE: "0",
    ...extra,
  });
}

export type StandIns = {
  twilioUrl: string;
  vmUrl: string;
  vmRequests(): Promise<VmRequest[]>;
  sentMessages(): Promise<SentMessage[]>;
  /** Forgets what Twilio was sent so far, so polling stays cheap as rounds add up. */
  resetSent(): Promise<void>;
  stop(): Promise<void>;
};

/** `statusCallbacks`: the emulator posts Twilio's status callbacks for every message the relay sends. */
export async function startStandIns(options: { statusCallbacks?: boolean } = {}): Promise<StandIns> {
  const child = spawnGroup(process.execPath, ["--import", "tsx", "bench/lib/stand-ins-main.ts"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      BENCH_ACCOUNT_SID: STAND_IN_CREDENTIALS.accountSid,
      BENCH_AUTH_TOKEN: STAND_IN_CREDENTIALS.authToken,
      BENCH_VM_TOKEN: STAND_IN_CREDENTIALS.vmToken,
      BENCH_STATUS_CALLBACKS: options.statusCallbacks ? "1" : "0",
    },
    stdio: ["ignore", "pipe", "inherit"],
    side: "edge",
  });
  // Ended even when the bench dies by SIGKILL (children.ts's own handlers do not survive it).
  const release = guardGroup(child.pid);
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once("line", resolve)),
    new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`stand-ins exited with ${code}`)))),
  ]);
  const { twilioUrl, vmUrl } = ReadySchema.parse(JSON.parse(first));
  return {
    twilioUrl,
    vmUrl,
    vmRequests: async () => z.object({ requests: z.array(VmRequestSchema) }).parse(await getJson(`${vmUrl}/__stand-in/requests`)).requests,
    sentMessages: async () => z.object({ messages: z.array(SentMessageSchema) }).parse(await getJson(`${twilioUrl}/__emulator/messages`)).messages,
    resetSent: async () => {
      const res = await fetch(`${twilioUrl}/__emulator/reset`, { method: "POST", signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`emulator reset: ${res.status}`);
    },
    stop: async () => {
      await stopGroup(child);
      release();
    },
  };
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.json();
}
