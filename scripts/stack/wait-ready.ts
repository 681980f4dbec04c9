// Polls a child's health URL until it answers 200, the child exits, or time runs out.

export type ReadyOutcome = "ready" | "exited" | "timeout";

export async function waitUntilReady(url: string, options: { timeoutMs: number; exited: () => boolean }): Promise<ReadyOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (options.exited()) return "exited";
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.ok) return "ready";
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return "timeout";
}
