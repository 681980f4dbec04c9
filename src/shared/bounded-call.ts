// A call to another object (or the directory) that may not answer: bounded in time, its failure
// returned as a value, so the caller says it or logs it instead of waiting or throwing.

export type Bounded<T> = { ok: true; value: T } | { ok: false; error: string };

export async function boundedCall<T>(call: () => Promise<T> | T, timeoutMs: number): Promise<Bounded<T>> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return { ok: true, value: await Promise.race([Promise.resolve().then(call), timeout]) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}
