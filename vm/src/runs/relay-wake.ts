// The VM's wake to the relay (src/protocol/vm/wake.ts): after a restart, each user whose runs it cut
// is told at once, so their object reconnects without waiting out its retry; and a run whose reader
// went away mid-run is named once it has news (reader-watch.ts). One short POST per
// user, signed with this VM's VM_TOKEN, never retried and never awaited by the boot: a relay that
// is down or slow costs the runs only the wait they had anyway.
import { WAKE_PATH, WAKE_SIGNATURE_HEADER, WAKE_TIMEOUT_MS, type Wake, wakeSignature } from "../../../src/protocol/vm/wake";
import type { RunLog } from "./run-log";

export type CutRun = { runId: string; userId: string };
export type WakeOutcome = { userId: string; ok: boolean; detail: string };

/** The cut runs, by user: one wake each. */
export function wakesOf(cut: readonly CutRun[], reason: Wake["reason"], at: number): Wake[] {
  const byUser = new Map<string, string[]>();
  for (const { runId, userId } of cut) byUser.set(userId, [...(byUser.get(userId) ?? []), runId]);
  return [...byUser].map(([phone, vmRunIds]) => ({ phone, vmRunIds, reason, at }));
}

/** Posts each wake once, within WAKE_TIMEOUT_MS; a failure is reported, never thrown. */
export function sendWakes(relayUrl: string, vmToken: string, wakes: readonly Wake[], fetcher: typeof fetch = fetch, timeoutMs = WAKE_TIMEOUT_MS): Promise<WakeOutcome[]> {
  return Promise.all(
    wakes.map(async (wake): Promise<WakeOutcome> => {
      try {
        const signature = await wakeSignature(vmToken, wake);
        const answer = await fetcher(`${relayUrl}${WAKE_PATH}`, {
          method: "POST",
          headers: { "content-type": "application/json", [WAKE_SIGNATURE_HEADER]: signature },
          body: JSON.stringify(wake),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await answer.body?.cancel();
        return { userId: wake.phone, ok: answer.ok, detail: `HTTP ${answer.status}` };
      } catch (error) {
        return { userId: wake.phone, ok: false, detail: error instanceof Error ? error.name : "failed" };
      }
    }),
  );
}

/** The users of the runs closed at boot (RunLog.closeDangling), from their logs; a log without its user is left to the relay's probes. */
export function cutRunsOf(log: Pick<RunLog, "read">, runIds: readonly string[]): CutRun[] {
  return runIds.flatMap((runId) => {
    const userId = log.read(runId)?.meta.userId;
    return userId ? [{ runId, userId }] : [];
  });
}

/** The boot's wakes, one line each in the log; resolves when every one answered or timed out. */
export async function wakeRelay(relayUrl: string, vmToken: string, cut: readonly CutRun[], fetcher: typeof fetch = fetch, timeoutMs = WAKE_TIMEOUT_MS): Promise<WakeOutcome[]> {
  const outcomes = await sendWakes(relayUrl, vmToken, wakesOf(cut, "restarted", Date.now()), fetcher, timeoutMs);
  for (const o of outcomes) console.log(`vm: woke the relay for a user's cut runs: ${o.ok ? "taken" : "not taken"} (${o.detail})`);
  return outcomes;
}

/** A run's reader went away and the run has news since (reader-watch.ts): one try, one log line; whether it was taken. */
export async function wakeRelayForReader(relayUrl: string, vmToken: string, run: CutRun, fetcher: typeof fetch = fetch, timeoutMs = WAKE_TIMEOUT_MS): Promise<boolean> {
  const [outcome] = await sendWakes(relayUrl, vmToken, wakesOf([run], "reader_gone", Date.now()), fetcher, timeoutMs);
  console.log(`vm: woke the relay for a run nobody reads: ${outcome!.ok ? "taken" : "not taken"} (${outcome!.detail})`);
  return outcome!.ok;
}
