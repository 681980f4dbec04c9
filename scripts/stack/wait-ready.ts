// Polls a child's health URL until it answers 200, the child exits, says it cannot work (a 503
// naming what it lacks: the Worker's settings check, the VM's start check), or time runs out.
import { z } from "zod";

export type ReadyOutcome = "ready" | "exited" | "timeout" | { refused: string };

/** The Worker's `{ok:false, problems}` and the VM's `{ok:false, missing}`: an answer that will not change by waiting. */
const UnreadySchema = z.object({ ok: z.literal(false), problems: z.array(z.string()).optional(), missing: z.array(z.string()).optional() });

export async function waitUntilReady(url: string, options: { timeoutMs: number; exited: () => boolean }): Promise<ReadyOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (options.exited()) return "exited";
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) {
        await response.body?.cancel();
        return "ready";
      }
      const refused = response.status === 503 ? unreadyReason(await response.text()) : (await response.body?.cancel(), null);
      if (refused) return { refused };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return "timeout";
}

/** What a 503 of ours says is missing, in one line; null for any other 503 (a server still starting). */
export function unreadyReason(body: string): string | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const parsed = UnreadySchema.safeParse(json);
  if (!parsed.success) return null;
  const { problems, missing } = parsed.data;
  if (problems && problems.length > 0) return problems.join("; ");
  if (missing && missing.length > 0) return `missing: ${missing.join(", ")}`;
  return null;
}
