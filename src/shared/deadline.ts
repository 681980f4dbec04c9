// A deadline for an outbound call (its request and the body read after it) whose timer goes as
// soon as the call is over. Not AbortSignal.timeout: in workerd its timer runs its whole length
// whatever became of the call, and a pending timer keeps a Durable Object's instance busy, so a
// graceful eviction after a reply waited out the Twilio call's 15 s (test/worker/typing-and-logs).

/** The error a deadline aborts with: named "TimeoutError", as AbortSignal.timeout's is. */
function timeoutError(ms: number): DOMException {
  return new DOMException(`The operation was aborted due to timeout (${ms} ms)`, "TimeoutError");
}

/** Runs `call` with a signal that aborts after `ms`; the timer is cleared once `call` settles. */
export async function withDeadline<T>(ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeoutError(ms)), ms);
  try {
    return await call(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** Rejects with the signal's reason once it aborts, whether or not `promise` listens to it. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
