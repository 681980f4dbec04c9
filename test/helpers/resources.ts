// What a test file started (stacks, browsers, servers, temporary directories), each registered
// the moment it exists and released by one afterAll, even when beforeAll threw halfway through.
import { afterAll } from "vitest";

export type Resources = {
  /**
   * Registers `resource` with how to release it, and returns it unchanged. A promise is waited
   * for when releasing: if it fulfilled, its value is released; if it rejected, there is nothing
   * to release (whatever it had started it tracked itself). Without `release`, only waited for.
   * Once releasing has begun, a resource tracked late is released at once and `track` throws,
   * which ends a set-up that is still under way.
   */
  track<T>(resource: T, release?: (value: Awaited<T>) => unknown): T;
  /** Releases everything, newest first; every release runs even when one throws. Safe to call again. */
  releaseAll(): Promise<void>;
};

export class SetupAbandonedError extends Error {
  override readonly name = "SetupAbandonedError";
}

export function createResources(): Resources {
  const pending: Array<() => Promise<void>> = [];
  let releasing = false;
  let draining: Promise<unknown[]> | null = null;

  // Newest first, and whatever is tracked while draining joins the same loop.
  const drain = (): Promise<unknown[]> =>
    (draining ??= (async () => {
      const errors: unknown[] = [];
      // Starts once `draining` is set; it is cleared in the same step as the loop's last check.
      await null;
      for (let next = pending.pop(); next; next = pending.pop()) {
        try {
          await next();
        } catch (error) {
          errors.push(error);
        }
      }
      draining = null;
      return errors;
    })());

  return {
    track(resource, release) {
      pending.push(async () => {
        let value: Awaited<typeof resource>;
        try {
          value = await resource;
        } catch {
          return;
        }
        await release?.(value);
      });
      if (releasing) {
        void drain().then((errors) => errors.forEach((error) => console.error("releasing a late resource:", error)));
        throw new SetupAbandonedError("the test's resources are being released; this set-up was abandoned");
      }
      return resource;
    },
    async releaseAll() {
      releasing = true;
      const errors = await drain();
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new AggregateError(errors, "releasing the test's resources");
    },
  };
}

/** A registry released after the file's tests (or after its beforeAll failed). */
export function useResources(): Resources {
  const resources = createResources();
  afterAll(() => resources.releaseAll());
  return resources;
}
