// Cleanup steps registered the moment each resource exists, run newest first, each once, even
// when an earlier one fails: a soak that dies halfway still leaves no process or directory.

export type Teardowns = {
  add(name: string, step: () => Promise<void> | void): void;
  /** Runs every step not run yet; resolves with the failures, never rejects. */
  runAll(): Promise<string[]>;
};

export function createTeardowns(log: (line: string) => void = () => undefined): Teardowns {
  const steps: { name: string; step: () => Promise<void> | void }[] = [];
  let running: Promise<string[]> | null = null;
  return {
    add(name, step) {
      steps.push({ name, step });
    },
    runAll() {
      // A second call (a signal during cleanup) waits for the first instead of racing it.
      running ??= (async () => {
        const failures: string[] = [];
        while (steps.length > 0) {
          const { name, step } = steps.pop()!;
          try {
            await step();
          } catch (error) {
            failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
            log(`cleanup of ${name} failed: ${String(error)}`);
          }
        }
        return failures;
      })().finally(() => {
        running = null;
      });
      return running;
    },
  };
}
